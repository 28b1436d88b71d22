"""Importing a Jekyll archive: every file read, planned, then written one post at a time.

The whole run happens in one transaction for ``--dry-run`` (rolled back at
the end), and each post in its own savepoint, so a dry run meets exactly the
slugs, authors and categories the real run would and reports what it then
does. A post is identified by its site and its path there, never by its slug:
two posts with the same slug become two articles.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles import freshness
from articles.models import Article, ArticleAuthor, Author, Category
from articles.text import plain_text_from_html, slug_candidate, unique_slug

from .. import revisions, workflow
from ..continuation import segments
from ..continuation.truncation import is_truncated
from ..legacy_urls import record_legacy_urls
from ..limits import body_too_long
from ..models import ImportedSource, Revision, Segment
from .conversion import ConvertedPost, convert_post
from .links import SiteLinks
from .permalinks import PermalinkError, jekyll_url
from .posts import NotAPost, Post, PostError, read_post
from .site import PLAIN_TEXT_EXT, SourceFile

Status = Article.Status
EXCERPT_MAX_CHARS = 300
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.MULTILINE)


class Outcome:
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


OUTCOME_LABELS = {
    Outcome.NEW: "新規",
    Outcome.UPDATED: "更新",
    Outcome.UNCHANGED: "変更なし",
    Outcome.SKIPPED: "スキップ",
    Outcome.FAILED: "失敗",
}


@dataclass
class FileResult:
    source: SourceFile
    outcome: str
    reason: str = ""  # why it was skipped or failed, in Japanese
    article: Article | None = None
    stage: str = ""
    notes: list[str] = field(default_factory=list)  # what an editor should know, in Japanese


@dataclass
class Report:
    results: list[FileResult] = field(default_factory=list)
    dry_run: bool = False

    @property
    def counts(self) -> Counter:
        return Counter(result.outcome for result in self.results)

    def summary(self) -> str:
        counts = self.counts
        prefix = "［試行のみ・保存していません］" if self.dry_run else ""
        parts = "、".join(f"{label} {counts[outcome]} 件" for outcome, label in OUTCOME_LABELS.items())
        return f"{prefix}読み込んだファイル {len(self.results)} 件: {parts}"


class DryRunRollback(Exception):
    """Raised at the end of a dry run to undo everything it wrote."""


def stage_for(post: Post, body: str, *, override: str | None) -> str:
    """The stage Jekyll's own rules suggest, unless ``--status`` says otherwise."""
    if override == Status.SCHEDULED and post.date is None:
        raise PostError("公開予約として取り込むには date が必要です。")
    if override:
        return override
    if is_truncated(body):
        return Status.CONTINUATION
    if post.draft or not post.published or post.date is None:
        return Status.DRAFT
    # A date still to come is scheduled by place_imported(), on the database's clock.
    return Status.PUBLISHED


def excerpt_for(post: Post, converted: ConvertedPost) -> str:
    """``excerpt:``, else ``description:``, else Jekyll's rule: the body up to the
    site's ``excerpt_separator`` (the first paragraph by default), as plain text."""
    if post.excerpt is not None:
        return post.excerpt[:EXCERPT_MAX_CHARS]
    from articles.markdown import render_markdown

    separator = post.front_matter.get("excerpt_separator") or post.source.site.excerpt_separator
    head = converted.body.split(str(separator), 1)[0]
    # Like Jekyll's excerpt, the head keeps the body's link definitions, so [text][id] still links.
    definitions = _LINK_DEFINITION.findall(converted.body)
    if definitions:
        head += "\n\n" + "\n".join(definitions)
    text = " ".join(plain_text_from_html(render_markdown(head)).split())
    return text[:EXCERPT_MAX_CHARS]


