"""The media library in a real browser: a writer uploads an image in the dialog
with its alt text and credit, inserts it into the body and sees it in the live
preview, chooses another as the cover, reuses the first in a second article;
an editor cannot delete it while it is used. An image pasted or dropped into
the body asks for its alt text first. At 1366 and 390 px, under the Content
Security Policy, without sideways scrolling."""

import base64
import io
from pathlib import Path

import pytest
from PIL import Image as PillowImage

from tests.browser.test_desk import log_in

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# The editor's toolbar button (writing/editor.js), which opens the library's dialog.
IMAGE_BUTTON = "#writing-toolbar [data-tool=image][data-open-media-library]"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT_PROBLEMS = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__problems.push("CSP " + event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def png(width, height, colour):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    # The live server serves MEDIA_ROOT itself (Django's test server), as nginx does in production.
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def watched(page):
    problems = []
    page.add_init_script(REPORT_PROBLEMS)
    # The refused upload's 400 is the answer under test, not a problem.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "400 (Bad Request)" not in message.text
            and problems.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))

    def found():
        return problems + page.evaluate("window.__problems")

    page.problems = found
    return page


def sideways(page) -> int:
    return page.evaluate(
        """() => {
            const dialog = document.querySelector("dialog[open]");
            return Math.max(
                document.documentElement.scrollWidth - window.innerWidth,
                dialog ? dialog.scrollWidth - dialog.clientWidth : 0,
            );
        }"""
    )


def put_cursor_after(page, text):
    page.evaluate(
        """(text) => {
            const body = document.getElementById("id_body");
            const at = body.value.indexOf(text) + text.length;
            body.focus();
            body.setSelectionRange(at, at);
        }""",
        text,
    )


def open_library(page, opener):
    page.locator(opener).click()
    dialog = page.locator("dialog#media-library")
    dialog.wait_for()
    assert dialog.evaluate("(dialog) => dialog.open")
    return dialog


