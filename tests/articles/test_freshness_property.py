"""The invariant of issue 14, item 5, for the app's page cache: after any sequence of
editorial operations, every reader page a reader gets from the page cache is the page
rendered afresh (the same request with a session cookie, which the cache never serves).

Hypothesis drives random sequences of operations through the workflow verbs, the
models' own saves and deletes (what the admin does), with their after-commit work run.
The front-end cache through Varnish, and rendering with every stored copy off, are
the next steps (docs/freshness.md).
"""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from articles.models import Article
from editorial import workflow
from tests.factories import READY_BODY, make_article, make_author, make_category

pytestmark = pytest.mark.django_db


def after_commit():
    return TestCase.captureOnCommitCallbacks(execute=True)


class ReaderPages(RuleBasedStateMachine):
    """Articles, two categories and two authors; an editor acting on them in any order."""

    def __init__(self):
        super().__init__()
        self.reader = Client()
        self.fresh = Client()
        self.fresh.cookies["sessionid"] = "no-such-session"  # never served from the page cache
        self.counter = 0

    @initialize()
    def set_up(self):
        # Each example is a world of its own: its rows are rolled back after it, and the
        # pages stored for the last one must not be read for this one.
        self.world = transaction.atomic()
        self.world.__enter__()
        cache.clear()
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission

        from editorial.roles import EDITORS, install_role_groups

        install_role_groups(Group, Permission)
        self.editor, _ = get_user_model().objects.get_or_create(username="prop-editor", is_staff=True)
        self.editor.groups.add(Group.objects.get(name=EDITORS))
        self.categories = [make_category(name=f"分類{n}", slug=f"prop-c{n}") for n in range(2)]
        self.authors = [make_author(name=f"著者{n}", slug=f"prop-a{n}") for n in range(2)]
        for _ in range(3):
            self._new_article(live=True)

    def teardown(self):
        if hasattr(self, "world"):
            transaction.set_rollback(True)
            self.world.__exit__(None, None, None)

    def _new_article(self, *, live, category=0, author=0):
        self.counter += 1
        article = make_article(
            title=f"記事{self.counter}", slug=f"prop-{self.counter}", body=READY_BODY, excerpt="要約。",
            authors=[self.authors[author]], categories=[self.categories[category]], tags=[f"タグ{category}"],
        )  # fmt: skip
        if live:
            with after_commit():
                workflow.submit(article, by=self.editor)
                workflow.approve(article, by=self.editor)
        return article

    def _articles(self, **filters):
        return list(Article.objects.filter(slug__startswith="prop-", **filters).order_by("pk"))

    @rule(category=st.integers(0, 1), author=st.integers(0, 1))
    def publish_a_new_article(self, category, author):
        self._new_article(live=True, category=category, author=author)

    @rule(pick=st.integers(0, 50), words=st.sampled_from(["直した題", "別の題", "新しい題"]))
    def retitle_a_live_article(self, pick, words):
        from editorial.revisions import commit_content_change

        live = self._articles(status=Article.Status.PUBLISHED)
        if live:
            article = live[pick % len(live)]
            article.title = f"{words}{pick}"
            with after_commit():
                article.save()
                commit_content_change(article, by=self.editor)

    @rule(pick=st.integers(0, 50))
    def archive_a_live_article(self, pick):
        live = self._articles(status=Article.Status.PUBLISHED)
        if len(live) > 1:
            with after_commit():
                workflow.archive(live[pick % len(live)], by=self.editor)

    @rule(pick=st.integers(0, 50))
    def republish_an_archived_article(self, pick):
        archived = self._articles(status=Article.Status.ARCHIVED)
        if archived:
            article = archived[pick % len(archived)]
            with after_commit():
                workflow.reopen(article, by=self.editor)
                workflow.approve(article, by=self.editor)

    @rule(pick=st.integers(0, 50))
    def delete_an_article(self, pick):
        articles = self._articles()
        if len(articles) > 2:
            with after_commit():
                articles[pick % len(articles)].delete()

    @rule(which=st.integers(0, 1), name=st.sampled_from(["市場", "技術", "投資"]))
    def rename_a_category(self, which, name):
        category = self.categories[which]
        category.name = f"{name}{which}"
        with after_commit():
            category.save()

    @rule(which=st.integers(0, 1), name=st.sampled_from(["編集部", "記者", "解説者"]))
    def rename_an_author(self, which, name):
        author = self.authors[which]
        author.name = f"{name}{which}"
        with after_commit():
            author.save()

    @rule(pick=st.integers(0, 50), category=st.integers(0, 1))
    def move_a_live_article_to_another_category(self, pick, category):
        live = self._articles(status=Article.Status.PUBLISHED)
        if live:
            with after_commit():
                live[pick % len(live)].categories.set([self.categories[category]])

    def _pages(self):
        pages = [reverse("articles:home"), reverse("articles:feed_rss"), "/search/?q=記事"]
        pages += [category.get_absolute_url() for category in self.categories]
        pages += [author.get_absolute_url() for author in self.authors]
        pages += [article.get_absolute_url() for article in self._articles(status=Article.Status.PUBLISHED)]
        year = timezone.localtime(timezone.now() - timedelta(seconds=1)).year
        pages.append(reverse("articles:archive_year", kwargs={"year": year}))
        return pages

    @invariant()
    def every_stored_page_is_the_fresh_page(self):
        if not hasattr(self, "editor"):
            return
        for path in self._pages():
            served = self.reader.get(path)
            fresh = self.fresh.get(path)
            assert served.status_code == fresh.status_code, path
            if fresh.status_code == 200:
                assert served.content == fresh.content, path


def test_every_page_from_the_page_cache_is_the_page_rendered_afresh(db):
    run_state_machine_as_test(
        ReaderPages,
        settings=settings(
            max_examples=12,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
