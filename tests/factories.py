"""Small builders for test data; explicit keyword arguments, no magic."""

from datetime import timedelta

from django.utils import timezone

from articles.markdown import render
from articles.models import Article, ArticleAuthor, Author, Category, body_digest

# A body that passes every review check, the investment disclaimer included.
READY_BODY = (
    "## 背景\n\n推論の需要が伸びています。\n\n本記事は情報提供を目的としており、投資助言ではありません。"
)


def make_author(*, name="テスト著者", slug=None, **fields):
    return Author.objects.create(name=name, slug=slug or f"author-{Author.objects.count() + 1}", **fields)


def make_category(*, name=None, slug=None, **fields):
    number = Category.objects.count() + 1
    return Category.objects.create(
        name=name or f"カテゴリー{number}", slug=slug or f"category-{number}", **fields
    )


def make_article(
    *,
    title="テスト記事",
    body="本文です。",
    authors=(),
    categories=(),
    tags=(),
    published=False,
    published_at=None,
    **fields,
):
    if published:
        fields.setdefault("status", Article.Status.PUBLISHED)
        published_at = published_at or timezone.now() - timedelta(minutes=1)
    article = Article.objects.create(title=title, body=body, published_at=published_at, **fields)
    for position, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, position=position)
    article.categories.set(categories)
    if tags:
        article.tags.set(list(tags))
    return article


def make_scheduled_articles(count, *, at, author=None, category=None):
    """``count`` articles already approved for ``at``: rows as the workflow leaves them."""
    rendered = render(READY_BODY)  # what save() stores, done once for the shared body
    articles = Article.objects.bulk_create(
        Article(
            title=f"予約記事 {number}",
            slug=f"scheduled-{number}-{int(at.timestamp() * 1000)}",
            body=READY_BODY,
            excerpt="予約した記事です。",
            status=Article.Status.SCHEDULED,
            publish_at=at,
            rendered_html=rendered.html,
            rendered_toc=rendered.toc,
            rendered_from=body_digest(READY_BODY),
        )
        for number in range(count)
    )
    if author is not None:
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author=author) for article in articles
        )
    if category is not None:
        Article.categories.through.objects.bulk_create(
            Article.categories.through(article=article, category=category) for article in articles
        )
    return articles


def make_scheduled_updates(count, *, at, author=None):
    """``count`` published articles, each with a pending version scheduled for ``at``:
    rows as an editor's schedule leaves them. The new body is 「予約した変更 N」."""
    from editorial.models import PendingVersion

    articles = make_scheduled_articles(count, at=at, author=author)
    went_live = timezone.now() - timedelta(days=1)
    Article.objects.filter(pk__in=[article.pk for article in articles]).update(
        status=Article.Status.PUBLISHED,
        published_at=went_live,
        first_published_at=went_live,
        publish_at=went_live,
    )
    PendingVersion.objects.bulk_create(
        PendingVersion(
            article=article,
            based_on_version=article.version,
            title=article.title,
            slug=article.slug,
            body=f"予約した変更 {number}",
            excerpt=article.excerpt,
            authors=[author.pk] if author is not None else [],
            publish_at=at,
        )
        for number, article in enumerate(articles)
    )
    return articles
