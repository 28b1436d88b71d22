"""The reader's way around (issue 18): the header's categories, the footer's feeds and
sitemap, category descriptions, cover thumbnails on cards, home's featured list.

Pages are read as a reader without a session gets them, through the page cache, and
every change goes through the save or delete an editor's admin makes, with its
after-commit work run."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from articles.models import Article, Category
from articles.tasks import make_cover_renditions
from editorial.revisions import commit_content_change
from tests.factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db


def html_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def header_menu(html: str) -> list[tuple[str, str]]:
    """(address, name) of each category in the site header's menu."""
    menu = re.search(r'<nav class="site-menu" aria-label="カテゴリー">(.*?)</nav>', html, re.S)
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', menu.group(1)) if menu else []


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_the_header_lists_every_category_in_the_editors_order_on_every_page(client, published_article):
    make_category(name="技術", slug="tech", position=5)
    make_category(name="市場", slug="markets", position=1)
    pages = [
        reverse("articles:home"),
        published_article.get_absolute_url(),
        reverse("articles:category", kwargs={"slug": "investment"}),
        reverse("articles:search") + "?q=記事",
    ]
    for url in pages:
        assert header_menu(html_of(client, url)) == [
            ("/category/investment/", "投資分析"),
            ("/category/markets/", "市場"),
            ("/category/tech/", "技術"),
        ], url


def test_the_header_marks_the_category_being_read(client, category):
    html = html_of(client, category.get_absolute_url())
    assert '<a href="/category/investment/" aria-current="page">投資分析</a>' in html


def test_a_category_added_renamed_or_deleted_is_in_every_cached_header_at_once(
    client, published_article, category, after_commit
):
    article_page = published_article.get_absolute_url()
    html_of(client, article_page)  # stored in the page cache
    with after_commit():
        added = Category.objects.create(name="新しい分類", slug="new-one", position=9)
    assert ("/category/new-one/", "新しい分類") in header_menu(html_of(client, article_page))
    added.name = "改めた分類"
    with after_commit():
        added.save()
    assert ("/category/new-one/", "改めた分類") in header_menu(html_of(client, article_page))
    with after_commit():
        added.delete()
    assert header_menu(html_of(client, article_page)) == [("/category/investment/", "投資分析")]


def menu_reads(queries) -> int:
    """How many of ``queries`` read the whole category list, as the header's menu does."""
    return sum(
        1
        for query in queries
        if re.search(r'FROM "articles_category" ORDER BY "articles_category"."position"', query["sql"])
    )


