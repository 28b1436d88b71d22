import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Author, Category
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
SITE = "https://allforces.example"
# Allowed (every port of an allowed name is), but not the public site.
OTHER_HOST = {"host": "127.0.0.1:6666"}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def live_and_hidden(author, category):
    live = make_article(
        title="公開記事",
        excerpt="公開記事の要約",
        authors=[author],
        categories=[category],
        tags=["AI"],
        published=True,
    )
    make_article(title="下書き記事", authors=[author], categories=[category], tags=["AI"])
    make_article(
        title="予約記事",
        authors=[author],
        categories=[category],
        tags=["AI"],
        published=True,
        published_at=timezone.now() + timedelta(hours=1),
    )
    return live


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("feed_rss", {}),
        ("feed_atom", {}),
        ("category_rss", {"slug": "investment"}),
        ("category_atom", {"slug": "investment"}),
        ("tag_rss", {"slug": "ai"}),
        ("tag_atom", {"slug": "ai"}),
        ("author_rss", {"slug": "allforces-editors"}),
        ("author_atom", {"slug": "allforces-editors"}),
    ],
)
def test_feeds_list_only_published_articles(client, live_and_hidden, name, kwargs):
    response = client.get(reverse(f"articles:{name}", kwargs=kwargs))
    body = response.content.decode()
    assert response.status_code == 200
    assert "公開記事" in body and "公開記事の要約" in body
    assert "下書き記事" not in body and "予約記事" not in body


FEEDS = [
    ("feed_rss", {}),
    ("feed_atom", {}),
    ("category_rss", {"slug": "investment"}),
    ("category_atom", {"slug": "investment"}),
    ("tag_rss", {"slug": "ai"}),
    ("tag_atom", {"slug": "ai"}),
    ("author_rss", {"slug": "allforces-editors"}),
    ("author_atom", {"slug": "allforces-editors"}),
]


@pytest.mark.parametrize("full_text", [False, True])
@pytest.mark.parametrize("name, kwargs", FEEDS)
def test_feeds_leave_out_control_characters_saved_before_they_were_refused(
    client, live_and_hidden, author, category, settings, name, kwargs, full_text
):
    settings.FEED_FULL_TEXT = full_text
    # A queryset update, as rows were written before the validators existed.
    Article.objects.filter(pk=live_and_hidden.pk).update(
        title="公開\x1b記事", excerpt="公開記事の\x07要約", body="本文\x1bです\x9f。"
    )
    Author.objects.filter(pk=author.pk).update(name="編集\x1b部")
    Category.objects.filter(pk=category.pk).update(name="投\x0c資")
    Tag.objects.filter(slug="ai").update(name="bad\x0btag")
    response = client.get(reverse(f"articles:{name}", kwargs=kwargs))
    body = response.content.decode()
    assert response.status_code == 200
    assert "公開記事" in body and "編集部" in body and "badtag" in body
    assert ("本文です。" if full_text else "公開記事の要約") in body
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", body)


def test_feed_of_an_unknown_category_is_a_404(client):
    assert client.get(reverse("articles:category_rss", kwargs={"slug": "nothing"})).status_code == 404


def test_full_text_feed_is_sanitised(client, author, settings):
    settings.FEED_FULL_TEXT = True
    make_article(title="全文", body="本文<script>alert(1)</script>です。", authors=[author], published=True)
    body = client.get(reverse("articles:feed_rss")).content.decode()
    assert "本文" in body and "<script>alert" not in body and "&lt;script&gt;alert" not in body


def test_pages_announce_their_feeds(client, live_and_hidden, category):
    home = client.get(reverse("articles:home")).content.decode()
    assert 'type="application/rss+xml"' in home and 'href="/feeds/atom/"' in home
    page = client.get(category.get_absolute_url()).content.decode()
    assert 'href="/category/investment/rss/"' in page


