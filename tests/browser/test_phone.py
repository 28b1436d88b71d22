"""The editor's article pages on a 390 px phone: nothing scrolls sideways and
no table is squeezed into one-character columns; at 1366 px the tables stay tables."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# About five Japanese characters at the admin's 13-14 px: a cell narrower than
# this is the "one character per line" column the issue complained of.
READABLE_PX = 70

LONG_TITLE = "半導体サイクルの読み方：在庫日数と装置受注から循環の位置を知るための長い分析記事"
LONG_COMMENT = "出典の年次を本文と図表でそろえてください。" * 4


@pytest.fixture
def worked_article(ready_article, writer, editor):
    """An article with a stage history, three revisions, an alternative continuation
    and Django history rows: every table the pages under test can show."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article
    from editorial import revisions, workflow
    from editorial.continuation import segments
    from tests.factories import READY_BODY, make_article

    ready_article.title = LONG_TITLE
    ready_article.save()
    revisions.record_revision(ready_article, by=writer, note="最初の原稿")
    ready_article.body = READY_BODY + "\n\n推論の需要が急伸しています。" * 3
    ready_article.save()
    revisions.commit_content_change(ready_article, by=writer, note="需要の段落を追加")
    root, _ = segments.add_segment(ready_article, text="続きの最初の部分です。" * 5, by=writer)
    segments.add_segment(ready_article, text="別の続きの案です。" * 5, by=writer, parent=root)
    segments.add_segment(ready_article, text="もう一つの続きの案です。" * 5, by=writer, parent=root)
    workflow.submit(ready_article, by=writer, comment="確認をお願いします。")
    workflow.request_changes(ready_article, by=editor, comment=LONG_COMMENT)
    workflow.submit(ready_article, by=writer)
    for number in range(3):
        make_article(title=f"{LONG_TITLE}（その{number}）", body=READY_BODY, authors=[writer.author_profile])
    # A publication time brings the list's date drill-down and a filled 公開予定日時 column.
    make_article(
        title="予約済みの記事",
        body=READY_BODY,
        authors=[writer.author_profile],
        status=Article.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=3),
    )
    ready_article.refresh_from_db()
    return ready_article


def log_in_as_editor(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def pages_of(article):
    base = f"/admin/articles/article/{article.pk}"
    first = article.revisions.order_by("version").first()
    return {
        "article-list": "/admin/articles/article/",
        "change-form": f"{base}/change/",
        "history": f"{base}/history/",
        "revision-diff": f"{base}/revisions/diff/?from={first.pk}",
        "continuation": f"{base}/continuation/",
    }


def assert_no_sideways_scroll(page, name):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px"


def assert_nothing_cut_off(page, name):
    # Django's form rows and inline tables hide or scroll what overflows them, so
    # a page that does not scroll can still cut a preview or a header off.
    cut_off = page.evaluate(
        """[...document.querySelectorAll('#content *')]
        .filter(element => {
            const box = element.getBoundingClientRect();
            if (box.width === 0) return false;
            // Labels for screen readers only: clipped to one pixel on purpose.
            if (element.matches('.visually-hidden')) return false;
            if (box.right > window.innerWidth + 1) return true;
            const clips = getComputedStyle(element).overflowX !== 'visible';
            const field = element.matches('input, textarea, select, td.original p');
            return clips && !field && element.scrollWidth > element.clientWidth + 1;
        })
        .map(element => element.tagName + '.' + element.className)"""
    )
    assert not cut_off, f"{name} cuts off {cut_off[:5]}"


def narrowest(page, selector):
    """Width in px of the narrowest element matching ``selector`` (all must exist)."""
    widths = page.locator(selector).evaluate_all(
        "cells => cells.map(cell => cell.getBoundingClientRect().width)"
    )
    assert widths, f"nothing matches {selector}"
    return min(widths)


# The cells a reader of each page reads first.
KEY_CELLS = {
    "article-list": [
        "#result_list tbody th.field-title",
        "#result_list tbody td.field-status",
        "#result_list tbody td.field-author_names",
        "#result_list tbody td.field-updated_at",
    ],
    "change-form": [
        ".history-module table.history tbody td",
        ".markdownx-preview p",
        ".inline-group tr.has_original td.field-author",
    ],
    "history": ["#change-history tbody th", "#change-history tbody td"],
    "revision-diff": ["table.diff tbody td"],
    "continuation": [".segment-text", "table.diff tbody td"],
}


def test_the_article_pages_fit_a_phone(page, live_server, worked_article):
    page.set_viewport_size(PHONE)
    log_in_as_editor(page, live_server)
    for name, url in pages_of(worked_article).items():
        page.goto(f"{live_server.url}{url}")
        # The live preview is fetched after the page loads: measure what it shows.
        for selector in KEY_CELLS[name]:
            page.locator(selector).first.wait_for()
        assert_no_sideways_scroll(page, name)
        assert_nothing_cut_off(page, name)
        for selector in KEY_CELLS[name]:
            width = narrowest(page, selector)
            assert width >= READABLE_PX, f"{name}: {selector} is squeezed to {width:.0f}px"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"phone-{name}.png", full_page=True)


def test_a_phone_keeps_the_list_s_sorting_and_select_all(page, live_server, worked_article):
    page.set_viewport_size(PHONE)
    log_in_as_editor(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/")
    assert page.locator("#action-toggle").is_visible()
    page.locator("#result_list thead th.column-updated_at a").first.click()
    page.wait_for_url("**o=*")
    assert_no_sideways_scroll(page, "the sorted list")


def before_content(page, selector):
    return page.locator(selector).first.evaluate("cell => getComputedStyle(cell, '::before').content")


def test_a_phone_labels_each_stacked_cell(page, live_server, worked_article):
    page.set_viewport_size(PHONE)
    log_in_as_editor(page, live_server)
    page.goto(f"{live_server.url}/admin/articles/article/")
    assert "ステージ" in before_content(page, "#result_list tbody td.field-status")
    assert "更新日時" in before_content(page, "#result_list tbody td.field-updated_at")
    page.goto(f"{live_server.url}/admin/articles/article/{worked_article.pk}/change/")
    assert "操作した人" in before_content(page, ".history-module table.history tbody td:nth-child(3)")
    page.goto(f"{live_server.url}/admin/articles/article/{worked_article.pk}/history/")
    assert "操作" in before_content(page, "#change-history tbody td:nth-of-type(2)")


# The table each page shows, which a desktop must still see laid out as a table.
TABLES = {
    "article-list": "#result_list",
    "change-form": ".history-module table.history",
    "history": "#change-history table",
    "revision-diff": "table.diff",
    "continuation": "table.diff",
}
AS_A_TABLE = (
    "table => [table, table.tHead, table.tBodies[0].rows[0]].map(part => getComputedStyle(part).display)"
)


def test_a_desktop_still_sees_tables(page, live_server, worked_article, screenshot):
    page.set_viewport_size(DESKTOP)
    log_in_as_editor(page, live_server)
    for name, url in pages_of(worked_article).items():
        page.goto(f"{live_server.url}{url}")
        assert_no_sideways_scroll(page, name)
        assert_nothing_cut_off(page, name)
        screenshot(name)
        displays = page.locator(TABLES[name]).first.evaluate(AS_A_TABLE)
        assert displays == ["table", "table-header-group", "table-row"], name