class _Names:
    """Authors, categories and tags by name: read and, where missing, created in
    bulk once for the whole import (a new author or tag shows on no page yet, so no
    signals; a new category shows at once in every page's header, which is forgotten).
    Those that end up naming nothing, because their posts failed, go at the end."""

    def __init__(self, posts: list[Post]):
        wanted = {
            Author: {name for post in posts for name in post.authors},
            Category: {name for post in posts for name in post.categories},
            Tag: {name for post in posts for name in post.tags},
        }
        self.known = {}
        self.created = {}
        for model, names in wanted.items():
            known = {item.name: item for item in model.objects.filter(name__in=names)}
            missing = sorted(names - set(known))
            slugs = self._free_slugs(model, missing) if missing else {}
            created = model.objects.bulk_create([self._new(model, name, slugs[name]) for name in missing])
            known.update((item.name, item) for item in created)
            self.known[model] = known
            self.created[model] = [item.pk for item in created]
        if self.created[Category]:
            freshness.forget([freshness.CATEGORY_MENU])

    def remove_unused(self):
        """Delete the names this import created that no article uses."""
        Author.objects.filter(pk__in=self.created[Author], article_links__isnull=True).delete()
        Category.objects.filter(pk__in=self.created[Category], articles__isnull=True).delete()
        Tag.objects.filter(pk__in=self.created[Tag], taggit_taggeditem_items__isnull=True).delete()

    @staticmethod
    def _new(model, name, slug):
        if model is Author:
            return Author(name=name, slug=slug, is_team=name.endswith(("編集部", "編集チーム")))
        return model(name=name, slug=slug)

    @staticmethod
    def _free_slugs(model, names):
        if model is Tag:
            candidates = {name: Tag().slugify(name) or "tag" for name in names}
        else:
            candidates = {name: slug_candidate(name, max_length=100) for name in names}
        taken = set(model.objects.filter(slug__in=set(candidates.values())).values_list("slug", flat=True))
        slugs = {}
        for name, candidate in candidates.items():
            if candidate in taken:
                candidate = unique_slug(
                    candidate,
                    taken=lambda slug: slug in taken or model.objects.filter(slug=slug).exists(),
                    max_length=100,
                )
            taken.add(candidate)
            slugs[name] = candidate
        return slugs

    def get(self, model, name):
        return self.known[model][name]


