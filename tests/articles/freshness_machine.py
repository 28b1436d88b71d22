"""The editorial world the freshness property tests drive (issue 14, item 5).

``EditorialWorld`` is a hypothesis state machine: an editor publishes, schedules,
edits, archives, re-publishes, deletes, imports, renames, merges and deletes
categories, tags and authors, changes a live article's authors, new staff get an
author profile and write drafts, and rows are updated behind the app's back followed
by the rebuild command, in any order. After every step each reader page must be the
page rendered with every cache and stored copy off, and an author's page, feed and
sitemap entry must be there exactly while one of their articles is live (a 404
before and after). How a page is served and how the reference is rendered is left
to the subclasses: through the app's page cache in-process
(test_freshness_property.py), or through Varnish and gunicorn
(frontend_cache/test_freshness_property_through_varnish.py).
"""

import io
import re
import tempfile
import uuid
from contextlib import contextmanager
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from PIL import Image
from taggit.models import Tag

from allforces.celery import app as celery_app
from articles.models import Article, Author, Category
from editorial import workflow
from editorial.exceptions import GuardFailed
from editorial.pending import publish_pending, save_pending
from editorial.people import ensure_author_profile
from editorial.revisions import commit_content_change
from editorial.roles import EDITORS, install_role_groups
from tests.factories import READY_BODY, make_article, make_author, make_category

PICK = st.integers(0, 50)
# Covers and their renditions are written here; pages show only their addresses (MEDIA_URL).
MEDIA_ROOT = tempfile.mkdtemp(prefix="freshness-media-")
# Small pages, so "the last page of home" is not the first.
ARTICLES_PER_PAGE = 2