def test_sitemap_has_published_articles_with_lastmod(client, live_and_hidden):
    body = client.get("/sitemap.xml").content.decode()
    assert f"{SITE}{live_and_hidden.get_absolute_url()}" in body
    assert body.count("<url>") == 3  # the article, its category and its author
    assert f"{SITE}{live_and_hidden.ordered_authors[0].get_absolute_url()}" in body
    assert "<lastmod>" in body
    assert "%E4%B8%8B%E6%9B%B8%E3%81%8D" not in body  # 下書き


def test_robots_txt_points_at_the_sitemap(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in body and f"Sitemap: {SITE}/sitemap.xml" in body


def test_month_and_year_archives_use_tokyo_dates(client, author):
    # 2025-01-31 23:30 in Tokyo is still January there (but 14:30 UTC).
    january = make_article(
        title="一月の記事",
        authors=[author],
        published=True,
        published_at=datetime(2025, 1, 31, 23, 30, tzinfo=TOKYO),
    )
    make_article(
        title="二月の記事",
        authors=[author],
        published=True,
        published_at=datetime(2025, 2, 1, 9, 0, tzinfo=TOKYO),
    )
    month = client.get(reverse("articles:archive_month", kwargs={"year": 2025, "month": 1}))
    assert list(month.context["articles"]) == [january]
    assert "2025年1月" in month.content.decode()
    year = client.get(reverse("articles:archive_year", kwargs={"year": 2025}))
    assert len(year.context["articles"]) == 2
    assert client.get("/archive/2025/13/").status_code == 404


def test_article_page_has_open_graph_canonical_and_json_ld(client, author):
    article = make_article(
        title="</script><script>alert(1)</script>",
        excerpt="要約",
        authors=[author, make_author(name="佐伯 遥")],
        published=True,
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert f'<link rel="canonical" href="{SITE}{article.get_absolute_url()}">' in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1)
    data = json.loads(ld)
    assert data["@type"] == "NewsArticle" and data["headline"] == article.title
    assert [a["@type"] for a in data["author"]] == ["Organization", "Person"]
    assert "<script>alert" not in html


def test_feeds_answer_conditional_get(client, live_and_hidden):
    first = client.get(reverse("articles:feed_atom"))
    assert first.has_header("Last-Modified")
    again = client.get(reverse("articles:feed_atom"), headers={"if-modified-since": first["Last-Modified"]})
    assert again.status_code == 304


def test_article_page_addresses_are_on_site_url_whatever_host_was_asked(client, published_article):
    html = client.get(published_article.get_absolute_url(), headers=OTHER_HOST).content.decode()
    address = f"{SITE}{published_article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{address}">' in html
    assert f'<meta property="og:url" content="{address}">' in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1)
    assert json.loads(ld)["url"] == address
    assert "6666" not in html


def test_list_page_canonical_is_on_site_url(client, live_and_hidden, category):
    html = client.get(category.get_absolute_url(), headers=OTHER_HOST).content.decode()
    assert f'<link rel="canonical" href="{SITE}{category.get_absolute_url()}">' in html


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("feed_rss", {}),
        ("feed_atom", {}),
        ("category_rss", {"slug": "investment"}),
        ("tag_atom", {"slug": "ai"}),
    ],
)
def test_feed_addresses_are_on_site_url_whatever_host_was_asked(client, live_and_hidden, name, kwargs):
    feed = reverse(f"articles:{name}", kwargs=kwargs)
    body = client.get(feed, headers=OTHER_HOST).content.decode()
    assert f"{SITE}{live_and_hidden.get_absolute_url()}" in body
    assert f'href="{SITE}{feed}"' in body  # the feed's own address (atom:link or link rel="self")
    assert "6666" not in body


def test_sitemap_and_robots_addresses_are_on_site_url_whatever_host_was_asked(client, live_and_hidden):
    sitemap = client.get("/sitemap.xml", headers=OTHER_HOST).content.decode()
    assert f"<loc>{SITE}{live_and_hidden.get_absolute_url()}</loc>" in sitemap
    assert "6666" not in sitemap
    robots = client.get("/robots.txt", headers=OTHER_HOST).content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in robots
