"""The six sequences of issue 14, each read by a reader through the app's page cache.

Every page here is fetched by a reader without a session, so it goes through
ReaderPageCacheMiddleware and Redis, and the first view of a page stores it.
Nothing clears a cache between an edit and the reader's next request; side
effects queued for after the commit run (``django_capture_on_commit_callbacks``).
Only the module's own helper ``stored_pages_expire()`` stands in for
PAGE_TIMEOUT passing, where a sequence goes wrong for longer than a stored page lives.
"""

import re
import time
from datetime import UTC, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models.functions import Now
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from redis import Redis
from taggit.models import Tag

from articles.models import Article, Author
from editorial import scheduling, workflow
from tests.factories import READY_BODY, make_article, make_scheduled_articles

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(superuser):
    """An editor's browser: it has a session, so it never touches the readers' page cache."""
    browser = Client()
    browser.force_login(superuser)
    return browser


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what an action queues for after its commit, as production does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def read(client, url, **headers):
    response = client.get(url, headers=headers)
    assert settings.SESSION_COOKIE_NAME not in client.cookies  # a reader, served by the page cache
    return response


def text_of(client, url):
    response = read(client, url)
    assert response.status_code == 200, url
    return response.content.decode()


def stored(client, url):
    """The page is now in the page cache: a second view is not rendered."""
    text = text_of(client, url)
    assert read(client, url).context is None, url
    return text


def stored_pages_expire():
    """What PAGE_TIMEOUT does to every stored page; Redis's own expiry cannot be time-travelled."""
    redis = Redis.from_url(settings.CACHES["default"]["LOCATION"])
    for key in redis.scan_iter(match="*page:*"):
        redis.delete(key)


def link(page, rel):
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', page)
    return found and found.group(1)


def published(title, *, slug, at, author, **fields):
    return make_article(title=title, slug=slug, authors=[author], published=True, published_at=at, **fields)


# 1. Equal publish times -----------------------------------------------------------------


def walk(client, start, rel):
    """The titles met following ``rel`` links from ``start``'s page, as a reader clicking through."""
    titles, url = [], start.get_absolute_url()
    while url and len(titles) < 10:
        page = text_of(client, url)
        titles.append(re.search(r'<h1 class="article-title">([^<]*)</h1>', page).group(1))
        url = link(page, rel)
    return titles


def test_articles_published_in_one_scheduler_batch_are_each_reachable_by_previous_and_next(
    author, client, after_commit
):
    now = timezone.now()
    published("前の記事", slug="before", at=now - timedelta(hours=1), author=author)
    make_scheduled_articles(3, at=now - timedelta(minutes=1), author=author)
    with after_commit():
        assert scheduling.publish_due() == 3
    batch = list(Article.objects.filter(slug__startswith="scheduled-").order_by("pk"))
    assert len({article.published_at for article in batch}) == 1  # one batch, one time
    published("後の記事", slug="after", at=timezone.now(), author=author)
    in_order = ["前の記事", *(article.title for article in batch), "後の記事"]
    assert walk(client, Article.objects.get(slug="before"), "next") == in_order
    assert walk(client, Article.objects.get(slug="after"), "prev") == in_order[::-1]


# 2. Admin delete -------------------------------------------------------------------------


@pytest.fixture
def three_in_a_row(author):
    """Three live articles a day apart: before, doomed (the one deleted), after."""
    now = timezone.now()
    return [
        published(title, slug=slug, at=now - timedelta(days=days), author=author)
        for title, slug, days in (
            ("前の記事", "before", 3),
            ("消される記事", "doomed", 2),
            ("後の記事", "after", 1),
        )
    ]


def delete_in_the_admin(staff, article, after_commit):
    with after_commit():
        response = staff.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_a_deleted_articles_page_is_gone_for_readers(client, staff, three_in_a_row, after_commit):
    doomed = three_in_a_row[1]
    stored(client, doomed.get_absolute_url())
    delete_in_the_admin(staff, doomed, after_commit)
    assert read(client, doomed.get_absolute_url()).status_code == 404


def test_a_deleted_article_leaves_the_home_page(client, staff, three_in_a_row, after_commit):
    assert "消される記事" in stored(client, reverse("articles:home"))
    delete_in_the_admin(staff, three_in_a_row[1], after_commit)
    assert "消される記事" not in text_of(client, reverse("articles:home"))


def test_the_next_article_links_past_a_deleted_one_at_once(client, staff, three_in_a_row, after_commit):
    before, doomed, after = three_in_a_row
    assert link(stored(client, after.get_absolute_url()), "prev") == doomed.get_absolute_url()
    delete_in_the_admin(staff, doomed, after_commit)
    assert link(text_of(client, after.get_absolute_url()), "prev") == before.get_absolute_url()


