"""rebuild_reader_copies: what changes made behind the app's back left stale, made true again.

Pages are read as an anonymous reader reads them, through the page cache and
every stored copy, never after clearing a cache: a copy left stale, or a
cached page not made stale, fails the test.
"""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from taggit.models import Tag

from articles.cache import clock, stamp
from articles.freshness import TIMELINE
from articles.management.commands.rebuild_reader_copies import LABELS
from articles.models import Article, ArticleAuthor, Author, Category, CategoryListing, TagListing
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db

COPIES = (
    "card_html",
    "card_from",
    "furniture",
    "rendered_html",
    "rendered_from",
    "search_text",
    "body_text",
    "reading_time",
    "search_vector",
)


@pytest.fixture
def rebuild(django_capture_on_commit_callbacks):
    """Run the command as an operator would, outside any transaction: what it
    leaves for after the commit runs too. Returns {kind's label: count} and the output."""

    def run(*args):
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("rebuild_reader_copies", *args, stdout=out)
        output = out.getvalue()
        counts = {
            label: int(count.replace(",", ""))
            for label, count in re.findall(r"^  (.+): ([\d,]+) ", output, flags=re.MULTILINE)
        }
        assert set(counts) == set(LABELS.values()), output
        return counts, output

    return run


def changed(counts):
    """The kinds with something to rebuild, by key."""
    keys = {label: kind for kind, label in LABELS.items()}
    return {keys[label]: count for label, count in counts.items() if count}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def home_cards(client):
    # The cards alone: the featured list above them also names categories.
    html = page(client, reverse("articles:home"))
    return html[html.index('<h1 class="page-heading">') : html.index("<footer")]


@pytest.fixture
def author(db):
    # Not the team's name, which every page's footer shows.
    return make_author(name="佐藤 花子", slug="sato")


def show(client, *articles):
    """Show readers the home page and ``articles``' own pages, so their cards and furniture are stored."""
    stamp([TIMELINE])  # as the workflow does when an article goes live; the factory does not
    page(client, reverse("articles:home"))
    for article in articles:
        page(client, article.get_absolute_url())


@pytest.fixture
def shown(author, category, client):
    """A live article whose card, furniture and pages (home, its own) have been shown."""
    article = make_article(
        title="写しの記事", authors=[author], categories=[category], tags=["半導体"], published=True
    )
    show(client, article)
    stored = Article.objects.get(pk=article.pk)
    assert stored.card_from and stored.furniture is not None
    return article


def test_an_author_renamed_by_a_queryset_update_reaches_the_home_cards_and_the_article_page(
    client, shown, author, rebuild
):
    Author.objects.filter(pk=author.pk).update(name="新しい署名")
    # What readers get without the command: the old name, with no expiry.
    assert "新しい署名" not in home_cards(client)
    assert "新しい署名" not in page(client, shown.get_absolute_url())

    counts, _ = rebuild()

    assert changed(counts) == {"card": 1, "furniture": 1}
    cards = home_cards(client)
    assert "新しい署名" in cards and "佐藤 花子" not in cards
    article_page = page(client, shown.get_absolute_url())
    assert "新しい署名" in article_page and "佐藤 花子" not in article_page


def test_a_dry_run_counts_what_it_would_rebuild_and_changes_nothing(client, shown, author, category, rebuild):
    second = make_article(title="二本目", authors=[author], categories=[category], published=True)
    page(
        client, second.get_absolute_url()
    )  # its furniture; the home page was stored before it, without its card
    make_article(title="まだ誰にも表示されていない", authors=[author], published=True)
    Author.objects.filter(pk=author.pk).update(name="新しい署名")
    before = list(Article.objects.order_by("pk").values_list(*COPIES))
    version = clock()

    counts, output = rebuild("--dry-run")

    assert changed(counts) == {"card": 1, "furniture": 2}
    assert "［試行のみ］記事 3 件を調べました。" in output
    assert "何も書き換えていません" in output
    assert list(Article.objects.order_by("pk").values_list(*COPIES)) == before
    assert clock() == version  # nothing forgotten
    assert "新しい署名" not in page(client, shown.get_absolute_url())

    assert changed(rebuild()[0]) == {"card": 1, "furniture": 2}


