"""An editor edits a published article in a real browser: readers keep the live
text until the editor presses 今すぐ公開 (issue 15, item 3)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_edits_a_live_article_and_publishes_the_change(
    page, live_server, published_article, editor, screenshot
):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    change = f"{live_server.url}/admin/articles/article/{published_article.pk}/change/"
    page.goto(change)
    page.fill("textarea#id_body", "## 見出し\n\n書き直した本文です。")
    page.click("input[name=_continue]")
    banner = page.locator(".pending-version-banner")
    banner.wait_for()
    assert "公開中の記事とは別に、未公開の変更があります" in banner.inner_text()
    assert "書き直した本文です。" in page.locator("textarea#id_body").input_value()
    screenshot("pending-version-banner")

    reader = page.context.new_page()
    reader.goto(f"{live_server.url}{published_article.get_absolute_url()}")
    assert "書き直した本文です。" not in reader.content()

    page.click("button[name=_pending][value=publish]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator(".pending-version-banner").count() == 0
    reader.goto(f"{live_server.url}{published_article.get_absolute_url()}")
    assert "書き直した本文です。" in reader.content()


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def test_a_writer_s_change_is_sent_to_review_scheduled_by_an_editor_and_published_by_the_sweep(
    browser, page, live_server, writer, editor, category, screenshot, request
):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from articles.models import Article
    from editorial import scheduling
    from editorial.models import PendingVersion
    from tests.browser.conftest import ARTIFACTS
    from tests.factories import READY_BODY, make_article

    with time_machine.travel(timezone.now() - timedelta(days=2), tick=False):
        article = make_article(
            title="推論モデルの台頭",
            body=READY_BODY,
            excerpt="推論モデルの動向を整理します。",
            authors=[writer.author_profile],
            categories=[category],
            published=True,
        )
    change = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    reader_url = f"{live_server.url}{article.get_absolute_url()}"

    # The writer proposes a change to their live article and sends it to review.
    log_in(page, live_server, "writer")
    page.goto(change)
    page.fill("textarea#id_body", READY_BODY + "\n\n## 追記\n\nライターが足した段落です。")
    page.click("input[name=_continue]")
    banner = page.locator(".pending-version-banner")
    banner.wait_for()
    assert page.locator("button[name=_pending][value=publish]").count() == 0
    page.fill("#pending-comment", "追記の段落を足しました。確認をお願いします。")
    page.click("button[name=_pending][value=submit]")
    page.wait_for_selector(".messagelist .success")
    assert "レビュー待ち" in banner.inner_text()
    assert page.locator("button[name=_pending][value=submit]").count() == 0
    screenshot("writer-sent-to-review")

    # The editor finds it on the desk, marked as a change to a live article, and opens the diff.
    editor_context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    desk = editor_context.new_page()
    try:
        log_in(desk, live_server, "editor")
        queue = desk.locator("#desk-review")
        assert "推論モデルの台頭" in queue.inner_text() and "公開中の記事の変更" in queue.inner_text()
        assert "1件" in desk.locator("#desk-notifications h2").inner_text()
        queue.get_by_role("link", name="公開中との違い").click()
        desk.wait_for_url("**/pending/diff/")
        assert "ライターが足した段落です。" in desk.locator("tr.diff-insert").last.inner_text()
        desk.goto(change)

        # Enter in a field saves (the hidden first button), it never presses 今すぐ公開.
        desk.locator("#id_title").press("Enter")
        desk.wait_for_url("**/admin/articles/article/")
        assert "ライターが足した段落です。" not in Article.objects.get(pk=article.pk).body

        # The editor schedules the change for tomorrow morning.
        desk.goto(change)
        when = timezone.localtime(timezone.now() + timedelta(days=1)).replace(hour=9, minute=0)
        desk.fill("#pending-publish-at", f"{when:%Y-%m-%dT%H:%M}")
        desk.screenshot(path=ARTIFACTS / f"{request.node.name}-editor-banner.png")
        desk.click("button[name=_pending][value=schedule]")
        desk.wait_for_selector(".messagelist .success")
        assert f"{when:%Y年%-m月%-d日} 09:00" in desk.locator(".pending-version-banner").inner_text()
        desk.goto(f"{live_server.url}/admin/")
        assert "公開中の記事の変更" in desk.locator("#desk-scheduled").inner_text()
        assert "推論モデルの台頭" not in desk.locator("#desk-review").inner_text()
        desk.screenshot(path=ARTIFACTS / f"{request.node.name}-editor-desk.png", full_page=True)
    finally:
        editor_context.close()

    # Readers keep the live text until the sweep publishes the change, at its time
    # by the database clock (moved to a second ago: time passes).
    page.goto(reader_url)
    assert "ライターが足した段落です。" not in page.content()
    assert "更新）" not in page.locator(".meta").inner_text()
    PendingVersion.objects.filter(article=article).update(publish_at=timezone.now() - timedelta(seconds=1))
    assert scheduling.publish_due() == 1
    page.goto(reader_url)
    assert "ライターが足した段落です。" in page.content()
    assert "更新）" in page.locator(".meta").inner_text()
