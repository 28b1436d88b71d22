"""The desk in a real browser: a writer sent back an article reads the comment
and the notification on a phone, and opening it marks it read."""

from pathlib import Path

import pytest

# The README shows the desk as these tests leave it.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.mark.parametrize("width", [390, 1366])
def test_a_writer_finds_what_was_sent_back_on_the_desk(
    page, live_server, ready_article, writer, editor, width, screenshot
):
    from editorial import workflow
    from tests.factories import READY_BODY, make_article

    ready_article.title = "長いタイトルの記事" + "、半導体と推論モデルの長い分析" * 6
    ready_article.save()
    workflow.submit(ready_article, by=writer)
    workflow.request_changes(ready_article, by=editor, comment="出典を追記してください。" * 8)
    make_article(title="別の下書き", body=READY_BODY, authors=[writer.author_profile])
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, live_server, "writer")
    assert page.locator(".unread-count").inner_text() == "1"
    sent_back = page.locator("#desk-sent-back")
    assert "出典を追記してください。" in sent_back.inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the desk scrolls sideways by {overflow}px at {width}px"
    screenshot(f"desk-{width}")
    page.screenshot(path=SCREENSHOTS / f"desk-{width}.png", full_page=True)
    page.locator("#desk-notifications .notification-open").click()
    page.wait_for_url(f"{live_server.url}/admin/articles/article/{ready_article.pk}/change/")
    assert page.locator(".unread-count").count() == 0


def test_an_editor_s_desk_and_notifications_fit_a_phone(
    page, live_server, ready_article, writer, editor, screenshot
):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article
    from editorial import workflow
    from tests.factories import READY_BODY, make_article

    workflow.submit(ready_article, by=writer)
    for number, stage in enumerate([Article.Status.SCHEDULED, Article.Status.PUBLISHED] * 3):
        make_article(
            title=f"予約と公開の記事{number}：" + "長い題名" * 20,
            body=READY_BODY,
            authors=[writer.author_profile],
            status=stage,
            publish_at=timezone.now() + timedelta(days=2),
            published_at=timezone.now() - timedelta(hours=number),
        )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "editor")
    assert "1件" in page.locator("#desk-review h2").inner_text()
    for url in ("/admin/", "/admin/notifications/"):
        page.goto(f"{live_server.url}{url}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 390px"
        screenshot(url.strip("/").replace("/", "-"))