def test_a_category_renamed_by_a_queryset_update_reaches_the_cards_the_featured_list_and_the_page(
    client, shown, category, rebuild
):
    Category.objects.filter(pk=category.pk).update(name="改名したカテゴリー")
    assert "改名したカテゴリー" not in page(client, reverse("articles:home"))

    counts, _ = rebuild()

    assert changed(counts) == {"card": 1, "furniture": 1}
    assert "改名したカテゴリー" in home_cards(client)
    home = page(client, reverse("articles:home"))
    assert "投資分析" not in home  # nor in the featured list, which reads the category itself
    assert "改名したカテゴリー" in page(client, shown.get_absolute_url())


def test_a_tag_renamed_by_a_queryset_update_reaches_the_article_page(client, shown, rebuild):
    Tag.objects.filter(name="半導体").update(name="パワー半導体")
    assert "パワー半導体" not in page(client, shown.get_absolute_url())

    counts, _ = rebuild()

    assert changed(counts) == {"furniture": 1}
    article_page = page(client, shown.get_absolute_url())
    assert "パワー半導体" in article_page
    assert '"keywords": ["パワー半導体"]' in article_page  # the structured data too


def test_listings_deleted_by_sql_are_rebuilt_and_their_pages_list_the_article_again(
    client, shown, author, category, rebuild
):
    tag = Tag.objects.get(name="半導体")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_categorylisting")
        cursor.execute("DELETE FROM articles_taglisting")
        cursor.execute("UPDATE articles_articleauthor SET live_since = NULL")
        cursor.execute("UPDATE articles_category SET newest_article_id = NULL")
    subjects = {
        "category": reverse("articles:category", kwargs={"slug": category.slug}),
        "author": reverse("articles:author", kwargs={"slug": author.slug}),
    }
    assert shown.title not in page(client, subjects["category"])  # and kept so in the page cache
    # Without a listed live article, a tag and an author have no page (public_tags, public_authors).
    assert client.get(subjects["author"]).status_code == 404
    assert client.get(reverse("articles:tag", kwargs={"slug": tag.slug})).status_code == 404

    counts, _ = rebuild()

    assert changed(counts) == {"category": 1, "tag": 1, "author": 1, "newest": 1}
    for url in subjects.values():
        assert shown.title in page(client, url)
    assert shown.title in page(client, reverse("articles:tag", kwargs={"slug": tag.slug}))
    featured = page(client, reverse("articles:home")).split('<h1 class="page-heading">')[0]
    assert shown.title in featured
    assert CategoryListing.objects.filter(article=shown).count() == 1
    assert TagListing.objects.filter(article=shown).count() == 1


def test_a_featured_article_cleared_by_sql_alone_is_featured_again(client, shown, category, rebuild):
    Category.objects.filter(pk=category.pk).update(newest_article=None)

    counts, _ = rebuild()

    assert changed(counts) == {"newest": 1}
    featured = page(client, reverse("articles:home")).split('<h1 class="page-heading">')[0]
    assert shown.title in featured


def test_an_article_taken_down_by_sql_leaves_the_listings_and_the_featured_list(
    client, author, category, rebuild
):
    older = make_article(title="前の記事", authors=[author], categories=[category], published=True)
    newer = make_article(title="取り下げる記事", authors=[author], categories=[category], published=True)
    assert Category.objects.get(pk=category.pk).newest_article == newer
    Article.objects.filter(pk=newer.pk).update(status=Article.Status.ARCHIVED)

    counts, _ = rebuild()

    assert changed(counts) == {"category": 1, "author": 1, "newest": 1}
    assert Category.objects.get(pk=category.pk).newest_article == older
    assert not CategoryListing.objects.filter(article=newer).exists()
    assert ArticleAuthor.objects.get(article=newer).live_since is None