def after_commit():
    """Run what the step's transaction queued for after its commit (stamps, purges, copies)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def comparable(body: bytes) -> str:
    """``body`` as text, but for the build date of a feed without items, which Django
    gives as the moment of rendering (a feed's date is otherwise its newest item's)."""
    text = body.decode()
    if text.startswith("<?xml") and "<item>" not in text and "<entry>" not in text:
        text = re.sub(r"<(lastBuildDate|updated)>[^<]*</\1>", "", text)
    return text


@contextmanager
def tasks_run_here():
    """Celery tasks queued meanwhile run in this process when queued, not on a worker."""
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = False


def cover_png(width: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, width // 2), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def jekyll_post(folder: Path, number: int, *, days_ahead: int) -> Path:
    day = timezone.localdate() + timedelta(days=days_ahead)
    post = folder / "_posts" / f"{day:%Y-%m-%d}-imported-{number}.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text(
        "---\n"
        f"title: 取り込んだ記事{number}\n"
        "author: 著者0\n"
        "categories: [分類0]\n"
        "tags: [タグ0, 取り込み]\n"
        "---\n\n"
        f"{READY_BODY}\n",
        encoding="utf-8",
    )
    return post


class EditorialWorld(RuleBasedStateMachine):
    """Articles in two categories by two authors, and an editor acting on them."""

    def __init__(self):
        super().__init__()
        self.counter = 0

    # --- Left to subclasses ------------------------------------------------------------------

    def served(self, path) -> tuple[int, bytes]:
        """(status, body) of ``path`` as a reader gets it, caches and copies in use."""
        raise NotImplementedError

    def fresh(self, path) -> tuple[int, bytes]:
        """(status, body) of ``path`` rendered with every cache and copy off."""
        raise NotImplementedError

    def settle(self) -> None:
        """Wait for what a step set going after its commit (the purge worker)."""

    def tasks_of(self):
        """Where the Celery tasks a step queues run: here in this process, by default."""
        return tasks_run_here()

    def wait_for_renditions(self, article) -> None:
        """Wait until the task a cover's save queued has made its renditions (here: it has)."""
        assert Article.objects.get(pk=article.pk).cover_renditions["files"]

    # --- The world -----------------------------------------------------------------------------

    def populate(self):
        install_role_groups(Group, Permission)
        self.editor, _ = get_user_model().objects.get_or_create(username="prop-editor", is_staff=True)
        self.editor.groups.add(Group.objects.get(name=EDITORS))
        for n in range(2):
            make_category(name=f"分類{n}", slug=f"prop-c{n}")
            make_author(name=f"著者{n}", slug=f"prop-a{n}")
        for _ in range(3):
            self._new_article()
            self._go_live(self._articles()[-1])

    def _new_article(self, *, category=0, author=0):
        self.counter += 1
        categories, authors = self._categories(), list(Author.objects.order_by("pk"))
        return make_article(
            title=f"記事{self.counter}", slug=f"prop-{self.counter}", body=READY_BODY, excerpt="要約。",
            authors=[authors[author % len(authors)]],
            categories=[categories[category % len(categories)]] if categories else [],
            tags=[f"タグ{category}"],
        )  # fmt: skip

    def _authors(self):
        return list(Author.objects.order_by("pk"))

    def _go_live(self, article, publish_at=None):
        with after_commit():
            workflow.submit(article, by=self.editor)
            workflow.approve(article, by=self.editor, publish_at=publish_at)

    def _articles(self, **filters):
        return list(Article.objects.filter(**filters).order_by("pk"))

    def _live(self):
        return self._articles(status=Article.Status.PUBLISHED)

    def _categories(self):
        return list(Category.objects.order_by("pk"))

    def _tags(self):
        return list(Tag.objects.order_by("pk"))

    # --- Articles ------------------------------------------------------------------------------

    @rule(category=st.integers(0, 1), author=st.integers(0, 1))
    def publish_a_new_article(self, category, author):
        self._go_live(self._new_article(category=category, author=author))

    @rule(category=st.integers(0, 1), author=PICK)
    def schedule_a_new_article(self, category, author):
        self._go_live(
            self._new_article(category=category, author=author),
            publish_at=timezone.now() + timedelta(hours=1),
        )

    @rule(author=PICK)
    def write_a_draft(self, author):
        """Not live: its author's page stays a 404 if they have nothing else live."""
        with after_commit():
            self._new_article(author=author)

    @rule(pick=PICK)
    def let_a_scheduled_article_go_live(self, pick):
        scheduled = self._articles(status=Article.Status.SCHEDULED)
        if scheduled:
            article = scheduled[pick % len(scheduled)]
            # Its time comes (the database's clock decides), and the scheduler's sweep publishes it.
            Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
            with after_commit():
                assert workflow.publish_due_articles([article.pk]) == 1

    @rule(pick=PICK, opening=st.sampled_from(["書き直した**記事**の冒頭。", "## 記事の新しい見出し"]))
    def rewrite_a_live_articles_body(self, pick, opening):
        """What search pages show of it (the snippet) follows its body."""
        live = self._live()
        if live:
            article = live[pick % len(live)]
            article.body = f"{opening}\n\n{READY_BODY}"
            with after_commit():
                article.save()
                commit_content_change(article, by=self.editor)

    @rule(pick=PICK, words=st.sampled_from(["直した題", "別の題", "新しい題"]))
    def retitle_a_live_article(self, pick, words):
        live = self._live()
        if live:
            article = live[pick % len(live)]
            article.title = f"{words}{pick}"
            with after_commit():
                article.save()
                commit_content_change(article, by=self.editor)

    @rule(pick=PICK)
    def archive_a_live_article(self, pick):
        live = self._live()
        if len(live) > 1:
            with after_commit():
                workflow.archive(live[pick % len(live)], by=self.editor)

    @rule(pick=PICK)
    def republish_an_archived_article(self, pick):
        archived = self._articles(status=Article.Status.ARCHIVED)
        if archived:
            article = archived[pick % len(archived)]
            with after_commit():
                workflow.reopen(article, by=self.editor)
                try:
                    workflow.approve(article, by=self.editor)
                except GuardFailed:  # its only category was deleted: the checks keep it back
                    assert not article.categories.exists()

    @rule(pick=PICK)
    def delete_an_article(self, pick):
        articles = self._articles()
        if len(articles) > 2:
            with after_commit():
                articles[pick % len(articles)].delete()

    @rule(pick=PICK, category=st.integers(0, 1))
    def move_a_live_article_to_another_category(self, pick, category):
        live, categories = self._live(), self._categories()
        if live and categories:
            with after_commit():
                live[pick % len(live)].categories.set([categories[category % len(categories)]])

    @rule(days_ahead=st.sampled_from([-3, 0, 2]))
    def import_a_jekyll_post(self, days_ahead):
        """A post dated in the past or today comes in live, one dated ahead comes in scheduled."""
        self.counter += 1
        with tempfile.TemporaryDirectory() as folder, after_commit():
            jekyll_post(Path(folder), self.counter, days_ahead=days_ahead)
            call_command(
                "import_jekyll", folder, "--status", "published", stdout=StringIO(), stderr=StringIO()
            )

    @rule(pick=PICK, width=st.sampled_from([300, 1200]))
    def give_a_live_article_a_cover(self, pick, width):
        """As an editor's save does: the cover stored, then its renditions made by the task
        its save queues (see tasks_of()), which shows it on cards."""
        live = self._live()
        if live:
            article = live[pick % len(live)]
            with override_settings(MEDIA_ROOT=MEDIA_ROOT), self.tasks_of(), after_commit():
                article.cover.save("cover.png", ContentFile(cover_png(width)), save=False)
                article.cover_alt = f"表紙{pick}"
                article.save()
                commit_content_change(article, by=self.editor)
            self.wait_for_renditions(article)

    @rule(pick=PICK)
    def take_a_live_articles_cover_away(self, pick):
        covered = [article for article in self._live() if article.cover]
        if covered:
            article = covered[pick % len(covered)]
            article.cover = ""
            with after_commit():
                article.save()
                commit_content_change(article, by=self.editor)

    # --- Categories, tags and authors ---------------------------------------------------------

    @rule(name=st.sampled_from(["新分類", "特集"]), position=st.integers(0, 2))
    def add_a_category(self, name, position):
        """A new category is in every page's header at once, before it has an article."""
        self.counter += 1
        with after_commit():
            Category.objects.create(
                name=f"{name}{self.counter}", slug=f"prop-new-{self.counter}", position=position
            )

    @rule(pick=PICK, words=st.sampled_from(["", "市場の動きを追います。", "技術と投資の交差点。"]))
    def describe_a_category(self, pick, words):
        categories = self._categories()
        if categories:
            category = categories[pick % len(categories)]
            category.description = words
            with after_commit():
                category.save()

    @rule(pick=PICK, category=PICK)
    def put_a_live_article_in_a_second_category(self, pick, category):
        """An article that is then the newest in two categories: home features it once."""
        live, categories = self._live(), self._categories()
        if live and len(categories) > 1:
            with after_commit():
                live[pick % len(live)].categories.add(categories[category % len(categories)])

    @rule(pick=PICK, author=PICK)
    def give_a_live_article_another_author(self, pick, author):
        """As the change form does for a live article: a pending version with the new byline,
        then an editor publishes it. The old author may lose their last live article, the
        new one gain their first."""
        live, authors = self._live(), self._authors()
        if live:
            article = live[pick % len(live)]
            with after_commit(), transaction.atomic():
                locked = Article.objects.select_for_update().get(pk=article.pk)
                save_pending(
                    locked, categories=locked.categories.all(), tags=locked.tags.names(),
                    authors=[authors[author % len(authors)]], by=self.editor,
                )  # fmt: skip
            with after_commit():
                publish_pending(article, by=self.editor)

    @rule()
    def a_new_staff_member_gets_an_author_profile(self):
        """What editorial.people does on a staff user's first save: a profile, no articles yet."""
        self.counter += 1
        # Unique across examples: the Varnish machine's rows are committed, not rolled back.
        username = f"prop-staff-{uuid.uuid4().hex[:12]}"
        user = get_user_model().objects.create(
            username=username, is_staff=True, last_name="新人", first_name=f"記者{self.counter}"
        )
        with after_commit():
            ensure_author_profile(user)

    @rule(pick=PICK, name=st.sampled_from(["市場", "技術", "投資"]))
    def rename_a_category(self, pick, name):
        categories = self._categories()
        if categories:
            category = categories[pick % len(categories)]
            category.name = f"{name}{category.pk}"
            with after_commit():
                category.save()

    @rule(pick=PICK)
    def delete_a_category(self, pick):
        categories = self._categories()
        if len(categories) > 1:
            with after_commit():
                categories[pick % len(categories)].delete()

    @rule(pick=PICK, name=st.sampled_from(["編集部", "記者", "解説者"]))
    def rename_an_author(self, pick, name):
        authors = self._authors()
        author = authors[pick % len(authors)]
        author.name = f"{name}{author.pk}"
        with after_commit():
            author.save()

    @rule()
    def delete_an_author_without_articles(self):
        """An author with articles cannot be deleted (the byline is protected); one without can."""
        unused = Author.objects.filter(article_links__isnull=True).order_by("pk").first()
        if unused is not None and Author.objects.count() > 1:
            with after_commit():
                unused.delete()

    @rule(pick=PICK, name=st.sampled_from(["半導体", "決算"]))
    def rename_a_tag(self, pick, name):
        tags = self._tags()
        if tags:
            tag = tags[pick % len(tags)]
            tag.name = f"{name}{tag.pk}"
            with after_commit():
                tag.save()

    @rule(pick=PICK, into=PICK)
    def merge_two_tags(self, pick, into):
        """As taggit's admin merge does: every article of the one gets the other, then the one goes."""
        tags = self._tags()
        if len(tags) > 1:
            merged = tags[pick % len(tags)]
            kept = [tag for tag in tags if tag != merged][into % (len(tags) - 1)]
            with after_commit():
                for article in Article.objects.filter(tags=merged):
                    article.tags.add(kept)
                merged.delete()

    @rule(pick=PICK)
    def delete_a_tag(self, pick):
        tags = self._tags()
        if tags:
            with after_commit():
                tags[pick % len(tags)].delete()

    @rule(suffix=st.sampled_from(["（改名）", "・編集"]))
    def rename_authors_behind_the_apps_back_then_rebuild(self, suffix):
        """A queryset update sends no signal; the rebuild command is how an operator catches up."""
        with after_commit():
            Author.objects.update(name=f"著者{suffix}")
            call_command("rebuild_reader_copies", stdout=StringIO())

    # --- The invariant ----------------------------------------------------------------------------

    def pages(self):
        home = reverse("articles:home")
        pages = [home, f"{home}?page={max(1, -(-len(self._live()) // ARTICLES_PER_PAGE))}"]
        pages += [
            reverse("articles:feed_rss"),
            reverse("articles:feed_atom"),
            "/search/?q=記事",
            "/sitemap.xml",
        ]
        pages += [subject.get_absolute_url() for subject in [*self._categories(), *self._authors()]]
        pages += [reverse("articles:author_atom", kwargs={"slug": author.slug}) for author in self._authors()]
        pages += [reverse("articles:tag", kwargs={"slug": tag.slug}) for tag in self._tags()]
        pages += [reverse("articles:category_rss", kwargs={"slug": c.slug}) for c in self._categories()]
        pages += [reverse("articles:tag_atom", kwargs={"slug": tag.slug}) for tag in self._tags()]
        pages += [article.get_absolute_url() for article in self._live()]
        now = timezone.localtime(timezone.now() - timedelta(seconds=1))
        pages.append(reverse("articles:archive_year", kwargs={"year": now.year}))
        pages.append(reverse("articles:archive_month", kwargs={"year": now.year, "month": now.month}))
        return pages

    def expected_statuses(self) -> dict[str, int]:
        """What the rule says, not what a render says: an author's page and feed answer 200
        exactly while one of their articles is live, else 404."""
        live = set(
            Author.objects.filter(articles__in=Article.objects.published()).values_list("pk", flat=True)
        )
        return {
            path: 200 if author.pk in live else 404
            for author in self._authors()
            for path in (
                author.get_absolute_url(),
                reverse("articles:author_atom", kwargs={"slug": author.slug}),
            )
        }

    @invariant()
    def the_sitemap_lists_the_authors_with_a_live_article_and_no_other(self):
        if not hasattr(self, "editor"):
            return
        self.settle()
        _, sitemap = self.served("/sitemap.xml")
        expected = self.expected_statuses()
        for author in self._authors():
            listed = f"{author.get_absolute_url()}</loc>" in sitemap.decode()
            assert listed == (expected[author.get_absolute_url()] == 200), author.slug

    @invariant()
    def every_page_is_the_page_rendered_with_caches_and_copies_off(self):
        if not hasattr(self, "editor"):
            return
        self.settle()
        expected = self.expected_statuses()
        for path in self.pages():
            served_status, served = self.served(path)
            fresh_status, fresh = self.fresh(path)
            assert served_status == fresh_status, path
            assert fresh_status == expected.get(path, fresh_status), path
            if fresh_status == 200:
                assert comparable(served) == comparable(fresh), path