def test_a_page_rendered_afresh_takes_the_kept_menu_until_a_category_changes(
    client, published_article, category, after_commit
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    html_of(client, reverse("articles:home"))  # keeps the menu
    article_page = published_article.get_absolute_url()
    with CaptureQueriesContext(connection) as queries:
        assert header_menu(html_of(client, article_page)) == [("/category/investment/", "投資分析")]
    assert menu_reads(queries) == 0, "a page never rendered before read the menu from the database"
    category.name = "投資と市場"
    with after_commit():
        category.save()
    with CaptureQueriesContext(connection) as queries:
        html = html_of(client, reverse("articles:search") + "?q=半導体")
    assert menu_reads(queries) == 1, "the kept menu outlived a category's change"
    assert header_menu(html) == [("/category/investment/", "投資と市場")]
    assert header_menu(html_of(client, article_page)) == [("/category/investment/", "投資と市場")]


def test_the_footer_links_the_site_feeds_and_the_sitemap(client, published_article):
    html = html_of(client, reverse("articles:home"))
    footer = html[html.index('<footer class="site-footer"') :]
    for address in ("/feeds/rss/", "/feeds/atom/", "/sitemap.xml"):
        assert f'href="{address}"' in footer, address


def test_the_footer_of_a_category_tag_or_author_page_links_its_own_feeds(client, author, category):
    make_article(title="記事", authors=[author], categories=[category], tags=["AI"], published=True)
    for page in ("category", "tag", "author"):
        slug = {"category": category.slug, "tag": "ai", "author": author.slug}[page]
        html = html_of(client, reverse(f"articles:{page}", kwargs={"slug": slug}))
        footer = html[html.index('<footer class="site-footer"') :]
        for kind in ("rss", "atom"):
            feed = reverse(f"articles:{page}_{kind}", kwargs={"slug": slug})
            assert f'href="{feed}"' in footer, feed
            assert client.get(feed).status_code == 200, feed


def test_a_category_description_is_shown_under_its_heading_and_changes_at_once(
    client, published_article, category, after_commit
):
    assert "subject-description" not in html_of(client, category.get_absolute_url())
    category.description = "投資の判断材料を\n深く分析します。"
    with after_commit():
        category.save()
    html = html_of(client, category.get_absolute_url())
    heading = html.index('<h1 class="page-heading">')
    described = html.index('<p class="subject-description">投資の判断材料を<br>深く分析します。</p>')
    assert heading < described


def test_editors_write_a_category_description_in_the_admin(admin_client, category):
    page = admin_client.get(reverse("admin:articles_category_change", args=[category.pk])).content.decode()
    assert 'name="description"' in page
    assert "説明" in page and "カテゴリーのページで見出しの下に表示されます。" in page


# --- Home's featured list --------------------------------------------------------------------


def test_an_article_newest_in_two_categories_is_featured_once_the_second_shows_its_next(client, author):
    first = make_category(name="市場", slug="markets", position=0)
    second = make_category(name="技術", slug="tech", position=1)
    older = make_article(title="技術の前の記事", authors=[author], categories=[second], published=True)
    both = make_article(
        title="両方の新しい記事", authors=[author], categories=[first, second], published=True
    )
    featured = client.get(reverse("articles:home")).context["featured"]
    assert [(category.pk, article.pk) for category, article in featured] == [
        (first.pk, both.pk),
        (second.pk, older.pk),
    ]


def test_a_category_with_nothing_but_an_article_featured_above_it_is_left_out(client, author):
    first = make_category(name="市場", slug="markets", position=0)
    second = make_category(name="技術", slug="tech", position=1)
    make_article(title="両方の記事", authors=[author], categories=[first, second], published=True)
    response = client.get(reverse("articles:home"))
    assert [category.pk for category, _ in response.context["featured"]] == [first.pk]
    # Once featured, once as the latest card's title.
    assert response.content.decode().count("両方の記事</a>") == 2


# --- Cover thumbnails on cards -----------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png(width, height) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def card_image(html: str) -> str | None:
    found = re.search(r'<img class="card-cover"[^>]*>', html)
    return found.group(0) if found else None


def test_a_card_shows_the_covers_smallest_rendition_with_its_size_lazily(client, author, category, media):
    article = make_article(
        title="表紙つき",
        authors=[author],
        categories=[category],
        published=True,
        cover_alt="夜のデータセンター",
    )
    article.cover.save("cover.png", ContentFile(png(2000, 1000)))
    make_cover_renditions(article.pk)
    small = Article.objects.get(pk=article.pk).cover_renditions["files"][0]
    for url in (reverse("articles:home"), category.get_absolute_url()):
        image = card_image(html_of(client, url))
        assert image is not None, url
        assert f'src="/media/{small[2]}"' in image
        assert 'width="480" height="240"' in image
        assert 'loading="lazy"' in image and 'alt="夜のデータセンター"' in image


def test_a_cover_added_or_taken_away_shows_on_cached_lists_at_once(
    client, author, category, editor, media, after_commit
):
    article = make_article(title="表紙あとから", authors=[author], categories=[category], published=True)
    home = reverse("articles:home")
    assert card_image(html_of(client, home)) is None  # stored in the page cache
    article.cover.save("cover.png", ContentFile(png(800, 600)), save=False)
    with after_commit():
        article.save()
        commit_content_change(article, by=editor)
    with after_commit():
        make_cover_renditions(article.pk)  # what the worker does after the save
    assert 'width="480" height="360"' in card_image(html_of(client, home))
    article.refresh_from_db()
    article.cover = ""
    with after_commit():
        article.save()
        commit_content_change(article, by=editor)
    assert card_image(html_of(client, home)) is None


def test_cards_of_a_list_cost_no_query_each_for_their_covers(
    client, author, category, media, django_assert_num_queries
):
    for number in range(3):
        article = make_article(
            title=f"表紙{number}", authors=[make_author()], categories=[category], published=True
        )
        article.cover.save("cover.png", ContentFile(png(600, 400)))
        make_cover_renditions(article.pk)
    html_of(client, category.get_absolute_url())  # the cards are stored now
    cache.clear()
    # the category, the page's articles, the header's categories: none per card
    with django_assert_num_queries(3):
        assert html_of(client, category.get_absolute_url()).count('class="card-cover"') == 3
