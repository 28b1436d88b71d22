"""The quick start's demo, made through the same functions editors, writers and the API use.

Every article goes through the workflow's verbs as a person would move it; the
passes of the continued articles go through ``continuation.passes.add_pass``
(the API's way), the editor's remark through ``comments.threads.add``. Each
article is made in its own transaction and only if its slug is not taken, so a
second `make run` adds nothing and one interrupted is finished by the next.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles import images
from articles.models import Article, ArticleAuthor, Author, Category

from .. import revisions, workflow
from ..comments import threads
from ..continuation import passes, segments
from ..models import Comment, Segment
from . import content, continued, covers, logins, notes

COVER_ALT = "棒グラフを図案化した記事のイメージ画像"
# The ones drawn a cover: the top of the home page, and the one that goes live while watched.
WITH_COVERS = {
    continued.MULTI_PASS["slug"],
    continued.SCHEDULED["slug"],
    *(spec["slug"] for spec in content.ARTICLES),
}


def demo_slugs() -> list[str]:
    return [spec["slug"] for spec, _ in _plan()]


def only_demo_articles() -> bool:
    """Whether the database holds nothing but demo articles (or nothing): a site with
    articles of its own is not given demo ones."""
    return not Article.objects.exclude(slug__in=demo_slugs()).exists()


def build() -> list[str]:
    """Make the demo articles that are missing; the titles of those made, in order."""
    authors = {
        data["slug"]: Author.objects.get_or_create(slug=data["slug"], defaults=data)[0]
        for data in content.AUTHORS
    }
    categories = {
        data["slug"]: Category.objects.get_or_create(slug=data["slug"], defaults=data)[0]
        for data in content.CATEGORIES
    }
    people = logins.ensure_users()
    maker = _Maker(authors, categories, editor=people[logins.EDITOR], writer=people[logins.WRITER])
    made = []
    for spec, how in _plan():
        if Article.objects.filter(slug=spec["slug"]).exists():
            continue
        with transaction.atomic():
            getattr(maker, how)(spec)
        made.append(spec["title"])
    return made


def _plan():
    # Oldest first: the home page lists the last one made on top.
    published = [*notes.NOTES, *(spec for spec in content.ARTICLES if spec.get("stage") != "review")]
    yield from ((spec, "published") for spec in published)
    yield continued.MULTI_PASS, "published_in_passes"
    yield continued.CUT_OFF, "waiting_for_continuation"
    yield continued.SCHEDULED, "scheduled"
    yield from ((spec, "in_review") for spec in content.ARTICLES if spec.get("stage") == "review")


class _Maker:
    def __init__(self, authors, categories, *, editor, writer):
        self.authors, self.categories = authors, categories
        self.editor, self.writer = editor, writer

    def published(self, spec):
        article = self._draft(spec)
        self._submit(article, spec)
        workflow.approve(article, by=self.editor)

    def published_in_passes(self, spec):
        article = self._in_passes(spec)
        self._submit(article, spec)
        workflow.approve(article, by=self.editor)

    def waiting_for_continuation(self, spec):
        article = self._in_passes(spec)
        if article.status != Article.Status.CONTINUATION:
            raise RuntimeError(
                f"デモ記事「{article.title}」が続き待ちになりませんでした（{article.status}）。"
            )

    def scheduled(self, spec):
        article = self._draft(spec)
        self._submit(article, spec)
        workflow.approve(article, by=self.editor, publish_at=timezone.now() + settings.DEMO_SCHEDULED_AFTER)

    def in_review(self, spec):
        article = self._draft(spec)
        self._submit(article, spec)
        remark = spec["comment"]
        threads.add(
            article, by=self.editor, field_name=Comment.Field.BODY, text=remark["text"], quote=remark["quote"]
        )

    def _draft(self, spec, body=None) -> Article:
        article = Article(title=spec["title"], slug=spec["slug"], excerpt=spec["excerpt"])
        article.body = spec["body"] if body is None else body
        if spec["slug"] in WITH_COVERS:
            article.cover, article.cover_alt = covers.cover_for(spec["slug"]), COVER_ALT
        article.save()
        for position, slug in enumerate(spec["authors"]):
            ArticleAuthor.objects.create(article=article, author=self.authors[slug], position=position)
        article.categories.set([self.categories[slug] for slug in spec["categories"]])
        article.tags.set(spec["tags"])
        if article.cover:
            # Made now rather than by the worker, so the first page already shows the cover.
            images.store_cover_renditions(article)
        if article.body:
            revisions.record_revision(article, by=None, note="デモ記事")
        return article

    def _in_passes(self, spec) -> Article:
        """The article written pass by pass as the API adds them; an alternative way on
        from the first pass, and the editor keeping the main line."""
        article = self._draft(spec, body="")
        added = [
            passes.add_pass(article, text=text, by=self.writer, source=Segment.Source.API)[0]
            for text in spec["passes"]
        ]
        if alternative := spec.get("alternative"):
            passes.add_pass(
                article, text=alternative, by=self.writer, source=Segment.Source.API, parent=added[0]
            )
            segments.choose_path(article, leaf=added[-1], by=self.editor)
        article.refresh_from_db()
        return article

    def _submit(self, article, spec):
        # A writer sends their own article to review; the team's go in by an editor.
        by = self.writer if logins.WRITER.author_slug in spec["authors"] else self.editor
        workflow.submit(article, by=by)