def save_and_continue(page):
    page.locator("input[name=_continue]").click()
    page.wait_for_selector(".messagelist")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_writer_uploads_inserts_chooses_a_cover_and_reuses_an_image(
    watched, browser, live_server, media, writer, editor, width
):
    from articles.models import Article
    from media_library import library
    from media_library.models import Image
    from tests.factories import READY_BODY, make_article
    from tests.media_library.conftest import make_image

    page = watched
    first = make_article(title="AI投資の行方", body=READY_BODY, authors=[writer.author_profile])
    second = make_article(
        title="電力の制約", body="送電網の増強には時間がかかる。", authors=[writer.author_profile]
    )
    plant = make_image(alt="半導体工場の外観", credit="写真：ロイター", width=1600, height=900, colour="teal")
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
    log_in(page, live_server, "writer")
    page.goto(f"{live_server.url}/admin/articles/article/{first.pk}/change/")

    # Upload in the dialog, at the cursor: after the first paragraph.
    put_cursor_after(page, "推論の需要が伸びています。")
    dialog = open_library(page, IMAGE_BUTTON)
    dialog.locator(".media-library-item").first.wait_for()
    assert dialog.locator(".media-library-alt").all_inner_texts() == ["半導体工場の外観"]
    dialog.locator("summary", has_text="新しい画像をアップロード").click()
    dialog.locator("#media-library-upload").set_input_files(
        files=[{"name": "gpu.png", "mimeType": "image/png", "buffer": png(1200, 700, "navy")}]
    )
    dialog.locator("#media-library-credit").fill("出典：IDC")
    dialog.locator("[data-media-library-upload-button]").click()
    # Missing alt text: refused in Japanese, and nothing typed or chosen is lost.
    error = dialog.locator("[data-errors-for=alt] li")
    error.wait_for()
    assert error.inner_text().startswith("代替テキストを入力してください。")
    assert dialog.locator("#media-library-alt").evaluate("(input) => document.activeElement === input")
    assert dialog.locator("#media-library-credit").input_value() == "出典：IDC"
    assert dialog.locator("#media-library-upload").evaluate("(input) => input.files.length") == 1
    assert not Image.objects.filter(alt="").exists() and Image.objects.count() == 1
    dialog.locator("#media-library-alt").fill("2026年のGPU出荷台数の推移")
    dialog.locator("#media-library-caption").fill("推論向けが伸びた")
    dialog.locator("[data-media-library-upload-button]").click()
    dialog.locator("[data-media-library-status]", has_text="ライブラリに追加しました").wait_for()
    gpu = Image.objects.get(alt="2026年のGPU出荷台数の推移")
    assert (gpu.credit, gpu.uploaded_by, gpu.width) == ("出典：IDC", writer, 1200)
    card = dialog.locator(".media-library-item").first
    assert card.locator(".media-library-alt").inner_text() == "2026年のGPU出荷台数の推移"
    assert sideways(page) <= 0, f"the dialog scrolls sideways at {width}px"
    page.wait_for_function(
        "() => [...document.querySelectorAll('#media-library img')].every((i) => i.complete)"
    )
    assert card.locator("img").evaluate("(img) => img.naturalWidth") == 1200
    if width == 1366:
        page.screenshot(path=SCREENSHOTS / "media-library-1366.png")

    # Insert into the body: at the cursor, seen in the live preview.
    card.get_by_role("button", name="「2026年のGPU出荷台数の推移」を本文に挿入").click()
    assert not dialog.evaluate("(dialog) => dialog.open")
    body = page.locator("#id_body").input_value()
    assert f"推論の需要が伸びています。\n\n{library.markdown_for(gpu)}\n\n本記事は" in body
    shown = page.locator('.markdownx-preview img[alt="2026年のGPU出荷台数の推移"]')
    shown.wait_for()
    assert shown.evaluate("(img) => img.complete && img.naturalWidth") == 1200
    assert page.locator(".markdownx-preview em", has_text="推論向けが伸びた（出典：IDC）").count() == 1

    # Another image as the cover, found by searching.
    dialog = open_library(page, ".library-cover [data-open-media-library]")
    dialog.locator("#media-library-q").fill("ロイター")
    dialog.locator(".media-library-item").nth(1).wait_for(state="detached")
    dialog.get_by_role("button", name="「半導体工場の外観」を表紙にする").click()
    assert page.locator("[data-library-cover-chosen]").is_visible()
    assert page.locator("#id_cover_alt").input_value() == "半導体工場の外観"
    assert sideways(page) <= 0
    save_and_continue(page)
    first.refresh_from_db()
    # (A browser sends a textarea's lines ending in CRLF.)
    assert library.markdown_for(gpu) in first.body.replace("\r\n", "\n")
    assert (first.cover.name, first.cover_alt) == (plant.file.name, "半導体工場の外観")

    # Reused in a second article.
    page.goto(f"{live_server.url}/admin/articles/article/{second.pk}/change/")
    put_cursor_after(page, "時間がかかる。")
    dialog = open_library(page, IMAGE_BUTTON)
    dialog.locator("#media-library-q").fill("GPU 出荷")
    dialog.locator(".media-library-item").nth(1).wait_for(state="detached")
    dialog.get_by_role("button", name="「2026年のGPU出荷台数の推移」を本文に挿入").click()
    page.locator('.markdownx-preview img[alt="2026年のGPU出荷台数の推移"]').wait_for()
    save_and_continue(page)
    saved = Article.objects.get(pk=second.pk).body.replace("\r\n", "\n")
    assert saved == f"送電網の増強には時間がかかる。\n\n{library.markdown_for(gpu)}"
    assert [use.article.pk for use in library.uses_of(gpu)] == [first.pk, second.pk]
    assert page.problems() == []

    # An editor cannot delete it while it is used: the page says where.
    editor_page = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    editor_page.set_viewport_size({"width": width, "height": 844})
    log_in(editor_page, live_server, "editor")
    editor_page.goto(f"{live_server.url}/admin/media_library/image/{gpu.pk}/change/")
    assert "「AI投資の行方」（本文）" in editor_page.locator("#library-uses").inner_text()
    editor_page.locator("a.deletelink").click()
    refusal = editor_page.locator(".errornote")
    assert "次の記事で使われているため、削除できません" in refusal.inner_text()
    assert editor_page.locator("#deleted-objects li").all_inner_texts() == [
        "「2026年のGPU出荷台数の推移」: 「AI投資の行方」（本文）",
        "「2026年のGPU出荷台数の推移」: 「電力の制約」（本文）",
    ]
    assert editor_page.locator("input[type=submit]").count() == 0
    assert sideways(editor_page) <= 0
    assert Image.objects.filter(pk=gpu.pk).exists()


