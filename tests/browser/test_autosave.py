"""Autosave in a real browser (issue 16, items 1 and 9): type, kill the tab,
reopen and restore; go offline, type, come back; a new article too."""

import pytest

from tests.browser.test_desk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(writer, category):
    from tests.factories import make_article

    return make_article(
        title="下書きの記事",
        body="最初の段落。",
        excerpt="要点。",
        authors=[writer.author_profile],
        categories=[category],
    )


def writer_page(browser, live_server):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    log_in(page, live_server, "writer")
    return context, page


def type_at_end(page, text):
    body = page.locator("#id_body")
    body.focus()
    body.press("Control+End")
    body.press_sequentially(text)


def autosaved_body():
    from writing.models import Autosave

    row = Autosave.objects.first()
    return row.fields["body"] if row else None


def test_type_kill_the_tab_reopen_and_restore(browser, live_server, draft):
    url = f"{live_server.url}/admin/articles/article/{draft.pk}/change/"
    context, page = writer_page(browser, live_server)
    page.goto(url)
    type_at_end(page, "\n\n書きかけの二段落目。")
    page.wait_for_selector("#autosave-state[data-state=saved]", timeout=15000)
    assert page.locator("#autosave-state").inner_text().startswith("保存済み ")
    context.close()  # the tab is gone, nothing was saved by hand
    draft.refresh_from_db()
    assert draft.body == "最初の段落。"

    context, page = writer_page(browser, live_server)
    page.goto(url)
    offer = page.locator("#autosave-offer")
    assert "保存していない変更があります" in offer.inner_text()
    assert "二段落目" in offer.locator("table.diff").inner_text()
    offer.get_by_role("link", name="自動保存から復元する").click()
    page.wait_for_selector(".autosave-restored")
    assert page.input_value("#id_body") == "最初の段落。\n\n書きかけの二段落目。"
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    draft.refresh_from_db()
    assert draft.body.replace("\r\n", "\n") == "最初の段落。\n\n書きかけの二段落目。"
    assert autosaved_body() is None
    context.close()


def test_offline_typing_is_kept_here_and_sent_when_the_network_is_back(browser, live_server, draft):
    url = f"{live_server.url}/admin/articles/article/{draft.pk}/change/"
    context, page = writer_page(browser, live_server)
    page.goto(url)
    context.set_offline(True)
    type_at_end(page, "オフラインで書いた。")
    page.wait_for_selector("#autosave-state[data-state=offline]", timeout=15000)
    assert page.locator("#autosave-state").inner_text().startswith("オフライン: この端末に保存")
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('allforces-autosave:'))")
    assert len(kept) == 1
    assert autosaved_body() is None
    context.set_offline(False)
    page.wait_for_selector("#autosave-state[data-state=saved]", timeout=15000)
    assert autosaved_body() == "最初の段落。オフラインで書いた。"
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('allforces-autosave:')).length")
        == 0
    )
    context.close()


def test_offline_typing_in_a_closed_tab_reaches_the_server_when_reopened(browser, live_server, draft):
    url = f"{live_server.url}/admin/articles/article/{draft.pk}/change/"
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    log_in(page, live_server, "writer")
    page.goto(url)
    context.set_offline(True)
    type_at_end(page, "電車の中で書いた。")
    page.wait_for_selector("#autosave-state[data-state=offline]", timeout=15000)
    page.close()  # the tab is closed while offline; the browser keeps its storage
    context.set_offline(False)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#autosave-offer >> text=この端末に残っていた")
    assert autosaved_body() == "最初の段落。電車の中で書いた。"
    page.get_by_role("link", name="その内容を開く").click()
    page.wait_for_selector(".autosave-restored")
    assert page.input_value("#id_body") == "最初の段落。電車の中で書いた。"
    context.close()


def test_a_new_article_never_saved_is_offered_on_the_add_page(browser, live_server, writer, category):
    from writing.models import Autosave

    add_url = f"{live_server.url}/admin/articles/article/add/"
    context, page = writer_page(browser, live_server)
    page.goto(add_url)
    page.fill("#id_title", "まだ保存していない新記事")
    type_at_end(page, "新しい本文。")
    page.wait_for_selector("#autosave-state[data-state=saved]", timeout=15000)
    context.close()

    context, page = writer_page(browser, live_server)
    page.goto(add_url)
    assert "まだ保存していない新記事" in page.locator("#autosave-offer").inner_text()
    page.get_by_role("link", name="続きを書く").click()
    page.wait_for_selector(".autosave-restored")
    assert page.input_value("#id_title") == "まだ保存していない新記事"
    assert page.input_value("#id_body") == "新しい本文。"
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert not Autosave.objects.exists()
    context.close()
