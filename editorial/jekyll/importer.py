"""Importing one parsed Jekyll post into an article, atomically."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Category
from articles.text import unique_slug

from .. import workflow
from ..continuation import segments
from ..continuation.truncation import is_truncated
from ..models import ImportedSource, Segment
from .posts import Post

Status = Article.Status


@dataclass
class Imported:
    article: Article
    created: bool
    stage: str


def _find_existing(post: Post) -> Article | None:
    source = ImportedSource.objects.filter(source_key=post.source_key).select_related("article").first()
    if source:
        return source.article
    if post.slug_from_name:
        return Article.objects.filter(slug=post.slug_from_name).first()
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
        article.save(update_fields=["title", "excerpt", "updated_at"])

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
        defaults={"source_key": post.source_key, "layout": post.layout, "front_matter": post.front_matter},
    )
    return Imported(article=article, created=created, stage=stage)
