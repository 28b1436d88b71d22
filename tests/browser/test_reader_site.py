"""The reader's pages in a real browser, on a phone and on a desktop."""

from pathlib import Path

import pytest

from tests.factories import READY_BODY, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"mobile": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}

BODY = (
    "半導体の在庫調整は終わりに近づいています。\n\n## 在庫の動き\n\n"
    + "顧客企業の在庫日数は三四半期連続で減りました。" * 6
    + "\n\n## 受注の動き\n\n"
    + "装置メーカーの受注は底打ちの兆しを見せています。" * 6
    + "\n\n## 見通し\n\n"
    + "回復の速さは、AIチップ向けの投資がどこまで続くかにかかっています。" * 4
    + "\n\n"
    + READY_BODY
)


@pytest.fixture
def site(author, category):
    make_article(
        title="データセンター電力需要は投資テーマになりうるか",
        body=READY_BODY,
        excerpt="電力需要の伸びと送配電投資の関係を整理します。",
        authors=[author],
        categories=[category],
        tags=["AI", "電力"],
        published=True,
    )
    return make_article(
        title="半導体サイクルの読み方：在庫と受注から循環の位置を知る",
        body=BODY,
        excerpt="在庫日数と装置受注から、半導体の循環のどこにいるかを読み解きます。",
        authors=[author],
        categories=[category],
        tags=["AI", "半導体"],
        published=True,
    )


@pytest.mark.parametrize("device", WIDTHS)
def test_reader_pages_render_without_console_errors(page, live_server, site, device):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(WIDTHS[device])
    pages = {
        "home": "/",
        "article": site.get_absolute_url(),
        "search": "/search/?q=%E5%8D%8A%E5%B0%8E%E4%BD%93",  # 半導体
        "tag": "/tag/ai/",
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, url in pages.items():
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px on {device}"
        # Home and article screenshots are test_reader_navigation.py's; the search page's is this one's.
        if (name, device) == ("search", "mobile"):
            page.screenshot(path=SCREENSHOTS / f"{name}-{device}.png")
    assert errors == []
    page.goto(f"{live_server.url}/search/?q=%E5%8D%8A%E5%B0%8E%E4%BD%93")
    assert page.locator(".snippet mark").first.inner_text() == "半導体"
    # The body as written: not the title again, no heading's "#".
    snippet = page.locator(".snippet").first.inner_text()
    assert snippet.startswith("半導体の在庫調整は終わりに近づいています。 在庫の動き 顧客企業")
    assert "#" not in snippet and "サイクルの読み方" not in snippet
    page.goto(f"{live_server.url}{site.get_absolute_url()}")
    assert page.locator(".toc li").count() == 4  # three sections here and READY_BODY's own
