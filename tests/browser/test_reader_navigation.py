"""The reader's way around in a real browser (issue 18), on a phone (390 px) and a desktop
(1366 px): the header's categories, cover thumbnails, heading anchors and table headers.
Takes the README's "What readers see" screenshots."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from articles.tasks import make_cover_renditions
from tests.factories import READY_BODY, make_article, make_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"mobile": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
CATEGORIES = [
    "半導体",
    "AI・データセンター",
    "エネルギー",
    "マクロ経済",
    "金利と為替",
    "決算分析",
    "投資戦略",
]
COVERS = {"navy": (1600, 900), "darkgreen": (1200, 800), "maroon": (900, 900)}

# A narrow first column beside a long one: the auto table layout squeezes the short
# column below its text's width, and 企業 broke into 企 / 業 (issue 18).
TABLE_BODY = (
    "半導体の在庫調整は終わりに近づいています。\n\n## 主な企業\n\n"
    "| 企業 | 受注 | 在庫日数と受注の動き、そして次の四半期に向けた会社側の見通し |\n"
    "| --- | --- | --- |\n"
    "| 甲社 | 増加 | 受注は前四半期比で増え、在庫日数は三四半期続けて減りました。会社は回復を見込んでいます。 |\n"
    "| 乙社 | 横ばい | AIチップ向けの検査装置が好調で、受注残は過去最高を更新しました。 |\n\n"
    "## 見通し\n\n"
    + "回復の速さは、AIチップ向けの投資がどこまで続くかにかかっています。" * 4
    + "\n\n"
    + READY_BODY
)


def png(color, size) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def site(settings, tmp_path, author):
    # The live server serves MEDIA_ROOT itself (Django's test server), as nginx does in production.
    settings.MEDIA_ROOT = tmp_path
    categories = [
        make_category(name=name, slug=f"c{number}", position=number, description=f"{name}の動きを追います。")
        for number, name in enumerate(CATEGORIES)
    ]
    titles = [
        ("データセンター電力需要は投資テーマになりうるか", "電力需要の伸びと送配電投資の関係を整理します。"),
        ("生成AIの推論コストはどこまで下がるか", "推論の単価と GPU の供給から、価格の下がり方を読みます。"),
        ("金利の転換点で見直す高配当株", "利回りと配当性向から、金利が下がる局面の選び方を考えます。"),
    ]
    for (title, excerpt), (color, size), number in zip(titles, COVERS.items(), range(3), strict=True):
        article = make_article(
            title=title, body=READY_BODY, excerpt=excerpt, authors=[author],
            categories=[categories[number], categories[number + 3]], tags=["AI"], published=True,
            cover_alt=f"{title}の表紙",
        )  # fmt: skip
        article.cover.save("cover.png", ContentFile(png(color, size)))
        make_cover_renditions(article.pk)
    return make_article(
        title="半導体サイクルの読み方：在庫と受注から循環の位置を知る",
        body=TABLE_BODY,
        excerpt="在庫日数と装置受注から、半導体の循環のどこにいるかを読み解きます。",
        authors=[author],
        categories=[categories[0], categories[1]],
        tags=["AI", "半導体"],
        published=True,
    )


def no_sideways_scroll(page, url, device):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{url} scrolls sideways by {overflow}px on {device}"


@pytest.mark.parametrize("device", WIDTHS)
def test_every_category_is_reachable_from_the_header_without_sideways_scroll(page, live_server, site, device):
    page.set_viewport_size(WIDTHS[device])
    page.goto(f"{live_server.url}/")
    no_sideways_scroll(page, "/", device)
    links = page.locator(".site-menu a")
    assert links.all_inner_texts() == CATEGORIES
    row = page.locator(".site-menu ul")
    scrolls_inside = row.evaluate("(row) => row.scrollWidth > row.clientWidth")
    # A phone scrolls the row itself; a desktop shows every category at once.
    assert scrolls_inside == (device == "mobile")
    # The last one, reached as a keyboard reaches it: focus brings it into view, inside the page.
    last = links.last
    last.focus()
    box, width = last.bounding_box(), page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    no_sideways_scroll(page, "/", device)
    last.click()
    page.wait_for_url(f"{live_server.url}/category/c6/")
    assert page.locator(".subject-description").inner_text() == "投資戦略の動きを追います。"
    assert page.locator('.site-menu a[aria-current="page"]').inner_text() == "投資戦略"
    footer = page.locator(".site-footer")
    assert footer.locator('a[href="/category/c6/rss/"]').count() == 1
    assert footer.locator('a[href="/feeds/atom/"]').count() == 1
    assert footer.locator('a[href="/sitemap.xml"]').count() == 1


@pytest.mark.parametrize("device", WIDTHS)
def test_card_thumbnails_keep_their_place_and_load(page, live_server, site, device):
    page.set_viewport_size(WIDTHS[device])
    page.goto(f"{live_server.url}/")
    thumbnails = page.locator("img.card-cover")
    assert thumbnails.count() == 3
    for thumbnail in thumbnails.all():
        assert thumbnail.get_attribute("loading") == "lazy"
        assert int(thumbnail.get_attribute("width")) == 480
        assert int(thumbnail.get_attribute("height")) > 0
        assert thumbnail.get_attribute("alt").endswith("の表紙")
        thumbnail.scroll_into_view_if_needed()
        thumbnail.evaluate("(img) => img.decode()")
        assert thumbnail.evaluate("(img) => img.complete && img.naturalWidth") == 480
        box = thumbnail.bounding_box()
        # A thumbnail beside the text, not a banner across the card.
        assert 60 <= box["width"] <= 130 and box["height"] > 0, box
    no_sideways_scroll(page, "/", device)
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"home-{device}.png", full_page=True)


@pytest.mark.parametrize("device", WIDTHS)
def test_heading_anchors_show_on_hover_or_focus_only(page, live_server, site, device):
    page.set_viewport_size(WIDTHS[device])
    page.goto(f"{live_server.url}{site.get_absolute_url()}")
    anchor = page.locator(".article-body h2 .headerlink").first

    def opacity():
        return anchor.evaluate("(a) => getComputedStyle(a).opacity")

    assert opacity() == "0"
    page.locator(".article-body h2").first.hover()
    assert opacity() == "1"
    page.mouse.move(0, 0)
    assert opacity() == "0"
    # Reached with the Tab key, and then seen.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('headerlink')"):
            break
    else:
        pytest.fail("no heading anchor is reachable with the keyboard")
    assert page.evaluate("getComputedStyle(document.activeElement).opacity") == "1"
    assert page.evaluate("document.activeElement.getAttribute('title')") == "この見出しへのリンク"


@pytest.mark.parametrize("device", WIDTHS)
def test_a_narrow_table_header_never_breaks_inside_a_word(page, live_server, site, device):
    page.set_viewport_size(WIDTHS[device])
    url = site.get_absolute_url()
    page.goto(f"{live_server.url}{url}")
    no_sideways_scroll(page, url, device)
    header = page.locator(".article-body th").first
    assert header.inner_text() == "企業"
    lines = header.evaluate(
        """(th) => {
            const range = document.createRange();
            range.selectNodeContents(th);
            return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
        }"""
    )
    assert lines == 1, f"企業 broke over {lines} lines on {device}"
    table = page.locator(".article-body table")
    box, width = table.bounding_box(), page.viewport_size["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box  # it scrolls in its own box
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / f"article-{device}.png")
