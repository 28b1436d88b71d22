"""The writing surface in a real browser (issue 16): the toolbar and its shortcuts,
Ctrl+S, the count line against the server's counts, the warning before leaving."""

import pytest

from tests.browser.test_desk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(writer, category):
    from tests.factories import make_article

    return make_article(
        title="下書きの記事",
        body="## 背景\n\n推論の需要が伸びています。",
        excerpt="要点。",
        authors=[writer.author_profile],
        categories=[category],
    )


def open_draft(page, live_server, draft):
    log_in(page, live_server, "writer")
    page.goto(f"{live_server.url}/admin/articles/article/{draft.pk}/change/")
    page.wait_for_selector("#writing-toolbar")


def select(page, text):
    page.evaluate(
        """(text) => {
            const body = document.getElementById("id_body");
            const start = body.value.indexOf(text);
            body.focus();
            body.setSelectionRange(start, start + text.length);
        }""",
        text,
    )


def test_toolbar_buttons_and_their_shortcuts_write_the_markdown(page, live_server, draft):
    open_draft(page, live_server, draft)
    tools = page.locator("#writing-toolbar button")
    titles = tools.evaluate_all("buttons => buttons.map(b => b.title)")
    assert titles == [
        "見出し（Ctrl+Alt+2）",
        "太字（Ctrl+B）",
        "リンク（Ctrl+K）",
        "箇条書き（Ctrl+Shift+8）",
        "番号付きリスト（Ctrl+Shift+7）",
        "表（Ctrl+Alt+T）",
        "引用（Ctrl+Shift+9）",
        "コード（Ctrl+E）",
        "画像（Ctrl+Alt+I）",
    ]
    select(page, "推論の需要")
    page.click("#writing-toolbar [data-tool=bold]")
    assert "**推論の需要**が伸びています。" in page.input_value("#id_body")
    # The shortcut, then undo: the browser's undo still works after a toolbar edit.
    select(page, "伸びています")
    page.keyboard.press("Control+k")
    assert "[伸びています](https://)" in page.input_value("#id_body")
    page.keyboard.press("Control+z")
    assert "[伸びています]" not in page.input_value("#id_body")
    select(page, "背景")
    page.keyboard.press("Control+Shift+Digit9")
    assert page.input_value("#id_body").startswith("> ## 背景")
    page.keyboard.press("Control+Shift+Digit9")
    assert page.input_value("#id_body").startswith("## 背景")


def test_ctrl_s_saves_and_stays(page, live_server, draft):
    from articles.models import Article

    open_draft(page, live_server, draft)
    url = page.url
    page.fill("#id_title", "Ctrl+S で保存した題")
    page.keyboard.press("Control+s")
    page.wait_for_selector(".messagelist .success")
    assert page.url.split("#")[0].startswith(url.split("?")[0])
    assert Article.objects.get(pk=draft.pk).title == "Ctrl+S で保存した題"


def test_the_count_line_shows_what_the_server_counts(page, live_server, draft):
    from writing.counts import counts_of_markdown

    open_draft(page, live_server, draft)
    text = "## 見出し\n\nＡＩと GPU の**需要**は、[伸びた](https://example.com/)。\u3000全角の空白も数えない。\n\n- 箇条 one two"
    page.fill("#id_body", text)
    expected = counts_of_markdown(text)
    line = page.locator("#writing-counts")
    page.wait_for_function(
        "n => document.getElementById('writing-counts')?.dataset.characters === String(n)",
        arg=expected.characters,
    )
    assert line.get_attribute("data-latin-words") == str(expected.latin_words)
    assert line.inner_text() == f"文字数 {expected.characters}字・英単語 {expected.latin_words}語・読了 約1分"


def test_leaving_with_unsaved_changes_asks_first(page, live_server, draft):
    open_draft(page, live_server, draft)
    url = page.url
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    # Unchanged: no question.
    page.goto(f"{live_server.url}/admin/")
    assert asked == []
    page.goto(url)
    page.wait_for_selector("#writing-toolbar")
    page.fill("#id_excerpt", "書きかけの抜粋")
    from playwright.sync_api import Error as PlaywrightError

    with pytest.raises(PlaywrightError):  # staying cancels the navigation
        page.goto(f"{live_server.url}/admin/", timeout=3000)
    assert asked == ["beforeunload"]
    assert page.input_value("#id_excerpt") == "書きかけの抜粋"
    # Saving is not leaving.
    page.remove_listener("dialog", stay)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert asked == ["beforeunload"]


