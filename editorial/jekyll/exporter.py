"""Writing articles out as Jekyll posts, one file each, body assembled."""

from pathlib import Path

import yaml
from django.utils import timezone

from articles.models import Article

from .posts import TOKYO


def post_date(article: Article):
    """The date Jekyll should see: when it went live, or for anything not live
    (a scheduled re-publication included) when it is meant to."""
    if article.status == Article.Status.PUBLISHED:
        when = article.published_at or article.publish_at
    else:
        when = article.publish_at or article.published_at
    return timezone.localtime(when or article.created_at, TOKYO)


def file_name(article: Article) -> str:
    return f"{post_date(article):%Y-%m-%d}-{article.slug}.md"


def render_post(article: Article) -> str:
    source = getattr(article, "imported_source", None)
    authors = [author.name for author in article.ordered_authors]
    front_matter = {
        "layout": source.layout if source else "post",
        "title": article.title,
        "date": f"{post_date(article):%Y-%m-%d %H:%M:%S %z}",
        "categories": [category.name for category in article.categories.all()],
        "tags": sorted(article.tags.names()),
        "author": authors[0] if len(authors) == 1 else authors,
        "excerpt": article.excerpt,
        "reading_time": article.reading_time,
    }
    if article.status not in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
        front_matter["published"] = False
    header = yaml.safe_dump(
        front_matter, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000
    )
    return f"---\n{header}---\n\n{article.body.strip()}\n"


def export_articles(articles, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for article in articles:
        path = directory / file_name(article)
        path.write_text(render_post(article), encoding="utf-8")
        written.append(path)
    return written
