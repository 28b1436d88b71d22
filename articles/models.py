import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils.safestring import mark_safe
from markdownx.models import MarkdownxField
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem

from . import search
from .freshness import LISTINGS, RENDERING, copies_in_use
from .images import CoverField, cover_upload_to, validate_cover
from .markdown import Rendered, render, renderer_fingerprint
from .text import plain_text_from_html, reader_text, reading_time_minutes, unique_slug
from .validators import reject_control_characters, reject_control_characters_in_text

# Columns save() derives from the title, excerpt and body.
DERIVED_FROM_CONTENT = (
    "reading_time",
    "search_text",
    "search_vector",
    "body_text",
    "rendered_html",
    "rendered_toc",
    "rendered_from",
)


def body_digest(body: str) -> str:
    """The key of a stored rendering: the body and what rendered it."""
    return hashlib.sha256((renderer_fingerprint() + body).encode()).hexdigest()


class Author(models.Model):
    name = models.CharField("表示名", max_length=100, validators=[reject_control_characters])
    slug = models.SlugField("スラッグ", max_length=100, unique=True, allow_unicode=True)
    bio = models.TextField("プロフィール", blank=True, validators=[reject_control_characters_in_text])
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="ログインユーザー",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="この著者として記事を書くスタッフのアカウント。チーム名義なら空欄で構いません。",
    )
    is_team = models.BooleanField(
        "チーム名義",
        default=False,
        help_text="「ALLFORCES編集部」のように個人ではなくチームの署名であるもの。",
    )

    class Meta:
        verbose_name = "著者"
        verbose_name_plural = "著者"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class Category(models.Model):
    name = models.CharField("名前", max_length=100, unique=True, validators=[reject_control_characters])
    slug = models.SlugField("スラッグ", max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(
        "説明",
        blank=True,
        validators=[reject_control_characters_in_text],
        help_text="カテゴリーのページで見出しの下に表示されます。どんな記事が集まるかを読者向けに一、二文で。",
    )
    position = models.PositiveSmallIntegerField(
        "表示順", default=0, help_text="小さいほど先に表示されます（サイト上部のカテゴリー一覧も同じ順）。"
    )
    # Its newest live article, for the home page's featured list: a copy kept by
    # refresh_live_copies() (see CategoryListing), checked to be live when read.
    newest_article = models.ForeignKey(
        "Article", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "カテゴリー"
        verbose_name_plural = "カテゴリー"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:category", kwargs={"slug": self.slug})


def published_q(prefix=""):
    """The condition for "a reader may see it", for use across a relation (``prefix="articles__"``)."""
    return models.Q(**{f"{prefix}status": Article.Status.PUBLISHED, f"{prefix}published_at__lte": Now()})


def public_tags():
    """Tags of at least one article a reader may see. A tag used only by
    unpublished articles may name a story that is not out yet."""
    # Along the tag listing's index, newest first, the article itself checked: not through
    # taggit's join, which casts object_id to bigint and so read every link of the tag.
    listed = TagListing.objects.filter(tag=models.OuterRef("pk"), live_since__lte=Now()).filter(
        article__in=Article.objects.published()
    )
    return Tag.objects.filter(models.Exists(listed))


def public_authors():
    """Authors of at least one article a reader may see. Every staff member gets an author
    profile on their first save (editorial.people): without a live article, a public page
    of theirs would only tell readers who works here, and say nothing they could read."""
    # Along the author links' own index (live ones only, newest first), the article itself
    # checked; with the listings turned off, from the article alone (copies_in_use).
    links = ArticleAuthor.objects.filter(
        author=models.OuterRef("pk"), article__in=Article.objects.published()
    )
    if copies_in_use(LISTINGS):
        links = links.filter(live_since__lte=Now())
    return Author.objects.filter(models.Exists(links))


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles a reader may see: published, and live by the database clock."""
        return self.filter(published_q())

    def for_listing(self):
        return self.for_cards().prefetch_related("tags")

    def for_cards(self):
        """What an article card shows besides the article's own columns: authors and categories."""
        return self.prefetch_related(
            models.Prefetch("article_authors", queryset=ArticleAuthor.authors_in_order()),
            "categories",
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "下書き"
        CONTINUATION = "continuation", "続き待ち"
        REVIEW = "review", "レビュー中"
        SCHEDULED = "scheduled", "公開予約"
        PUBLISHED = "published", "公開中"
        ARCHIVED = "archived", "アーカイブ"

    SLUG_MAX_LENGTH = 200

    title = models.CharField("タイトル", max_length=200, validators=[reject_control_characters])
    slug = models.SlugField(
        "スラッグ",
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="記事のURLの末尾。空欄ならタイトルから自動で作ります（日本語のままでも使えます）。",
    )
    body = MarkdownxField(
        "本文",
        blank=True,
        validators=[reject_control_characters_in_text],
        help_text="Markdown（CommonMark）で書きます。リストの入れ子は 2 字下げ、コードは ``` で囲みます。"
        "ツールバーのボタンやショートカット（Ctrl+B など）でも書けます。"
        "プレビューは広い画面では右に、狭い画面では入力欄の下に出ます。",
    )
    excerpt = models.TextField(
        "抜粋",
        max_length=300,
        blank=True,
        validators=[reject_control_characters_in_text],
        help_text="一覧や検索結果、SNSでの共有時に出る要約（300字以内）。",
    )
    authors = models.ManyToManyField(
        Author, through="ArticleAuthor", related_name="articles", verbose_name="著者"
    )
    categories = models.ManyToManyField(
        Category, related_name="articles", verbose_name="カテゴリー", blank=True
    )
    tags = TaggableManager("タグ", blank=True, help_text="カンマ区切りで入力します。")
    cover = CoverField(
        "表紙画像",
        upload_to=cover_upload_to,
        blank=True,
        db_default="",
        validators=[validate_cover],
        help_text="JPEG・PNG・WebP、5 MB まで、4,000 万画素まで。記事の先頭、一覧、SNS での共有に使われます。"
        "保存すると数秒で各サイズの画像が作られ、それまでは画像なしで表示されます。",
    )
    # The cover's renditions, made after it is saved (articles/images.py); pages read only these.
    cover_renditions = models.JSONField(editable=False, null=True)
    cover_alt = models.CharField(
        "表紙画像の説明",
        max_length=200,
        blank=True,
        db_default="",
        validators=[reject_control_characters],
        help_text="画像が見えない読者のための説明（代替テキスト）。",
    )
    status = models.CharField(
        "ステージ", max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    publish_at = models.DateTimeField(
        "公開予定日時", null=True, blank=True, help_text="日本時間。この時刻になると自動で公開されます。"
    )
    published_at = models.DateTimeField(
        "公開日時",
        null=True,
        blank=True,
        editable=False,
        help_text="読者に公開された日時。アーカイブした記事を公開し直すと、その時刻に変わります。",
    )
    first_published_at = models.DateTimeField(
        "初出日時",
        null=True,
        blank=True,
        editable=False,
        help_text="最初に公開された日時。公開し直しても変わりません。"
        "公開日時と 1 日以上離れていれば、記事ページに「初出」として出ます。",
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    reading_time = models.PositiveSmallIntegerField(
        "読了時間（分）", default=1, editable=False, help_text="本文から自動で計算されます。"
    )
    version = models.PositiveIntegerField("版", default=1, editable=False)
    search_text = models.TextField(editable=False, blank=True, default="", db_default="")
    search_vector = SearchVectorField(editable=False, null=True)
    # The body as readers read it (no markup, in its own case and width), for search snippets:
    # search_text is folded for matching, and rendering the body for each result would cost more.
    body_text = models.TextField(editable=False, blank=True, default="", db_default="")
    # The body's rendering, made at save so a page view does not run Markdown and the
    # sanitiser again; used only while rendered_from matches the body (see from_db).
    rendered_html = models.TextField(editable=False, blank=True, default="", db_default="")
    rendered_toc = models.JSONField(editable=False, null=True)
    rendered_from = models.CharField(editable=False, max_length=64, blank=True, db_default="")
    # Its related articles as last ranked, kept for a while (see articles/related.py).
    related_ids = models.JSONField(editable=False, null=True)
    related_from = models.CharField(editable=False, max_length=64, blank=True, db_default="")
    related_at = models.DateTimeField(editable=False, null=True)
    # Its authors, categories and tags as its page shows them (see articles/furniture.py).
    furniture = models.JSONField(editable=False, null=True)
    # The HTML of its card on lists, and what it was made from (see articles/cards.py).
    card_html = models.TextField(editable=False, blank=True, default="", db_default="")
    card_from = models.CharField(editable=False, max_length=64, blank=True, db_default="")
    # The surrogate keys of the authors and categories the stored card names (articles.freshness),
    # kept with it so a list knows what it shows without asking again.
    card_shows = models.JSONField(editable=False, blank=True, default=list, db_default=[])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "記事"
        verbose_name_plural = "記事"
        ordering = ["-published_at", "-created_at"]
        # Lists and common searches read this index newest first and stop after one page;
        # with the id in it, the order (published_at, then id) needs no sort at all.
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_status_published_id")
        ]
        permissions = [
            ("review_article", "記事をレビューし、承認・公開・アーカイブできる（編集者）"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(
                self.title,
                taken=lambda slug: Article.objects.exclude(pk=self.pk).filter(slug=slug).exists(),
                max_length=self.SLUG_MAX_LENGTH,
            )
        update_fields = kwargs.get("update_fields")
        # A stage change saves only its own fields; rendering the body is for content saves.
        if update_fields is None or {"body", "title", "excerpt"} & set(update_fields):
            for name, value in self.derived_from_content().items():
                setattr(self, name, value)
            self.search_vector = search.index_value(self.search_text)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *DERIVED_FROM_CONTENT}
        # Only its own row: what else follows a save is decided in articles/freshness.py.
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def live_since(self):
        """When readers could first see it, or None while it is not published."""
        return self.published_at if self.status == self.Status.PUBLISHED else None

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # Trusted only for the very body it was made from: a body changed by a queryset
        # update (or a row saved before these columns) is rendered afresh instead.
        stored = {"body", "rendered_html", "rendered_toc", "rendered_from"} <= set(field_names)
        if stored and copies_in_use(RENDERING) and article.rendered_from == body_digest(article.body):
            article._rendered = (article.body, Rendered(article.rendered_html, article.rendered_toc or []))
            article._rendering_stored = True
        return article

    def derived_from_content(self) -> dict:
        """The columns of DERIVED_FROM_CONTENT as the title, excerpt and body make them now,
        but the search vector, which is made from ``search_text`` (``search.index_value()``).

        The body is rendered again only if the rendering read with the row was not made
        from this very body by this renderer (see from_db).
        """
        # Search matches the text readers read (body_text), so whatever finds an article can be
        # marked in its snippet: no heading "#", no words run together across cells or blocks.
        body_text = reader_text(self.rendered_body)
        return {
            "reading_time": reading_time_minutes(plain_text_from_html(self.rendered_body)),
            "search_text": search.normalise(f"{self.title}\n{self.excerpt}\n{body_text}"),
            "body_text": body_text,
            "rendered_html": self.rendered.html,
            "rendered_toc": self.rendered.toc,
            "rendered_from": body_digest(self.body),
        }

    def text_for_snippets(self) -> str:
        """The body as readers read it, for search snippets: ``body_text``, or, with the stored
        rendering turned off (or on a row not yet filled after an upgrade, until
        ``rebuild_reader_copies`` runs), worked out afresh from the body (which is then read)."""
        if copies_in_use(RENDERING) and self.body_text:
            return self.body_text
        return reader_text(self.rendered.html)

    @property
    def has_stored_rendering(self) -> bool:
        return getattr(self, "_rendering_stored", False)

    def store_rendering(self) -> None:
        """Render the body and store the result, for a row whose stored rendering is
        missing or was made from another body. Not through save(): no version or
        updated_at changes for what is only a cache of the body."""
        rendered = self.rendered
        Article.objects.filter(pk=self.pk).update(
            rendered_html=rendered.html, rendered_toc=rendered.toc, rendered_from=body_digest(self.body)
        )
        self._rendering_stored = True

    @property
    def rendered(self):
        # Rendered once per body: the page uses both the HTML and the headings.
        cached = getattr(self, "_rendered", None)
        if cached is None or cached[0] != self.body:
            self._rendered = cached = (self.body, render(self.body))
        return cached[1]

    @property
    def rendered_body(self) -> str:
        # Safe to mark: render() sanitises with an allow-list.
        return mark_safe(self.rendered.html)

    @property
    def table_of_contents(self):
        return self.rendered.toc

    @property
    def edited_after_publication(self) -> bool:
        return bool(self.published_at and self.updated_at - self.published_at > timedelta(minutes=10))

    @property
    def republished(self) -> bool:
        """Whether it went live again more than a day after its first publication; its page then
        shows that first date too."""
        return bool(
            self.first_published_at
            and self.published_at
            and self.published_at - self.first_published_at > timedelta(days=1)
        )

    @property
    def ordered_authors(self):
        return [link.author for link in self.article_authors.all()]


# Category and author pages list their articles newest first. Walking the
# articles' date index and probing each one for the category read thousands
# of rows by page 200; with the date beside the category (or author) in one
# index, any page reads only its own entries. These copies of when an article
# went live are kept in step by refresh_live_copies(), called after an
# article's row is saved (articles.freshness.article_row_saved), by the
# scheduler's batch publish and when an article's categories change. Reader queries still check the article itself, so a
# stale copy could only keep a live article off a page for a moment, never
# show one that is not live.


class CategoryListing(models.Model):
    """A live article in one of its categories, with when it went live."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")
    live_since = models.DateTimeField()

    class Meta:
        verbose_name = "カテゴリー別一覧の掲載"
        verbose_name_plural = "カテゴリー別一覧の掲載"
        indexes = [
            models.Index(fields=["category", "-live_since", "-article"], name="category_listing_newest")
        ]
        constraints = [models.UniqueConstraint(fields=["article", "category"], name="category_listing_once")]

    def __str__(self):
        return f"{self.category} / {self.article_id}"


class TagListing(models.Model):
    """A live article under one of its tags, with when it went live."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")
    live_since = models.DateTimeField()

    class Meta:
        verbose_name = "タグ別一覧の掲載"
        verbose_name_plural = "タグ別一覧の掲載"
        indexes = [models.Index(fields=["tag", "-live_since", "-article"], name="tag_listing_newest")]
        constraints = [models.UniqueConstraint(fields=["article", "tag"], name="tag_listing_once")]

    def __str__(self):
        return f"{self.tag} / {self.article_id}"


def _live(article_ids):
    return Article.objects.filter(
        pk__in=article_ids, status=Article.Status.PUBLISHED, published_at__isnull=False
    )


def _category_listing_rows(article_ids):
    """(article id, category id, live since) of every CategoryListing ``article_ids`` should have."""
    return _live(article_ids).filter(categories__isnull=False).values_list("pk", "categories", "published_at")


def _tag_listing_rows(article_ids):
    """(article id, tag id, live since) of every TagListing ``article_ids`` should have."""
    went_live = dict(_live(article_ids).values_list("pk", "published_at"))
    links = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article), object_id__in=list(went_live)
    )
    return [
        (article_id, tag_id, went_live[article_id])
        for article_id, tag_id in links.values_list("object_id", "tag_id")
    ]


def _author_live_since(article_ids):
    """``ArticleAuthor.live_since`` as it should be, for a query on links of ``article_ids``."""
    return models.Subquery(
        _live(article_ids).filter(pk=models.OuterRef("article_id")).values("published_at")[:1]
    )


def refresh_live_copies(article_ids) -> None:
    """Bring the listings and the author links of ``article_ids`` in step with the articles."""
    article_ids = list(article_ids)
    refresh_tag_listing(article_ids)
    CategoryListing.objects.filter(article_id__in=article_ids).delete()
    CategoryListing.objects.bulk_create(
        CategoryListing(category_id=category_id, article_id=article_id, live_since=live_since)
        for article_id, category_id, live_since in _category_listing_rows(article_ids)
    )
    # The categories these articles are in now, or were the newest of before.
    refresh_newest_articles(
        Category.objects.filter(models.Q(articles__in=article_ids) | models.Q(newest_article__in=article_ids))
    )
    ArticleAuthor.objects.filter(article_id__in=article_ids).update(
        live_since=_author_live_since(article_ids)
    )


def live_copies_out_of_step(article_ids) -> dict[str, set[int]]:
    """Which of ``article_ids`` have a category listing, a tag listing or author links
    (``"category"``, ``"tag"``, ``"author"``) other than refresh_live_copies() would write:
    for finding what changes made behind the app's back (SQL by hand, a restore) left."""
    article_ids = list(article_ids)

    def differing(fresh, stored):
        return {row[0] for row in set(fresh) ^ set(stored)}

    authors = ArticleAuthor.objects.filter(article_id__in=article_ids).annotate(
        fresh=_author_live_since(article_ids)
    )
    return {
        "category": differing(
            _category_listing_rows(article_ids),
            CategoryListing.objects.filter(article_id__in=article_ids).values_list(
                "article_id", "category_id", "live_since"
            ),
        ),
        "tag": differing(
            _tag_listing_rows(article_ids),
            TagListing.objects.filter(article_id__in=article_ids).values_list(
                "article_id", "tag_id", "live_since"
            ),
        ),
        "author": {
            article_id
            for article_id, stored, fresh in authors.values_list("article_id", "live_since", "fresh")
            if stored != fresh
        },
    }


def refresh_newest_articles(categories) -> None:
    """Work out ``Category.newest_article`` again for ``categories`` (a queryset), from the listing."""
    newest = (
        CategoryListing.objects.filter(category=models.OuterRef("pk"), live_since__lte=Now())
        .order_by("-live_since", "-article_id")
        .values("article_id")[:1]
    )
    Category.objects.filter(pk__in=list(categories.values_list("pk", flat=True))).update(
        newest_article=models.Subquery(newest)
    )


def newest_articles_out_of_step() -> list[int]:
    """The ids of the categories whose ``newest_article`` is not their newest live article.

    Worked out from the articles themselves, not from the listing that
    refresh_newest_articles() reads (which may be what is out of step), so it
    also answers for a listing not yet rebuilt.
    """
    newest = (
        Article.objects.published()
        .filter(categories=models.OuterRef("pk"))
        .order_by("-published_at", "-id")
        .values("pk")[:1]
    )
    return [
        pk
        for pk, stored, fresh in Category.objects.annotate(fresh=models.Subquery(newest)).values_list(
            "pk", "newest_article_id", "fresh"
        )
        if stored != fresh
    ]


def refresh_tag_listing(article_ids) -> None:
    """Bring the tag listing of ``article_ids`` in step with their tags and stage."""
    article_ids = list(article_ids)
    TagListing.objects.filter(article_id__in=article_ids).delete()
    TagListing.objects.bulk_create(
        TagListing(tag_id=tag_id, article_id=article_id, live_since=live_since)
        for article_id, tag_id, live_since in _tag_listing_rows(article_ids)
    )


def live_article_ids(listing, subject_field, subject):
    """The ids of ``subject``'s live articles, newest first, along the listing's own index."""
    return (
        listing.filter(**{subject_field: subject}, live_since__isnull=False, live_since__lte=Now())
        .order_by("-live_since", "-article_id")
        .values("article_id")
    )


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="article_links", verbose_name="著者"
    )
    position = models.PositiveSmallIntegerField("順番", default=0)
    # A copy of Article.live_since, for author pages (see CategoryListing).
    live_since = models.DateTimeField(null=True, editable=False)

    class Meta:
        verbose_name = "著者"
        verbose_name_plural = "著者（表示順）"
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="article_author_once")]
        indexes = [
            models.Index(
                fields=["author", "-live_since", "-article"],
                condition=models.Q(live_since__isnull=False),
                name="author_link_live",
            )
        ]

    def __str__(self):
        return f"{self.article} / {self.author}"

    def save(self, *args, **kwargs):
        self.live_since = self.article.live_since
        super().save(*args, **kwargs)

    @classmethod
    def authors_in_order(cls):
        return cls.objects.select_related("author").order_by("position", "id")