class Importer:
    def __init__(self, *, status: str | None = None, dry_run: bool = False, progress=None):
        self.status = status
        self.dry_run = dry_run
        self.progress = progress
        self.report = Report(dry_run=dry_run)

    def run(self, sources: list[SourceFile]) -> Report:
        posts = self._read(sources)
        try:
            with transaction.atomic():
                self._write(posts)
                if self.dry_run:
                    raise DryRunRollback
        except DryRunRollback:
            pass
        self.report.results.sort(key=lambda result: result.source.path)
        return self.report

    def _read(self, sources) -> list[tuple[Post, FileResult]]:
        posts = []
        for source in sources:
            result = FileResult(source=source, outcome=Outcome.FAILED)
            self.report.results.append(result)
            try:
                posts.append((read_post(source), result))
            except NotAPost as reason:
                result.outcome, result.reason = Outcome.SKIPPED, str(reason)
            except PostError as error:
                result.reason = str(error)
        return posts

    def _existing(self, posts: list[Post]) -> dict[int, Article]:
        """For each post (by index) the article it was imported as or exported from."""
        keys = {(post.source.site.key, post.source_key) for post in posts}
        sources = ImportedSource.objects.filter(source_key__in={key for _, key in keys})
        by_key = {(source.site, source.source_key): source.article_id for source in sources}
        exported = {post.article_id for post in posts if post.article_id}
        slugs = dict(Article.objects.filter(pk__in=exported).values_list("pk", "slug")) if exported else {}
        found = {}
        for index, post in enumerate(posts):
            article_id = by_key.get((post.source.site.key, post.source_key))
            if article_id is None and slugs.get(post.article_id) == post.slug:
                article_id = post.article_id  # a file export_jekyll wrote, read back
            if article_id is not None:
                found[index] = article_id
        articles = Article.objects.in_bulk(set(found.values()))
        return {index: articles[article_id] for index, article_id in found.items() if article_id in articles}

    def _plan_slugs(self, posts: list[Post], existing: dict[int, Article]) -> dict[int, str]:
        """A slug for every post: its own for one already imported, else the one its
        file name gives, or for a later post with the same one, that slug with its date."""
        slugs = {index: article.slug for index, article in existing.items()}
        wanted = {post.slug for index, post in enumerate(posts) if index not in existing}
        taken = set(Article.objects.filter(slug__in=wanted).values_list("slug", flat=True)) | set(
            slugs.values()
        )
        order = sorted(
            (index for index in range(len(posts)) if index not in existing),
            key=lambda index: (
                posts[index].date or datetime.max.replace(tzinfo=UTC),
                posts[index].source_key,
            ),
        )
        for index in order:
            post = posts[index]
            slug = post.slug
            if slug in taken:
                dated = f"{slug}-{post.date:%Y%m%d}" if post.date else slug
                slug = unique_slug(
                    dated,
                    taken=lambda c: c in taken or Article.objects.filter(slug=c).exists(),
                    max_length=Article.SLUG_MAX_LENGTH,
                )
            taken.add(slug)
            slugs[index] = slug
        return slugs

    def _write(self, read: list[tuple[Post, FileResult]]):
        posts = [post for post, _ in read]
        existing = self._existing(posts)
        slugs = self._plan_slugs(posts, existing)
        links = SiteLinks.for_posts(posts, slugs)
        names = _Names(posts)
        revisions_to_save, dates_to_show, addresses, address_results, moved = [], [], [], [], []
        for index, (post, result) in enumerate(read):
            self._revisions, self._dates, self._addresses, self._moved = [], [], [], []
            try:
                with transaction.atomic():
                    self._import_one(post, result, existing.get(index), slugs[index], names, links)
                revisions_to_save += self._revisions
                dates_to_show += self._dates
                addresses += self._addresses
                address_results += [result] * len(self._addresses)
                moved += self._moved
            except PostError as error:
                result.outcome, result.reason, result.notes = Outcome.FAILED, str(error), []
            except Exception as error:  # one broken file must not stop the others
                result.outcome, result.notes = Outcome.FAILED, []
                result.reason = f"取り込めませんでした（{type(error).__name__}: {error}）"
            if self.progress:
                self.progress(result)
        names.remove_unused()
        # Saved together for the whole import: one query each instead of one a post.
        self._record_old_addresses(addresses, address_results)
        Revision.objects.bulk_create(revisions_to_save)
        Article.objects.bulk_update(dates_to_show, ["updated_at"], batch_size=500)
        # Readers' pages learn of the whole import at once: a few queries instead of a few a post.
        freshness.went_live_or_came_down(moved)

    def _import_one(self, post: Post, result: FileResult, article, slug: str, names: _Names, links):
        if article is not None:
            source = ImportedSource.objects.filter(article=article).first()
            if source and source.digest == post.digest and not self.status:
                result.outcome, result.article, result.stage = Outcome.UNCHANGED, article, article.status
                return
        if article is None and slug != post.slug:
            result.notes.append(f"スラッグ「{post.slug}」は使われているため「{slug}」にしました。")
        converted = convert_post(post, links, dry_run=self.dry_run)
        for part in [*converted.segments, segments.assemble_texts(converted.segments)]:
            if reason := body_too_long(part):
                raise PostError(reason)
        result.notes += converted.notes
        if article is None:
            self._create(post, result, slug, converted, names)
        else:
            self._update(post, result, article, converted, names)
        self._record_source(post, result.article, converted, result_is_new=article is None)

    def _create(self, post: Post, result: FileResult, slug: str, converted: ConvertedPost, names: _Names):
        body = segments.assemble_texts(converted.segments)
        stage = stage_for(post, body, override=self.status)
        article = Article(slug=slug, title=post.title, excerpt=excerpt_for(post, converted), body=body)
        article.save()
        authors = [names.get(Author, name) for name in post.authors]
        categories = [names.get(Category, name) for name in post.categories]
        tags = [names.get(Tag, name) for name in post.tags]
        # A new article is not live yet, so its links need none of the listing and
        # card work their signals do one by one; placing it below refreshes the listings.
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author=author, position=position)
            for position, author in enumerate(authors)
        )
        Article.categories.through.objects.bulk_create(
            Article.categories.through(article=article, category=category) for category in categories
        )
        TaggedItem.objects.bulk_create(TaggedItem(content_object=article, tag=tag) for tag in tags)
        segments.create_segments(article, converted.segments, source=Segment.Source.IMPORT, body=body)
        ordered = sorted(categories, key=lambda category: category.pk)
        metadata = {
            "slug": article.slug,
            "tags": sorted(tag.name for tag in tags),
            "categories": [category.pk for category in ordered],
            "category_names": [category.name for category in ordered],
            "authors": [author.pk for author in authors],
            "author_names": [author.name for author in authors],
        }
        note = f"Jekyll ファイル {post.source_key} から取り込み"
        self._revisions.append(revisions.revision_of(article, by=None, note=note, metadata=metadata))
        self._place(post, article, stage, result)
        result.outcome, result.article, result.stage = Outcome.NEW, article, article.status

    def _update(self, post: Post, result: FileResult, article: Article, converted: ConvertedPost, names):
        article = Article.objects.select_for_update().get(pk=article.pk)
        article.title = post.title
        article.excerpt = excerpt_for(post, converted)
        # An editor's open form must see this as someone else's save.
        article.version = F("version") + 1
        article.save(update_fields=["title", "excerpt", "version", "updated_at"])
        article.refresh_from_db()
        ArticleAuthor.objects.filter(article=article).delete()
        ArticleAuthor.objects.bulk_create(
            ArticleAuthor(article=article, author=names.get(Author, name), position=position)
            for position, name in enumerate(post.authors)
        )
        article.categories.set([names.get(Category, name) for name in post.categories])
        article.tags.set([names.get(Tag, name) for name in post.tags], clear=True)
        if segments.assemble_texts(converted.segments).strip() != article.body.strip():
            # The segment tree is replaced only when the text differs, so a file
            # exported from here and read back keeps the alternatives it had.
            segments.replace_segments(article, converted.segments, by=None, source=Segment.Source.IMPORT)
            article.refresh_from_db()
        revisions.record_revision(article, by=None, note=f"Jekyll ファイル {post.source_key} から取り込み")
        if article.status == Article.Status.PUBLISHED:
            self._moved.append(article.pk)  # its dates, links and text may all differ
        result.outcome, result.article = Outcome.UPDATED, article
        if self.status:
            self._place(post, article, stage_for(post, article.body, override=self.status), result)
            result.stage = article.status
        else:
            # An article already here keeps its stage: a file cannot approve,
            # publish or take down what editors are working on.
            result.stage = article.status

    def _place(self, post: Post, article: Article, stage: str, result: FileResult):
        went_live_or_came_down = workflow.place_imported(
            article,
            stage=stage,
            publish_at=post.date if stage != Status.PUBLISHED else None,
            published_at=post.date if stage == Status.PUBLISHED else None,
            report=False,
        )
        if went_live_or_came_down:
            self._moved.append(article.pk)
        if stage == Status.PUBLISHED and article.status == Status.SCHEDULED:
            result.notes.append(
                f"日付（{timezone.localtime(article.publish_at):%Y-%m-%d %H:%M}）がまだ来ていないため、"
                "公開ではなく公開予約として取り込みました。その日時に自動で公開されます。"
            )
        if article.status == Status.PUBLISHED:
            # An import is not an edit: "updated" is the post's own last_modified_at, or none.
            shown = max(post.last_modified_at or article.published_at, article.published_at)
            article.updated_at = shown
            self._dates.append(article)  # bulk_update leaves auto_now alone, as an import should

    def _record_source(self, post: Post, article: Article, converted: ConvertedPost, *, result_is_new: bool):
        values = {
            "site": post.source.site.key,
            "source_key": post.source_key,
            "layout": post.layout,
            "front_matter": post.front_matter,
            "original_text": post.original_text,
            "digest": post.digest,
            "problems": converted.problems,
        }
        if result_is_new:
            ImportedSource.objects.create(article=article, **values)
        else:
            ImportedSource.objects.update_or_create(article=article, defaults=values)
        self._addresses.append((post, article, result_is_new))

    def _record_old_addresses(self, imported, results):
        """Jekyll served the later-dated of two posts at one address, so the latest post
        claims its addresses first and an earlier one finds them taken."""
        latest_first = sorted(
            zip(imported, results, strict=True),
            key=lambda pair: pair[0][0].date or datetime.min.replace(tzinfo=UTC),
            reverse=True,
        )
        for (post, article, new), result in latest_first:
            clashes = record_legacy_urls(article, old_addresses(post), new_article=new)
            result.notes += [clash.message for clash in clashes]


