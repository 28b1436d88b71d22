import pytest
from playwright.sync_api import expect

from editorial.preview_limits import preview_slot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_busy_preview_keeps_the_pane_and_catches_up(page, live_server, admin_login, admin_user):
    admin_login()
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    editor = page.locator("textarea#id_body")
    preview = page.locator(".markdownx-preview")
    editor.fill("最初の段落。")
    expect(preview).to_contain_text("最初の段落")

    with preview_slot(admin_user.pk):  # this editor's previous preview is still rendering
        with page.expect_response(lambda response: response.status == 429):
            editor.press_sequentially("二番目の段落。", delay=10)
        expect(preview).to_contain_text("最初の段落")  # the pane keeps what it showed
        assert "二番目の段落" not in preview.inner_text()

    # Once the slot is free, the retry asks again without another keystroke.
    expect(preview).to_contain_text("二番目の段落", timeout=5_000)
    assert "preview-error" not in preview.inner_html()
    assert not [text for text in errors if "429" not in text]