@pytest.mark.parametrize("how", ["paste", "drop"])
def test_an_image_pasted_or_dropped_into_the_body_asks_for_its_alt_text_first(
    watched, live_server, media, writer, how
):
    from articles.models import Article
    from media_library import library
    from media_library.models import Image
    from tests.factories import make_article

    page = watched
    article = make_article(
        title="AI投資の行方", body="前の段落。\n\n後の段落。", authors=[writer.author_profile]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "writer")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    put_cursor_after(page, "前の段落。")
    page.evaluate(
        """([how, data]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "image.png", {type: "image/png"}));
            const body = document.getElementById("id_body");
            const event = how === "paste"
                ? new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true})
                : new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true});
            body.dispatchEvent(event);
        }""",
        [how, base64.b64encode(png(800, 400, "maroon")).decode()],
    )
    dialog = page.locator("dialog#media-library")
    dialog.wait_for()
    assert "image.png" in dialog.locator("[data-media-library-dropped]").inner_text()
    assert dialog.locator("#media-library-alt").evaluate("(input) => document.activeElement === input")
    # Nothing went in with empty alt text, and markdownx stored nothing on its own.
    assert page.locator("#id_body").input_value() == "前の段落。\n\n後の段落。"
    assert not (media / "uploads").exists()
    dialog.locator("#media-library-alt").fill("決算説明会のスライド")
    dialog.locator("#media-library-credit").fill("出典：各社資料")
    assert sideways(page) <= 0
    dialog.locator("[data-media-library-upload-button]").click()
    page.locator('.markdownx-preview img[alt="決算説明会のスライド"]').wait_for()
    image = Image.objects.get()
    assert (
        page.locator("#id_body").input_value() == f"前の段落。\n\n{library.markdown_for(image)}\n\n後の段落。"
    )
    assert (image.width, image.credit) == (800, "出典：各社資料")
    save_and_continue(page)
    assert library.markdown_for(image) in Article.objects.get(pk=article.pk).body.replace("\r\n", "\n")
    assert page.problems() == []


def test_the_dialog_works_from_the_keyboard(watched, live_server, media, writer):
    from tests.factories import make_article
    from tests.media_library.conftest import make_image

    page = watched
    article = make_article(title="AI投資の行方", body="前の段落。", authors=[writer.author_profile])
    make_image(alt="半導体工場の外観", credit="写真：ロイター")
    make_image(alt="データセンターの外観", credit="写真：筆者")
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "writer")
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    put_cursor_after(page, "前の段落。")
    opener = page.locator(IMAGE_BUTTON)
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog#media-library")
    dialog.locator(".media-library-item").nth(1).wait_for()
    focused = "() => document.activeElement.id || document.activeElement.getAttribute('aria-label')"
    assert page.evaluate(focused) == "media-library-q"
    page.keyboard.type("工場")
    page.keyboard.press("Enter")
    dialog.locator(".media-library-item").nth(1).wait_for(state="detached")
    # From the search box to the only image's first button, past the search button.
    for _ in range(2):
        page.keyboard.press("Tab")
    assert page.evaluate(focused) == "「半導体工場の外観」を本文に挿入"
    page.keyboard.press("Enter")
    assert not dialog.evaluate("(dialog) => dialog.open")
    assert page.evaluate(focused) == "id_body"
    assert page.locator("#id_body").input_value().startswith("前の段落。\n\n![半導体工場の外観](")
    page.locator('.markdownx-preview img[alt="半導体工場の外観"]').wait_for()
    # Inserted as typing is: one undo takes it out again, and the preview follows.
    page.keyboard.press("Control+z")
    assert page.locator("#id_body").input_value() == "前の段落。"
    page.locator('.markdownx-preview img[alt="半導体工場の外観"]').wait_for(state="detached")
    # Escape closes it again and gives the focus back to what opened it.
    opener.focus()
    page.keyboard.press("Enter")
    dialog.locator("#media-library-q").wait_for()
    # The first Escape empties the search box, as a search field does; the second closes.
    page.keyboard.press("Escape")
    assert dialog.locator("#media-library-q").input_value() == ""
    page.keyboard.press("Escape")
    assert not dialog.evaluate("(dialog) => dialog.open")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-open-media-library')")
    # The toolbar's shortcut for its image button opens it from the text too.
    page.locator("#id_body").focus()
    page.keyboard.press("Control+Alt+KeyI")
    dialog.locator("#media-library-q").wait_for()
    assert dialog.evaluate("(dialog) => dialog.open")
    assert page.problems() == []
