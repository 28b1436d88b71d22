"""Writing articles out as a Jekyll site, one post file each, body assembled.

An imported article goes back under the path it came from, with every key
of its original front matter (the current title, date, categories, tags and
authors written over them), so the site Jekyll builds from the export has
the same posts at the same addresses. Others go to ``_posts/``.
"""

from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import yaml
from django.utils import timezone

from articles.models import Article

from .posts import PostError, front_matter_categories
from .site import DATED_NAME

TOKYO = ZoneInfo("Asia/Tokyo")


def post_date(article: Article):
    """The date Jekyll should see: when it first went live; for what never did, when it is meant to.

    Not the moment of a later re-publication (``published_at``, which orders the
    site's own lists): Jekyll builds a post's address from its date, and an
    archive moved out should keep the addresses readers and other sites link to.
    The site shows that first date too, as 初出.
    """
    if article.first_published_at is not None:
        when = article.first_published_at
    elif article.status == Article.Status.PUBLISHED:
        when = article.published_at or article.publish_at
    else:
        when = article.publish_at or article.published_at
    return timezone.localtime(when or article.created_at, TOKYO)


def file_name(article: Article) -> str:
    return f"{post_date(article):%Y-%m-%d}-{article.slug}.md"


def relative_path(article: Article) -> PurePosixPath:
    """Where the post's file goes in the exported site."""
    source = getattr(article, "imported_source", None)
    if source is not None and source.source_key:
        path = PurePosixPath(source.source_key)
        in_post_folder = "_posts" in path.parts or "_drafts" in path.parts
        if in_post_folder and ".." not in path.parts and not path.is_absolute():
            if "_posts" in path.parts and DATED_NAME.match(path.stem):
                # The date in the name must agree with the article's, or Jekyll would move the post.
                stem = DATED_NAME.match(path.stem).group(2)
                return path.with_name(f"{post_date(article):%Y-%m-%d}-{stem}{path.suffix}")
            return path
    return PurePosixPath("_posts") / file_name(article)


def _categories_in_order(article: Article, kept: dict) -> list[str]:
    """The article's categories, those of the original front matter first and in its order:
    ``:categories`` in an address follows that order."""
    current = [category.name for category in article.categories.all()]
    try:
        original = front_matter_categories(kept)
    except PostError:
        original = []
    return [name for name in original if name in current] + [name for name in current if name not in original]


def front_matter(article: Article) -> dict:
    source = getattr(article, "imported_source", None)
    kept = dict(source.front_matter) if source is not None and isinstance(source.front_matter, dict) else {}
    authors = [author.name for author in article.ordered_authors]
    current = {
        "layout": kept.get("layout") or (source.layout if source else "post"),
        "title": article.title,
        "date": f"{post_date(article):%Y-%m-%d %H:%M:%S %z}",
        "categories": _categories_in_order(article, kept),
        "tags": sorted(article.tags.names()),
        "author": authors[0] if len(authors) == 1 else authors,
        "excerpt": article.excerpt,
        "reading_time": article.reading_time,
        "allforces_id": article.pk,
    }
    if "category" in kept:  # merged into categories above
        del kept["category"]
    matter = {**kept, **current}
    if article.status in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
        matter.pop("published", None)
    else:
        matter["published"] = False
    return matter


def render_post(article: Article) -> str:
    header = yaml.safe_dump(
        front_matter(article), allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000
    )
    return f"---\n{header}---\n\n{article.body.strip()}\n"


def export_articles(articles, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for article in articles:
        path = directory / relative_path(article)
        if path in written:  # two sites' posts with one path: the second under its own name
            path = directory / "_posts" / file_name(article)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_post(article), encoding="utf-8")
        written.append(path)
    return written
