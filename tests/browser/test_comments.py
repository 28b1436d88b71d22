"""Comments in a real browser: an editor comments on a selected passage without
losing what they typed in the form; the writer reads it beside the text and in
the live preview, replies and resolves it; the panel fits a phone."""

from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_desk import log_in

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "生成AIへの投資は2026年も続いている。大手各社の設備投資は前年を上回った。\n\n"
    "GPUの需要はデータセンターで伸びた。とくに推論の需要が大きく、学習向けを上回る見込みだ。\n\n"
    "一方で電力の制約が課題になる。送電網の増強には時間がかかる。\n\n"
    "本記事は情報提供を目的としており、投資助言ではありません。"
)


@pytest.fixture
def article_in_review(writer, category):
    from editorial import workflow
    from tests.factories import make_article

    article = make_article(
        title="AI投資の行方",
        body=BODY,
        excerpt="生成AIへの投資と電力の課題を整理します。",
        tags=["AI"],
        authors=[writer.author_profile],
        categories=[category],
    )
    workflow.submit(article, by=writer)
    return article


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


def test_an_editor_comments_and_the_writer_answers_beside_the_text(
    browser, live_server, article_in_review, writer, editor
):
    from editorial.models import Comment, Notification

    change_url = f"{live_server.url}/admin/articles/article/{article_in_review.pk}/change/"
    editor_page = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    editor_page.set_viewport_size({"width": 1366, "height": 900})
    log_in(editor_page, live_server, "editor")
    editor_page.goto(change_url)
    # Typed but not saved: a comment must not cost it.
    editor_page.fill("#id_title", "AI投資の行方（編集中）")
    select_in_body(editor_page, "推論の需要が大きく")
    assert "推論の需要が大きく" in editor_page.locator(".comment-selection").inner_text()
    editor_page.fill("#comment-text", "推論の需要の数字と出典を足してください。@writer")
    editor_page.click("button[form=comment-add]")
    editor_page.wait_for_selector(".comment-thread .comment-text >> text=出典を足してください")
    assert editor_page.url == change_url
    assert editor_page.input_value("#id_title") == "AI投資の行方（編集中）"
    assert editor_page.locator(".comments-status").inner_text() == "コメントしました。"
    # A whole-paragraph comment, by its number.
    editor_page.fill("#comment-paragraph", "3")
    editor_page.fill("#comment-text", "結びが弱いです。")
    editor_page.click("button[form=comment-add]")
    editor_page.wait_for_selector(".comment-thread >> text=結びが弱いです。")
    assert [c.quote for c in Comment.objects.order_by("pk")] == [
        "推論の需要が大きく",
        "一方で電力の制約が課題になる。送電網の増強には時間がかかる。",
    ]
    assert Notification.objects.filter(recipient=writer, kind=Notification.Kind.MENTIONED).count() == 1
    # Sent back with no stage comment: the open comments say why, and the notice gathers them.
    editor_page.locator("button[name=_workflow][value=request_changes]").click()
    editor_page.wait_for_selector(".messagelist")
    notice = Notification.objects.get(recipient=writer, kind=Notification.Kind.CHANGES_REQUESTED)
    assert "未解決のコメント（2件）" in notice.message and "結びが弱いです。" in notice.message

    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "writer")
    page.goto(change_url)
    panel = page.locator("#comments")
    assert "未解決 2件" in panel.locator("h2").inner_text()
    assert [w.inner_text() for w in panel.locator(".comment-where").all()] == ["本文 第2段落", "本文 第3段落"]
    # At 1366 px the panel is at the top and the preview beside the text; from 1600 px the
    # panel stands beside the fields, and nothing slides under it.
    page.screenshot(path=ARTIFACTS / "comments-writer-1366.png", full_page=True)
    body_box, preview_box = (
        page.locator("#id_body").bounding_box(),
        page.locator(".markdownx-preview").bounding_box(),
    )
    assert panel.bounding_box()["y"] < body_box["y"]
    assert preview_box["x"] >= body_box["x"] + body_box["width"] and abs(preview_box["y"] - body_box["y"]) < 2
    page.set_viewport_size({"width": 1700, "height": 900})
    panel_box = panel.bounding_box()
    for field in ("#id_body", ".markdownx-preview"):
        box = page.locator(field).bounding_box()
        assert panel_box["x"] > box["x"] + box["width"] - 1, f"{field} slides under the comments"
    page.set_viewport_size({"width": 1366, "height": 900})
    # The live preview marks the passage; a click on the mark brings its comment into view.
    page.locator("#id_body").dispatch_event("input")
    mark = page.locator(".markdownx-preview mark.comment-mark").first
    mark.wait_for()
    assert mark.inner_text() == "推論の需要が大きく"
    top, bottom = panel.bounding_box(), page.locator(".field-body").bounding_box()
    page.screenshot(
        path=SCREENSHOTS / "comments-1366.png",
        full_page=True,
        clip={
            "x": 0,
            "y": top["y"] - 8,
            "width": 1366,
            "height": bottom["y"] + bottom["height"] - top["y"] + 16,
        },
    )
    first = panel.locator(".comment-thread").first
    first.locator("textarea").fill("総務省の統計を足しました。")
    first.locator("button", has_text="返信").click()
    page.wait_for_selector(".comment-reply >> text=総務省の統計を足しました。")
    page.locator(".comment-thread").first.locator("button", has_text="解決済みにする").click()
    page.wait_for_selector("#comments h2 >> text=未解決 1件")
    assert "解決済み 1件" in page.locator(".comments-resolved summary").inner_text()
    assert Notification.objects.filter(recipient=editor, kind=Notification.Kind.COMMENTED).count() == 1


def test_comments_fit_a_phone_and_show_an_orphaned_passage(
    page, live_server, article_in_review, writer, editor, screenshot
):
    from articles.models import Article
    from editorial.comments import threads

    threads.add(
        article_in_review, by=editor, field_name="body", text="ここは削ってもよいかも。" * 4, paragraph=3
    )
    threads.add(article_in_review, by=editor, field_name="title", text="数字を入れて。")
    Article.objects.filter(pk=article_in_review.pk).update(
        body=BODY.replace("一方で電力の制約が課題になる。送電網の増強には時間がかかる。\n\n", "")
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "writer")
    page.goto(f"{live_server.url}/admin/articles/article/{article_in_review.pk}/change/")
    orphaned = page.locator(".comment-thread.orphaned")
    assert "元の箇所が見つかりません" in orphaned.inner_text()
    assert "一方で電力の制約" in orphaned.locator(".comment-quote").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the change form with comments scrolls sideways by {overflow}px at 390px"
    page.locator("#comments").screenshot(path=SCREENSHOTS / "comments-390.png")
    screenshot("phone")