def old_addresses(post: Post) -> list[str]:
    """Where the Jekyll site served ``post``, and the addresses its ``redirect_from`` kept."""
    site = post.source.site
    if post.draft or not post.published or post.date is None:
        return []  # never served
    suffix = post.path.suffix.lower()
    try:
        served = jekyll_url(
            permalink=site.permalink,
            front_permalink=post.front_matter.get("permalink")
            if isinstance(post.front_matter.get("permalink"), str)
            else None,
            date=post.date.astimezone(site.timezone),
            slug=post.jekyll_slug,
            categories=post.categories,
            output_ext=suffix if suffix.lstrip(".") in PLAIN_TEXT_EXT else ".html",
            baseurl=site.baseurl,
            source_path=post.source_key,
        )
    except PermalinkError:
        served = None
    extra = post.front_matter.get("redirect_from") or []
    extra = [extra] if isinstance(extra, str) else extra
    redirects = [
        site.baseurl + "/" + str(path).lstrip("/") for path in extra if isinstance(path, str) and path.strip()
    ]
    return [path for path in [served, *redirects] if path]


def import_files(sources, *, status=None, dry_run=False, progress=None) -> Report:
    """Import ``sources`` (from ``site.collect``) and report what happened to each file."""
    return Importer(status=status, dry_run=dry_run, progress=progress).run(sources)