def test_the_next_article_links_past_a_deleted_one_once_its_stored_page_has_expired(
    client, staff, three_in_a_row, after_commit
):
    before, doomed, after = three_in_a_row
    stored(client, after.get_absolute_url())
    delete_in_the_admin(staff, doomed, after_commit)
    stored_pages_expire()
    assert link(text_of(client, after.get_absolute_url()), "prev") == before.get_absolute_url()


def test_a_feed_reader_revalidating_after_a_delete_is_not_told_nothing_changed(
    client, staff, three_in_a_row, after_commit
):
    Article.objects.update(updated_at=timezone.now() - timedelta(days=3))
    doomed = three_in_a_row[1]
    Article.objects.filter(pk=three_in_a_row[2].pk).delete()  # the doomed one is the newest
    Article.objects.filter(pk=doomed.pk).update(updated_at=timezone.now())
    feed = reverse("articles:feed_rss")
    first = read(client, feed)
    assert "消される記事" in first.content.decode()
    delete_in_the_admin(staff, doomed, after_commit)
    # As feed readers revalidate: both validators they were given.
    again = read(client, feed, if_modified_since=first["Last-Modified"], if_none_match=first["ETag"])
    assert again.status_code == 200  # not 304: the reader's copy still lists the deleted article
    assert "消される記事" not in again.content.decode()


# 3. Rename or delete an author, a category or a tag --------------------------------------


@pytest.fixture
def shown(author, category):
    """A live article with an author, a category and a tag, its page and home stored for readers."""
    article = published(
        "名前の出る記事",
        slug="named",
        at=timezone.now() - timedelta(hours=1),
        author=author,
        tags=["半導体"],
    )
    article.categories.set([category])
    return article


def test_a_category_renamed_in_the_admin_shows_its_new_name_on_article_pages(
    client, staff, shown, category, after_commit
):
    assert "投資分析" in stored(client, shown.get_absolute_url())
    with after_commit():
        response = staff.post(
            reverse("admin:articles_category_change", args=[category.pk]),
            {"name": "投資の分析", "slug": category.slug, "description": "", "position": 0},
        )
    assert response.status_code == 302
    page = text_of(client, shown.get_absolute_url())
    assert "投資の分析" in page and "投資分析" not in page


def test_an_author_renamed_in_the_admin_shows_the_new_name_on_home_cards(
    client, staff, shown, author, after_commit
):
    assert "ALLFORCES編集部" in stored(client, reverse("articles:home"))
    with after_commit():
        response = staff.post(
            reverse("admin:articles_author_change", args=[author.pk]),
            {"name": "オルフォース編集部", "slug": author.slug, "bio": "", "user": "", "is_team": "on"},
        )
    assert response.status_code == 302
    page = text_of(client, reverse("articles:home"))
    # The old name stays only in the footer's copyright line.
    assert "オルフォース編集部" in page and page.count("ALLFORCES編集部") == 1


def test_a_renamed_tag_shows_its_new_name_on_article_pages(client, shown, after_commit):
    assert "半導体" in stored(client, shown.get_absolute_url())
    tag = Tag.objects.get(name="半導体")
    tag.name = "半導体製造"
    with after_commit():
        tag.save()  # what the tag admin's save does
    assert "半導体製造" in text_of(client, shown.get_absolute_url())


def test_a_category_deleted_in_the_admin_is_no_longer_featured_on_home(
    client, staff, shown, category, after_commit
):
    assert "カテゴリー別の注目記事" in stored(client, reverse("articles:home"))
    with after_commit():
        response = staff.post(reverse("admin:articles_category_delete", args=[category.pk]), {"post": "yes"})
    assert response.status_code == 302
    page = text_of(client, reverse("articles:home"))
    assert "カテゴリー別の注目記事" not in page and category.get_absolute_url() not in page


def test_a_browser_revalidating_an_article_page_after_a_category_rename_gets_the_new_name(
    client, shown, category, after_commit
):
    first = read(client, shown.get_absolute_url())
    category.name = "投資の分析"
    with after_commit():
        category.save()
    # As a browser revalidates: both validators it was given.
    again = read(
        client,
        shown.get_absolute_url(),
        if_modified_since=first["Last-Modified"],
        if_none_match=first["ETag"],
    )
    assert again.status_code == 200  # not 304: the browser's copy has the old name
    assert "投資の分析" in again.content.decode()


# 4. A queryset update of author names ---------------------------------------------------


def test_author_names_changed_by_a_queryset_update_reach_cards_and_pages_after_the_rebuild_command(
    client, shown, author, after_commit
):
    stored(client, reverse("articles:home"))  # the card is rendered and kept
    stored(client, shown.get_absolute_url())  # and the page's furniture
    Author.objects.filter(pk=author.pk).update(name="オルフォース編集部")  # behind the app's back
    with after_commit():
        call_command("rebuild_reader_copies", stdout=StringIO())
    for url in (reverse("articles:home"), shown.get_absolute_url()):
        page = text_of(client, url)
        assert "オルフォース編集部" in page and page.count("ALLFORCES編集部") == 1, url  # the footer's line


