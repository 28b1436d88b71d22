"""A day at the desk in a real browser, on a desktop and on a phone (issue 15, item 10).

A new writer with no author profile writes an article and sends it to review;
the editor finds it on the desk, comments on a passage and a paragraph and sends
it back; the writer reads the comments beside the text, answers, fixes and sends
it again; the editor publishes it, then edits the live article, which readers do
not see until the editor publishes the change. No page scrolls sideways."""

import re

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_desk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "## 背景\n\n"
    "半導体の受注は2026年も伸びている。とくに推論向けの需要が大きい。\n\n"
    "電力の制約は残る。\n\n"
    "本記事は情報提供を目的としており、投資助言ではありません。"
)


def fits(page, what):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} scrolls sideways by {overflow}px"


def new_page(browser, width):
    page = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    page.set_viewport_size({"width": width, "height": 900 if width > 1000 else 844})
    return page


def select_in_body(page, passage):
    page.evaluate(
        """(passage) => {
            const body = document.getElementById("id_body");
            const start = body.value.indexOf(passage);
            body.focus();
            body.setSelectionRange(start, start + passage.length);
            body.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
        }""",
        passage,
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_a_writer_and_an_editor_through_a_day_at_the_desk(browser, live_server, editor, category, width):
    from articles.models import Article
    from editorial.roles import WRITERS
    from tests.conftest import _staff_user

    _staff_user("sato", WRITERS, last_name="佐藤", first_name="花子")
    ARTIFACTS.mkdir(exist_ok=True)
    writer = new_page(browser, width)
    chief = new_page(browser, width)

    # The writer's first article: they become its author, and it stays theirs to see.
    log_in(writer, live_server, "sato")
    writer.goto(f"{live_server.url}/admin/articles/article/add/")
    assert "著者プロフィール「佐藤 花子」を作りました" in writer.locator(".messagelist").inner_text()
    byline = writer.locator("#id_article_authors-0-author option:checked")
    assert byline.inner_text() == "佐藤 花子"
    writer.fill("#id_title", "半導体受注の行方")
    writer.fill("#id_body", BODY)
    writer.fill("#id_excerpt", "半導体の受注と電力の制約を整理します。")
    # The category, through the admin's autocomplete.
    writer.locator(".field-categories .select2-selection").click()
    writer.locator(".select2-search__field").fill(category.name[:2])
    writer.locator(".select2-results__option", has_text=category.name).click()
    fits(writer, "the new article form")
    writer.click("input[name=_continue]")
    writer.wait_for_selector(".messagelist .success")
    article = Article.objects.get(title="半導体受注の行方")
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    assert writer.url.startswith(change_url)
    blocked = writer.locator("#blocked-submit")
    assert blocked.count() == 0, blocked.inner_text()
    writer.click("button[value=submit]")
    writer.wait_for_selector(".workflow-panel .stage >> text=レビュー中")

    # The editor's desk: what awaits review, and how long it has waited.
    log_in(chief, live_server, "editor")
    review = chief.locator("#desk-review")
    assert "半導体受注の行方" in review.inner_text() and "佐藤 花子" in review.inner_text()
    fits(chief, "the editor's desk")
    review.get_by_role("link", name="半導体受注の行方").click()
    chief.wait_for_url(f"{change_url}**")
    select_in_body(chief, "推論向けの需要が大きい")
    chief.fill("#comment-text", "需要の数字と出典を足してください。")
    chief.click("button[form=comment-add]")
    chief.wait_for_selector(".comment-thread >> text=需要の数字と出典")
    chief.fill("#comment-paragraph", "3")
    chief.fill("#comment-text", "電力の話をもう少し具体的に。@佐藤花子さん")
    chief.click("button[form=comment-add]")
    chief.wait_for_selector("#comments h2 >> text=未解決 2件")
    fits(chief, "the change form with comments")
    chief.screenshot(path=ARTIFACTS / f"journey-editor-comments-{width}.png", full_page=True)
    chief.click("button[value=request_changes]")
    chief.wait_for_selector(".workflow-panel .stage >> text=下書き")

    # The writer: sent back, with the comments counted on the desk and gathered in the notice.
    writer.goto(f"{live_server.url}/admin/")
    sent_back = writer.locator("#desk-sent-back")
    assert "半導体受注の行方" in sent_back.inner_text()
    assert "未解決のコメント 2件" in sent_back.inner_text()
    notices = writer.locator("#desk-notifications").inner_text()
    assert "差し戻し" in notices and "メンション" in notices and "需要の数字と出典" in notices
    assert int(writer.locator(".unread-count").inner_text()) >= 2
    fits(writer, "the writer's desk")
    writer.screenshot(path=ARTIFACTS / f"journey-writer-desk-{width}.png", full_page=True)
    writer.goto(change_url)
    threads = writer.locator("#comments .comment-thread")
    assert [re.sub(r"\s+", " ", t) for t in writer.locator("#comments .comment-where").all_inner_texts()] == [
        "本文 第2段落",
        "本文 第3段落",
    ]
    threads.first.locator("textarea").fill("業界団体の統計を足しました。")
    threads.first.locator("button", has_text="返信").click()
    writer.wait_for_selector(".comment-reply >> text=業界団体の統計")
    writer.fill("#id_body", BODY.replace("推論向けの需要が大きい", "推論向けの需要が前年比3割増と大きい"))
    writer.click("input[name=_continue]")
    writer.wait_for_selector(".messagelist .success")
    # The passage was edited: its comment followed it.
    assert "前年比3割増" in writer.locator("#comments .comment-quote").first.inner_text()
    for _ in range(2):
        writer.locator("#comments .comment-thread").first.locator("button", has_text="解決済みにする").click()
        writer.wait_for_timeout(300)
    writer.wait_for_selector("#comments h2 >> text=未解決 0件")
    writer.click("button[value=submit]")
    writer.wait_for_selector(".workflow-panel .stage >> text=レビュー中")

    # The editor publishes it, then changes the live article: readers keep the live one until published.
    chief.goto(change_url)
    chief.click("button[value=approve]")
    chief.wait_for_selector(".workflow-panel .stage >> text=公開中")
    article.refresh_from_db()
    reader = new_page(browser, width)
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert "半導体受注の行方" in reader.locator("h1").inner_text()
    chief.goto(change_url)
    chief.fill("#id_title", "半導体受注の行方（改訂）")
    chief.click("input[name=_continue]")
    chief.wait_for_selector(".pending-version-banner")
    reader.reload()
    assert reader.locator("h1").inner_text() == "半導体受注の行方"
    chief.click("button[name=_pending][value=publish]")
    chief.wait_for_selector(".messagelist .success")
    reader.reload()
    assert reader.locator("h1").inner_text() == "半導体受注の行方（改訂）"

    # History names people, not login ids, and lists the workflow and the comments.
    chief.goto(f"{change_url.removesuffix('change/')}history/")
    history = chief.locator("#change-history").inner_text()
    assert "佐藤 花子" in history and "レビュー中" in history and "コメント" in history
    fits(chief, "the article's history")
    writer.goto(f"{live_server.url}/admin/")
    assert "公開" in writer.locator("#desk-notifications").inner_text()
    fits(writer, "the writer's desk after publication")
