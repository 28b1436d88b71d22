"""Importing one parsed Jekyll post into an article, atomically."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.cache import bump_listing_version
from articles.models import Article, ArticleAuthor, Author, Category
from articles.text import unique_slug

from .. import revisions, workflow
from ..continuation import segments
from ..continuation.truncation import is_truncated
from ..legacy_urls import record_legacy_urls
from ..models import ImportedSource, Segment
from .posts import Post, PostError

Status = Article.Status


@dataclass
class Imported:
    article: Article
    created: bool
    stage: str


def _find_existing(post: Post) -> Article | None:
    """The article this file was imported as before, or whose slug its name carries."""
    source = ImportedSource.objects.filter(source_key=post.source_key).first()
    if source:
        return Article.objects.select_for_update().get(pk=source.article_id)
    if post.slug_from_name:
        return Article.objects.select_for_update().filter(slug=post.slug_from_name).first()
    return None


def _free_slug(model, name, max_length):
    return unique_slug(
        name, taken=lambda slug: model.objects.filter(slug=slug).exists(), max_length=max_length
    )


def _authors(names):
    authors = []
    for name in names or ["ALLFORCES編集部"]:
        author = Author.objects.filter(name=name).first()
        if author is None:
            author = Author.objects.create(
                name=name, slug=_free_slug(Author, name, 100), is_team=name.endswith(("編集部", "編集チーム"))
            )
        authors.append(author)
    return list(dict.fromkeys(authors))


def _categories(names):
    categories = []
    for name in names:
        category = Category.objects.filter(name=name).first()
        if category is None:
            category = Category.objects.create(name=name, slug=_free_slug(Category, name, 100))
        categories.append(category)
    return categories


def stage_for(post: Post, body: str, *, override: str | None) -> str:
    """The stage Jekyll's own rules suggest, unless ``--status`` says otherwise."""
    if override == Status.SCHEDULED and post.date is None:
        raise PostError("公開予約として取り込むには date が必要です。")
    if override:
        return override
    if is_truncated(body):
        return Status.CONTINUATION
    if not post.published or post.date is None:
        return Status.DRAFT
    if post.date > timezone.now():
        return Status.SCHEDULED
    return Status.PUBLISHED


@transaction.atomic
def import_post(post: Post, *, status: str | None = None) -> Imported:
    """Create or update the article for ``post``; all of it, or nothing."""
    article = _find_existing(post)
    created = article is None
    if created:
        article = Article(slug=post.slug_from_name or "")
    article.title = post.title
    article.excerpt = post.excerpt[:300]
    if created:
        article.save()
    else:
        # An editor's open form must see this as someone else's save.
        article.version = F("version") + 1
        article.save(update_fields=["title", "excerpt", "version", "updated_at"])
        article.refresh_from_db()

    ArticleAuthor.objects.filter(article=article).delete()
    for position, author in enumerate(_authors(post.authors)):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    article.categories.set(_categories(post.categories))
    article.tags.set(post.tags, clear=True)

    unchanged = not created and segments.assemble_texts(post.segments).strip() == article.body.strip()
    if not unchanged:
        # The segment tree is replaced only when the text differs, so a file
        # exported from here and read back keeps the alternatives it had.
        segments.replace_segments(article, post.segments, by=None, source=Segment.Source.IMPORT)
        article.refresh_from_db()

    revisions.record_revision(article, by=None, note=f"Jekyll ファイル {post.source_key} から取り込み")
    transaction.on_commit(bump_listing_version)  # a re-imported live article's pages show the change
    if not created and not status:
        # An article already here keeps its stage: a file cannot approve,
        # publish or take down what editors are working on.
        return Imported(article=article, created=False, stage=article.status)
    stage = stage_for(post, article.body, override=status)
    workflow.place_imported(
        article,
        stage=stage,
        publish_at=post.date if stage != Status.PUBLISHED else None,
        published_at=post.date if stage == Status.PUBLISHED else None,
    )
    # The first file name an article was imported from stays its key; a file
    # exported from here and read back is found by its slug instead.
    ImportedSource.objects.get_or_create(
        article=article,
        defaults={
            "source_key": post.source_key,
            "layout": post.layout,
            "front_matter": post.front_matter,
        },
    )
    record_legacy_urls(article, [post.permalink])
    return Imported(article=article, created=created, stage=stage)