# 5. A future-dated import published with --status published ------------------------------


def import_published_in_a_few_seconds(tmp_path, after_commit, category):
    live_at = timezone.now().replace(microsecond=0) + timedelta(seconds=3)
    (tmp_path / "future-chips.md").write_text(
        "---\n"
        "title: 未来の取り込み記事\n"
        f"date: {live_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} +0000\n"
        f"categories: [{category.name}]\n"
        "author: ALLFORCES編集部\n"
        "---\n\n" + READY_BODY + "\n",
        encoding="utf-8",
    )
    with after_commit():
        call_command("import_jekyll", str(tmp_path), "--status", "published", stdout=StringIO())
    article = Article.objects.get(title="未来の取り込み記事")
    assert article.status == Article.Status.PUBLISHED or article.publish_at == live_at
    return article


def wait_until_live(article):
    """Until its date has come by the database's clock, which decides what readers may see
    (an import dated in the future comes in scheduled for that date; the sweep publishes it)."""
    deadline = time.monotonic() + 10
    while not Article.objects.filter(pk=article.pk, publish_at__lte=Now()).exists():
        assert time.monotonic() < deadline, "its date never came"
        time.sleep(0.2)


def featured_titles(page):
    section = re.search(r'<section class="featured".*?</section>', page, re.S)
    return re.findall(r'class="featured-title"[^>]*>([^<]*)<', section.group(0)) if section else []


@pytest.fixture
def older_in_category(author, category):
    article = published("先に出た記事", slug="older", at=timezone.now() - timedelta(days=1), author=author)
    article.categories.set([category])
    return article


def test_a_future_dated_import_published_by_status_is_featured_once_it_is_live(
    client, tmp_path, author, category, older_in_category, after_commit
):
    imported = import_published_in_a_few_seconds(tmp_path, after_commit, category)
    wait_until_live(imported)
    with after_commit():
        scheduling.publish_due()  # the periodic sweep, as beat runs it every interval
    page = text_of(client, reverse("articles:home"))
    assert "未来の取り込み記事" in page  # it is on home, among the latest
    assert featured_titles(page) == ["未来の取り込み記事"]  # and its category's newest


def test_a_future_dated_import_replaces_the_home_page_stored_before_it_went_live(
    client, tmp_path, author, category, older_in_category, after_commit
):
    imported = import_published_in_a_few_seconds(tmp_path, after_commit, category)
    assert "未来の取り込み記事" not in stored(client, reverse("articles:home"))
    wait_until_live(imported)
    with after_commit():
        scheduling.publish_due()
    assert "未来の取り込み記事" in text_of(client, reverse("articles:home"))


# 6. Re-publishing an archived article ---------------------------------------------------


def test_a_republished_archived_article_is_the_newest_on_home(
    client, ready_article, writer, editor, author, after_commit
):
    """Product rule proposed (issue 14): putting an article back on the site is a publication,
    so it comes first, as of now, on home, its lists and feeds, and in previous and next."""
    with after_commit():
        workflow.submit(ready_article, by=writer)
        workflow.approve(ready_article, by=editor)
        workflow.archive(ready_article, by=editor)
    published("その間に出た記事", slug="in-between", at=timezone.now(), author=author)
    with after_commit():
        workflow.reopen(ready_article, by=editor)
        workflow.approve(ready_article, by=editor)
    response = read(client, reverse("articles:home"))
    titles = re.findall(r'<h2 class="card-title"><a [^>]*>([^<]*)</a>', response.content.decode())
    assert titles[:2] == ["推論モデルの台頭", "その間に出た記事"]


def test_a_republished_archived_article_links_back_to_what_was_published_while_it_was_down(
    client, ready_article, writer, editor, author, after_commit
):
    with after_commit():
        workflow.submit(ready_article, by=writer)
        workflow.approve(ready_article, by=editor)
        workflow.archive(ready_article, by=editor)
    between = published("その間に出た記事", slug="in-between", at=timezone.now(), author=author)
    with after_commit():
        workflow.reopen(ready_article, by=editor)
        workflow.approve(ready_article, by=editor)
    assert link(text_of(client, ready_article.get_absolute_url()), "prev") == between.get_absolute_url()


def test_the_sequences_read_what_readers_read(client, shown):
    """The page cache is on in these tests (Redis): a second view is the stored copy."""
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    assert read(client, shown.get_absolute_url()).context is not None
    assert read(client, shown.get_absolute_url()).context is None
