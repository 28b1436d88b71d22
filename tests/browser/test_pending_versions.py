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