def test_a_body_changed_by_a_queryset_update_is_rendered_indexed_and_found(client, shown, rebuild):
    Article.objects.filter(pk=shown.pk).update(body="## 新しい見出し\n\n量子コンピューターの話です。")
    search = reverse("articles:search")
    assert shown.title not in page(client, f"{search}?q=量子コンピューター")

    counts, _ = rebuild()

    assert changed(counts) == {"rendering": 1, "search": 1}
    found = page(client, f"{search}?q=量子コンピューター")
    assert shown.title in found
    assert "新しい見出し <mark>量子コンピューター</mark>の話です。" in found
    assert "新しい見出し" in page(client, shown.get_absolute_url())


def test_body_text_missing_after_the_migration_is_filled_for_the_snippets(client, shown, rebuild):
    # The column is added empty: until the rebuild, a result's snippet is worked out from the body.
    Article.objects.update(body_text="")
    search = f"{reverse('articles:search')}?q={shown.title[:2]}"
    assert '<p class="snippet">本文です。</p>' in page(client, search)
    assert changed(rebuild()[0]) == {"search": 1}
    assert '<p class="snippet">本文です。</p>' in page(client, search)


def test_a_rendering_made_by_another_renderer_is_made_again(shown, rebuild):
    Article.objects.filter(pk=shown.pk).update(rendered_from="made-by-an-older-renderer")
    assert changed(rebuild()[0]) == {"rendering": 1}
    assert Article.objects.get(pk=shown.pk).has_stored_rendering


def test_a_second_run_finds_nothing_to_do(client, shown, author, category, rebuild):
    other = make_article(title="別の記事", authors=[author], categories=[category], published=True)
    show(client)
    Author.objects.filter(pk=author.pk).update(name="新しい署名")
    Article.objects.filter(pk=other.pk).update(title="更新文で変えた題", body="別の本文です。")
    CategoryListing.objects.filter(article=other).delete()
    Category.objects.update(newest_article=None)
    first, _ = rebuild()
    assert changed(first) == {
        "rendering": 1,
        "search": 1,
        "card": 2,
        "furniture": 1,
        "category": 1,
        "newest": 1,
    }

    again, output = rebuild()

    assert changed(again) == {}
    assert "作り直すものはありませんでした。" in output


def test_only_the_articles_named_are_rebuilt(shown, author, category, client, rebuild):
    other = make_article(title="別の記事", authors=[author], categories=[category], published=True)
    show(client)
    Author.objects.filter(pk=author.pk).update(name="新しい署名")

    counts, output = rebuild("--article", str(other.pk))

    assert changed(counts) == {"card": 1}
    assert "記事 1 件を調べました。" in output
    assert "新しい署名" not in Article.objects.get(pk=shown.pk).card_html


def test_an_article_that_does_not_exist_is_refused(rebuild):
    with pytest.raises(CommandError, match="ID 404 の記事はありません"):
        rebuild("--article", "404")


def test_batches_together_cover_every_article(author, category, client, django_capture_on_commit_callbacks):
    from articles.rebuild import rebuild_reader_copies

    articles = [make_article(title=f"記事{n}", authors=[author], published=True) for n in range(5)]
    show(client)
    Author.objects.filter(pk=author.pk).update(name="新しい署名")
    done = []
    with django_capture_on_commit_callbacks(execute=True):
        rebuilt = rebuild_reader_copies(batch_size=2, progress=done.append)
    assert done == [2, 2, 1] and rebuilt.articles == 5
    assert rebuilt.changed["card"] == 5
    assert all("新しい署名" in Article.objects.get(pk=article.pk).card_html for article in articles)
