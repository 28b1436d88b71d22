"""Every page, the readers' and the editors', runs under the Content Security
Policy without a single violation: no inline script or style, no outside asset."""

import pytest

from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched_page(page):
    """The page, recording CSP violations and console errors from every document it loads."""
    problems = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    def visit(url):
        response = page.goto(url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        problems.extend(page.evaluate("window.__cspViolations"))
        return response

    page.visit = visit
    page.problems = problems
    return page


def test_readers_pages_raise_no_policy_violation(watched_page, live_server, author, category):
    article = make_article(
        title="推論モデルの台頭",
        body="## 市場\n\n推論の需要が伸びています。\n\n## 半導体\n\nGPU の供給。\n\n## 見通し\n\n以上です。",
        authors=[author],
        categories=[category],
        tags=["AI"],
        published=True,
    )
    for url in ("/", article.get_absolute_url(), "/search/?q=推論", "/tag/ai/", category.get_absolute_url()):
        response = watched_page.visit(f"{live_server.url}{url}")
        assert "unsafe-inline" not in response.headers["content-security-policy"], url
    # The article page's JSON-LD is data, not a script the policy has to allow.
    watched_page.visit(f"{live_server.url}{article.get_absolute_url()}")
    assert watched_page.locator('script[type="application/ld+json"]').count() == 1
    assert watched_page.problems == []


def test_editors_pages_raise_no_policy_violation(
    watched_page, live_server, admin_login, ready_article, admin_user
):
    from editorial.continuation import segments

    # A tree two levels deep, so the panel draws its indented alternatives.
    root, _ = segments.add_segment(ready_article, text="推論の需要は伸び続けています。特に", by=admin_user)
    for ending in ("データセンターで。", "端末の上で。"):
        segments.add_segment(ready_article, text=f"特に{ending}", parent=root, by=admin_user)
    admin_login()
    base = f"{live_server.url}/admin/articles/article"
    for url in (
        f"{base}/",
        f"{base}/{ready_article.pk}/change/",
        f"{base}/{ready_article.pk}/continuation/",
        f"{base}/{ready_article.pk}/history/",
        f"{base}/{ready_article.pk}/preview/",
        f"{base}/schedule/",
        f"{live_server.url}/admin/",
        f"{live_server.url}/admin/notifications/",
        f"{base}/add/",  # last: the live preview below is typed into it
    ):
        watched_page.visit(url)
    # The live preview fetches and inserts HTML under the same policy.
    watched_page.fill("textarea#id_body", "## 見出し\n\n本文です。")
    watched_page.locator(".markdownx-preview h2").wait_for()
    # The writing aids: a toolbar edit, the count line, the autosave's request.
    watched_page.click("#writing-toolbar [data-tool=bold]")
    watched_page.locator("#writing-counts[data-characters]").wait_for()
    watched_page.locator("#autosave-state[data-state=saved]").wait_for(timeout=15000)
    problems = watched_page.problems + watched_page.evaluate("window.__cspViolations")
    assert problems == []


def test_api_docs_page_works_under_the_policy(watched_page, live_server):
    watched_page.visit(f"{live_server.url}/api/v1/docs")
    # Swagger UI drew the API from openapi.json: its endpoints are listed.
    watched_page.locator(".opblock").first.wait_for()
    schema = watched_page.evaluate("fetch('/api/v1/openapi.json').then(response => response.json())")
    operations = sum(len(methods) for methods in schema["paths"].values())
    assert operations >= 7  # the editorial API's and the content API's
    assert watched_page.locator(".opblock").count() == operations
    assert watched_page.problems == []