def test_who_else_is_here_shows_on_the_form_and_the_list_without_blocking(
    browser, live_server, draft, editor
):
    from articles.models import Article

    contexts = [browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo") for _ in range(2)]
    writer, chief = (context.new_page() for context in contexts)
    log_in(writer, live_server, "writer")
    log_in(chief, live_server, "editor")
    url = f"{live_server.url}/admin/articles/article/{draft.pk}/change/"
    writer.goto(url)
    writer.wait_for_selector("#writing-toolbar")
    chief.goto(url)
    chief.wait_for_selector("#presence:not([hidden])")
    assert chief.locator("#presence").inner_text() == "山田 書子さんもこの記事を開いています。"
    writer.goto(f"{live_server.url}/admin/articles/article/")
    mark = writer.locator(".presence-mark")
    mark.wait_for()
    assert mark.inner_text() == "editorさんが編集中"
    # Nobody is blocked: the editor saves while the writer is told.
    chief.fill("#id_title", "編集者が直した題")
    chief.click("input[name=_continue]")
    chief.wait_for_selector(".messagelist .success")
    assert Article.objects.get(pk=draft.pk).title == "編集者が直した題"
    for context in contexts:
        context.close()


def test_two_tabs_editing_different_paragraphs_merge_and_the_same_paragraph_asks(
    browser, live_server, draft, editor
):
    from articles.models import Article
    from editorial import revisions

    Article.objects.filter(pk=draft.pk).update(body="序。\n\n第一段落。\n\n第二段落。")
    draft.refresh_from_db()
    revisions.record_revision(draft, by=editor)
    url = f"{live_server.url}/admin/articles/article/{draft.pk}/change/"
    contexts = [browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo") for _ in range(2)]
    first, second = (context.new_page() for context in contexts)
    for page, user in ((first, "writer"), (second, "editor")):
        log_in(page, live_server, user)
        page.goto(url)
        page.wait_for_selector("#writing-toolbar")
    first.fill("#id_body", "序。\n\n第一段落（書き手）。\n\n第二段落。")
    first.keyboard.press("Control+s")
    first.wait_for_selector(".messagelist .success")
    second.fill("#id_body", "序。\n\n第一段落。\n\n第二段落（編集者）。")
    second.keyboard.press("Control+s")
    second.wait_for_selector(".messagelist .info >> text=合わせて保存しました")
    body = Article.objects.get(pk=draft.pk).body.replace("\r\n", "\n")
    assert body == "序。\n\n第一段落（書き手）。\n\n第二段落（編集者）。"

    # Now both change the first paragraph: the later one chooses.
    first.goto(url)
    second.goto(url)
    first.fill("#id_body", body.replace("第一段落（書き手）。", "第一段落（書き手の二度目）。"))
    first.keyboard.press("Control+s")
    first.wait_for_selector(".messagelist .success")
    second.fill("#id_body", body.replace("第一段落（書き手）。", "第一段落（編集者の直し）。"))
    second.keyboard.press("Control+s")
    clash = second.locator(".merge-clash")
    clash.wait_for()
    assert (
        "第一段落（書き手の二度目）。" in clash.inner_text()
        and "第一段落（編集者の直し）。" in clash.inner_text()
    )
    overflow = second.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    clash.get_by_label("両方残す（あなたの文が先）").check()
    second.keyboard.press("Control+s")
    second.wait_for_selector(".messagelist .info >> text=合わせて保存しました")
    assert Article.objects.get(pk=draft.pk).body.replace("\r\n", "\n") == (
        "序。\n\n第一段落（編集者の直し）。\n\n第一段落（書き手の二度目）。\n\n第二段落（編集者）。"
    )
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_editor_with_its_preview_at_desktop_and_phone_widths(page, live_server, draft, width):
    from pathlib import Path

    from articles.models import Article

    Article.objects.filter(pk=draft.pk).update(
        body="## 背景\n\n生成AIへの投資は続いている。**推論**の需要が大きい。\n\n"
        "| 企業 | 設備投資 |\n| --- | --- |\n| A社 | 3兆円 |\n\n"
        "- データセンター\n- 電力\n\n> 送電網の増強には時間がかかる。\n\n"
        "本記事は情報提供を目的としており、投資助言ではありません。"
    )
    page.set_viewport_size({"width": width, "height": 900 if width > 1000 else 844})
    open_draft(page, live_server, draft)
    page.locator("#id_body").dispatch_event("input")
    page.wait_for_selector("#writing-counts[data-characters]")
    body, preview = page.locator("#id_body").bounding_box(), page.locator(".markdownx-preview").bounding_box()
    if width >= 1200:
        assert preview["x"] >= body["x"] + body["width"], "the preview stands beside the text"
    else:
        assert preview["y"] >= body["y"] + body["height"], "the preview comes under the text"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the change form scrolls sideways by {overflow}px at {width}px"
    screenshots = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    field = page.locator(".field-body")
    field.scroll_into_view_if_needed()
    field.screenshot(path=screenshots / f"editor-{width}.png")
