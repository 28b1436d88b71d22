"""The API describes itself: OpenAPI JSON, and a docs page that works under the site's CSP."""

import re

import httpx
import pytest

from tests.celery_worker import ROOT

pytestmark = pytest.mark.django_db(transaction=True)


def test_openapi_json_lists_every_endpoint(live_server):
    response = httpx.get(f"{live_server.url}/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/articles/{article_id}/passes",
        "/api/v1/articles/{article_id}/submit",
    } <= set(paths)


def test_docs_page_loads_its_scripts_from_the_site_under_the_csp(live_server):
    response = httpx.get(f"{live_server.url}/api/v1/docs")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    scripts = [line for line in response.text.splitlines() if "<script src=" in line]
    assert scripts and all('src="/static/' in line for line in scripts), scripts
    assert "cdn" not in response.text.lower()
    bundle = scripts[0].split('src="', 1)[1].split('"', 1)[0]
    assert httpx.get(f"{live_server.url}{bundle}").status_code == 200


def _curl_examples(text: str) -> set[tuple[str, str]]:
    """(method, path) of every curl command in the page, the path as the API's root sees it."""
    commands = re.sub(r"\\\n", " ", text)
    found = set()
    for command in re.findall(r"^curl .*$", commands, re.MULTILINE):
        method = "post" if "-X POST" in command else "get"
        for root, path in re.findall(r'"\$(API|CONTENT)(/[^"?]*)', command):
            found.add((method, ("/api/v1/content" if root == "CONTENT" else "/api/v1") + path))
    return found


def test_docs_give_a_curl_example_for_every_endpoint(live_server):
    operations = httpx.get(f"{live_server.url}/api/v1/openapi.json").json()["paths"]
    examples = _curl_examples((ROOT / "docs" / "api.md").read_text(encoding="utf-8"))
    for path, methods in operations.items():
        pattern = re.compile("^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(path)) + "$")
        for method in methods:
            assert any(m == method and pattern.match(p) for m, p in examples), (method, path)
