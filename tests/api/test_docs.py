"""The API describes itself: OpenAPI JSON, and a docs page that works under the site's CSP."""

import httpx
import pytest

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
