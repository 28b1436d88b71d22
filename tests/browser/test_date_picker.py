"""The admin's date picker in Japanese, writing a date the form reads back."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_calendar_shows_japanese_dates_and_writes_the_slash_form(page, live_server, admin_login):
    admin_login()
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    date_input = page.locator("#id_publish_at_0")
    assert date_input.get_attribute("placeholder") == "2026/12/3"
    assert (
        "例: 2026/12/3、2026-12-03、2026年12月3日" in page.locator(".form-row.field-publish_at").inner_text()
    )
    date_input.fill("2030/12/3")
    page.click("#calendarlink0")
    calendar = page.locator("#calendarin0")
    assert calendar.locator("caption").inner_text() == "2030年12月"
    assert calendar.locator("th").all_inner_texts() == ["日", "月", "火", "水", "木", "金", "土"]
    assert calendar.locator("td.selected").inner_text() == "3"
    calendar.get_by_role("link", name="24", exact=True).click()
    assert date_input.input_value() == "2030/12/24"
    page.click("#clocklink0")
    page.get_by_role("link", name="12時", exact=True).click()
    assert page.locator("#id_publish_at_1").input_value() == "12:00"
