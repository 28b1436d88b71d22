"""One editor's live preview: one render at a time, a few a second, and a 429 that keeps the pane."""

import pytest
import time_machine
from django.urls import reverse

from editorial.preview_limits import preview_slot

pytestmark = pytest.mark.django_db

URL = "editorial:markdown_preview"


def preview(client, content="## 見出し\n\n本文。"):
    return client.post(reverse(URL), {"content": content})


def test_a_second_preview_while_the_first_renders_is_429_with_the_last_preview(admin_client, admin_user):
    first = preview(admin_client, "**最初の版**")
    assert first.status_code == 200
    with preview_slot(admin_user.pk) as allowed:  # a render of this editor in flight
        assert allowed
        busy = preview(admin_client, "**次の版**")
    assert busy.status_code == 429 and busy["Retry-After"] == "1"
    body = busy.content.decode()
    assert "<strong>最初の版</strong>" in body and "次の版" not in body
    assert "data-preview-retry" in body
    assert preview(admin_client, "**次の版**").status_code == 200  # the slot is free again


def test_previews_beyond_the_rate_in_one_second_are_refused(admin_client, settings):
    settings.PREVIEW_RATE_PER_SECOND = 3
    with time_machine.travel("2026-12-01 10:00:00", tick=False):
        statuses = [preview(admin_client).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    with time_machine.travel("2026-12-01 10:00:01", tick=False):
        assert preview(admin_client).status_code == 200


def test_one_editors_busy_preview_does_not_hold_another(admin_client, admin_user, editor, client):
    client.force_login(editor)
    with preview_slot(admin_user.pk):
        assert preview(admin_client).status_code == 429
        assert preview(client).status_code == 200


def test_deep_nesting_is_shown_with_a_japanese_notice_not_an_error(admin_client):
    response = preview(admin_client, "> " * 1500 + "深すぎる引用")
    assert response.status_code == 200
    html = response.content.decode()
    assert "入れ子が深すぎます（上限 100 段）" in html and "深すぎる引用" in html
    assert "入れ子が深すぎます" not in preview(admin_client, "> 普通の引用").content.decode()
