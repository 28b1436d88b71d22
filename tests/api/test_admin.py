"""Tokens are made and revoked in the admin; the secret is shown once."""

import re

import pytest
from django.urls import reverse

from api import tokens
from api.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def chief_client(client, superuser):
    client.force_login(superuser)
    return client


def test_creating_a_token_shows_its_secret_once_and_stores_a_digest(chief_client, writer, superuser):
    response = chief_client.post(
        reverse("admin:api_apitoken_add"),
        {"name": "生成パイプライン", "user": writer.pk, "scopes": ["articles:read", "segments:write"]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r'<pre id="api-token-secret">([^<]+)</pre>', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert (token.user, token.created_by, token.scopes) == (
        writer,
        superuser,
        ["articles:read", "segments:write"],
    )
    assert tokens.find(secret) == token
    assert secret.rsplit("_", 1)[1] not in token.secret_hash
    # The change page never shows it again.
    page = chief_client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert secret not in page and token.prefix in page


def test_a_token_needs_a_scope(chief_client, writer):
    response = chief_client.post(reverse("admin:api_apitoken_add"), {"name": "x", "user": writer.pk})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_the_revoke_action_makes_the_token_unusable(chief_client, writer):
    token, secret = tokens.issue(name="x", user=writer, scopes=["articles:read"], by=None)
    response = chief_client.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_usable
