"""Production's security settings: what `check --deploy` asks for, the
headers every response carries, and the limit on admin login attempts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from allforces.security import client_ip

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENVIRONMENT = {
    "DEBUG": "0",
    "SECRET_KEY": "k7Qm2vX9pL4tR8wZ1nB6yH3jF5sD0gA-a-long-random-production-key-from-the-vault",
    "ALLOWED_HOSTS": "cms.example.jp",
    "CSRF_TRUSTED_ORIGINS": "https://cms.example.jp",
    "SITE_URL": "https://cms.example.jp",
}


def _manage(*args, **environment):
    # As production runs: none of the test run's relaxations (the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE, make test's SECURE_SSL_REDIRECT=0).
    relaxed = ("SECURE_SSL_REDIRECT", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {key: value for key, value in os.environ.items() if key not in relaxed}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENVIRONMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_https_is_turned_off():
    # The check above can fail: switching the redirect off is reported.
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENVIRONMENT, SECURE_SSL_REDIRECT="0"
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    environment = {**PRODUCTION_ENVIRONMENT, "SECRET_KEY": ""}
    result = _manage("check", **environment)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
def test_public_pages_carry_the_security_headers(client, published_article):
    response = client.get(published_article.get_absolute_url(), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_public_templates_have_no_inline_script_or_style(client, published_article):
    from html.parser import HTMLParser

    class Inline(HTMLParser):
        found = []

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if (
                tag == "script"
                and "src" not in attributes
                and attributes.get("type") != "application/ld+json"
            ):
                self.found.append("inline <script>")
            if tag == "style" or "style" in attributes:
                self.found.append(f"inline style on <{tag}>")
            self.found.extend(f"{name} on <{tag}>" for name in attributes if name.startswith("on"))

    for url in ("/", published_article.get_absolute_url(), "/search/?q=記事", "/no-such-page/"):
        parser = Inline()
        parser.feed(client.get(url).content.decode())
        assert parser.found == [], url


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_the_session_http_only(client, editor):
    client.get(reverse("admin:login"), secure=True)
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": "password"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert client.cookies["csrftoken"]["secure"]


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_sent_to_https_except_the_probes(client):
    response = client.get("/", headers={"host": "testserver"})
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz").status_code == 200
    # Behind the TLS-terminating proxy, its header marks the request secure.
    assert client.get("/robots.txt", headers={"x-forwarded-proto": "https"}).status_code == 200


def _attempt(client, username, password, **headers):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, headers=headers)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_out_from_that_address(client, editor, writer):
    for _ in range(4):
        response = _attempt(client, "editor", "wrong")
        assert response.status_code == 200  # the login form again, with its error
    assert _attempt(client, "editor", "wrong").status_code == 429
    locked = _attempt(client, "editor", "password")  # even the right password now
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "ログインを一時的に止めています" in text
    assert "15 分ほど" in text
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not punished for it.
    assert _attempt(client, "writer", "password").status_code == 302


@pytest.mark.django_db
def test_a_successful_login_clears_the_failures(client, editor):
    for _ in range(4):
        _attempt(client, "editor", "wrong")
    assert _attempt(client, "editor", "password").status_code == 302
    client.logout()
    for _ in range(4):
        _attempt(client, "editor", "wrong")
    assert _attempt(client, "editor", "password").status_code == 302


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forged_forwarded_address_does_not_escape_the_lockout(client, editor):
    for number in range(5):
        _attempt(client, "editor", "wrong", x_forwarded_for=f"198.51.100.{number}, 203.0.113.7")
    locked = _attempt(client, "editor", "password", x_forwarded_for="198.51.100.99, 203.0.113.7")
    assert locked.status_code == 429


class _Request:
    def __init__(self, forwarded="", remote="10.0.0.2"):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.2"),  # no proxy: the header is the client's own claim
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # what the proxy appended
        (2, "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        (1, "", "10.0.0.2"),
    ],
)
def test_client_ip_trusts_only_what_the_proxies_appended(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_Request(forwarded)) == expected


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forwarded_address_that_is_not_an_ip_is_no_server_error_and_still_locks_out(client, editor):
    for _ in range(4):
        assert _attempt(client, "editor", "wrong", x_forwarded_for="not-an-ip").status_code == 200
    # Counted against the address the request really came from, whatever the header says.
    assert _attempt(client, "editor", "wrong", x_forwarded_for="still, not-an-ip").status_code == 429
    assert _attempt(client, "editor", "password").status_code == 429


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("not-an-ip", "10.0.0.2"),
        ("198.51.100.1, 203.0.113.7:443", "10.0.0.2"),
        ("198.51.100.1, 2001:DB8:0::1", "2001:db8::1"),
    ],
)
def test_client_ip_is_an_ip_address_or_the_connections_own(settings, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_Request(forwarded)) == expected
