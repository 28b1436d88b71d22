from django.conf import settings
from django.db import models

from articles.images import CoverField, cover_upload_to
from articles.models import Article

from .people import display_name


class Transition(models.Model):
    """One stage change of one article: the audit trail."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("変更前", max_length=20, choices=Article.Status.choices)
    to_status = models.CharField("変更後", max_length=20, choices=Article.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="空欄はシステム（自動公開や続き待ちの自動判定）による変更です。",
    )
    comment = models.TextField("コメント", blank=True)
    created_at = models.DateTimeField("日時", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "ステージの変更履歴"
        verbose_name_plural = "ステージの変更履歴"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.article}: {self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def actor_label(self):
        if self.actor:
            return display_name(self.actor)
        if self.from_status == Article.Status.SCHEDULED and self.to_status == Article.Status.PUBLISHED:
            return "システム（スケジューラー）"
        return "システム"


class Revision(models.Model):
    """A snapshot of an article's content, taken on every save of its content."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField("版")
    title = models.CharField("タイトル", max_length=200)
    body = models.TextField("本文", blank=True)
    excerpt = models.TextField("抜粋", blank=True)
    metadata = models.JSONField("その他の項目", default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("メモ", max_length=200, blank=True)
    created_at = models.DateTimeField("日時", auto_now_add=True)

    class Meta:
        verbose_name = "版"
        verbose_name_plural = "版の履歴"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.article} 第{self.version}版"


class Segment(models.Model):
    """One pass of an article's body. Segments form a tree: each continues its parent."""

    class Source(models.TextChoices):
        ADMIN = "admin", "管理画面で入力"
        IMPORT = "import", "インポート"
        API = "api", "API"
        GENERATED = "generated", "自動生成"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="segments")
    parent = models.ForeignKey(
        "self",
        verbose_name="続きの元",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        help_text="この部分が続きを書いている元の部分。空欄なら最初の部分です。",
    )
    text = models.TextField("本文")
    source = models.CharField("入力元", max_length=10, choices=Source.choices, default=Source.ADMIN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="追加した人", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("追加日時", auto_now_add=True)

    class Meta:
        verbose_name = "本文の部分"
        verbose_name_plural = "本文の部分"
        ordering = ["id"]  # the order written (editorial.continuation.segments)

    def __str__(self):
        return f"#{self.pk} {self.text.strip()[:20]}"


class SegmentPath(models.Model):
    """Which path through an article's segments makes its body, and the body
    that path last produced (to notice an editor's hand edits)."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="segment_path"
    )
    leaf = models.ForeignKey(
        Segment,
        verbose_name="選んだ経路の終端",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="空欄なら、最後に追加された末端の部分までの経路を使います。",
    )
    assembled_body = models.TextField(blank=True)

    class Meta:
        verbose_name = "本文の経路"
        verbose_name_plural = "本文の経路"

    def __str__(self):
        return f"{self.article} の経路"


class ImportedSource(models.Model):
    """Where an imported article came from, so re-importing updates it."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="imported_source")
    site = models.CharField(
        "元のサイト",
        max_length=200,
        blank=True,
        help_text="_config.yml の url と baseurl。空欄はサイトなし。",
    )
    source_key = models.CharField("元のファイル", max_length=500, help_text="サイトの中でのファイルのパス。")
    layout = models.CharField("Jekyll の layout", max_length=50, default="post")
    front_matter = models.JSONField("元の front matter", default=dict, blank=True)
    original_text = models.TextField("元のファイルの内容", blank=True)
    digest = models.CharField("元のファイルの指紋", max_length=64, blank=True)
    problems = models.JSONField(
        "取り込み時の問題",
        default=list,
        blank=True,
        help_text="変換できなかった Liquid タグや見つからなかった画像など。レビューの確認項目に出ます。",
    )
    imported_at = models.DateTimeField("最後に取り込んだ日時", auto_now=True)

    class Meta:
        verbose_name = "インポート元"
        verbose_name_plural = "インポート元"
        constraints = [
            models.UniqueConstraint(fields=["site", "source_key"], name="imported_source_once_per_site")
        ]

    def __str__(self):
        return f"{self.site}/{self.source_key}" if self.site else self.source_key


class LegacyURL(models.Model):
    """An address the article had on the old Jekyll site; readers asking for it are sent on."""

    article = models.ForeignKey(
        Article, verbose_name="記事", on_delete=models.CASCADE, related_name="legacy_urls"
    )
    path = models.CharField(
        "旧URL",
        max_length=500,
        help_text="旧サイトが配信していたままのパス（大文字と小文字も区別します）。"
        "記事が公開中なら、ここへのアクセスは記事のURLへ恒久的に転送されます。",
    )
    key = models.CharField(
        "照合用の形",
        max_length=500,
        unique=True,
        help_text="末尾のスラッシュ、.html と /index を除いた形。同じ形の旧URLは1つの記事にしか転送できません。",
    )

    class Meta:
        verbose_name = "旧URL"
        verbose_name_plural = "旧URL"
        ordering = ["path"]

    def __str__(self):
        return self.path


class Notification(models.Model):
    """One thing one person is told about a workflow event: the outbox.

    Written in the transaction of the stage change that causes it, so a
    broker that dies at the commit loses nothing; a sender task (and a
    periodic sweep behind it) e-mails the pending rows and marks each sent
    (``editorial/notifications.py``). The same rows are what an in-app list
    of notifications reads.
    """

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "レビュー依頼"
        CHANGES_REQUESTED = "changes_requested", "差し戻し"
        APPROVED = "approved", "承認（公開予約）"
        PUBLISHED = "published", "公開"
        UPDATE_SUBMITTED = "update_submitted", "変更のレビュー依頼"
        COMMENTED = "commented", "コメント"
        MENTIONED = "mentioned", "メンション"

    class Email(models.TextChoices):
        PENDING = "pending", "送信待ち"
        SENT = "sent", "送信済み"
        FAILED = "failed", "送信できず"
        NONE = "none", "送らない（宛先なし）"
        IN_APP = "in_app", "送らない（画面の通知のみ）"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="宛先",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField("種類", max_length=30, choices=Kind.choices)
    article = models.ForeignKey(
        Article, verbose_name="記事", on_delete=models.CASCADE, related_name="notifications"
    )
    transition = models.ForeignKey(
        Transition,
        verbose_name="きっかけ",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text="この通知を生んだステージの変更。コメントや未公開の変更の通知では空欄です。",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="ステージの変更によらない通知で、きっかけを作った人。",
    )
    text = models.TextField(
        "内容", blank=True, help_text="通知に添える文（差し戻しで集めたコメント、コメントの本文など）。"
    )
    comment = models.ForeignKey(
        "Comment",
        verbose_name="コメント",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    created_at = models.DateTimeField("日時", auto_now_add=True)
    read_at = models.DateTimeField("既読にした日時", null=True, blank=True)
    email_status = models.CharField("メール", max_length=10, choices=Email.choices, default=Email.PENDING)
    emailed_at = models.DateTimeField("メールを送った日時", null=True, blank=True)
    email_error = models.TextField("送れなかった理由", blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            # A transition tells each person once, however often its side effects run.
            models.UniqueConstraint(fields=["transition", "recipient"], name="notification_once_per_person")
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(email_status="pending"), name="notification_email_pending"
            ),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article} → {self.recipient}"

    @property
    def actor_label(self):
        """Who caused it, as the office names them."""
        if self.transition_id is not None:
            return self.transition.actor_label
        return display_name(self.actor) if self.actor else "システム"

    @property
    def message(self):
        """What it says beside its kind: its own text, else its stage change's comment."""
        if self.text:
            return self.text
        return self.transition.comment if self.transition_id is not None else ""


class PendingVersion(models.Model):
    """Changes saved to a published article that readers do not see yet: one per
    article, replaced by each later save, until an editor publishes or discards it.

    It holds what the change form edits of the article's content and byline;
    the stage and times stay with the article, which only the workflow moves."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="pending_version")
    based_on_version = models.PositiveIntegerField(
        "元の版", help_text="この変更を保存したときの記事の版。これより新しい保存は上書きしません。"
    )
    title = models.CharField("タイトル", max_length=200)
    slug = models.SlugField("スラッグ", max_length=Article.SLUG_MAX_LENGTH, allow_unicode=True)
    body = models.TextField("本文", blank=True)
    excerpt = models.TextField("抜粋", blank=True)
    cover = CoverField("表紙画像", upload_to=cover_upload_to, blank=True)
    cover_alt = models.CharField("表紙画像の説明", max_length=200, blank=True)
    categories = models.JSONField("カテゴリー", default=list, blank=True)
    tags = models.JSONField("タグ", default=list, blank=True)
    authors = models.JSONField("著者", default=list, blank=True, help_text="著者の ID を並び順に。")
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_at = models.DateTimeField("保存日時", auto_now=True)
    submitted_at = models.DateTimeField(
        "レビューに出した日時",
        null=True,
        blank=True,
        help_text="空欄でなければ、編集者のレビュー待ちです（公開予約中を除く）。",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="レビューに出した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField("レビュー依頼のコメント", blank=True)
    sent_back_at = models.DateTimeField(
        "差し戻した日時",
        null=True,
        blank=True,
        help_text="もう一度レビューに出すまで、書いた人の画面に残ります。",
    )
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="差し戻した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_back_comment = models.TextField("差し戻しのコメント", blank=True)
    publish_at = models.DateTimeField(
        "公開予定日時",
        null=True,
        blank=True,
        help_text="この日時にスケジューラーが公開します。予約のあとに保存された変更は予約を取り消し、"
        "レビュー待ちに戻します（編集者が承認したのは前の内容のため）。",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公開予約した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "未公開の変更"
        verbose_name_plural = "未公開の変更"
        indexes = [
            # The scheduler's sweep looks for due updates every few seconds; few are ever scheduled.
            models.Index(
                fields=["publish_at"],
                condition=models.Q(publish_at__isnull=False),
                name="pending_version_due",
            )
        ]

    def __str__(self):
        return f"{self.article} の未公開の変更"

    @property
    def saved_by_name(self):
        return display_name(self.saved_by) if self.saved_by else ""

    @property
    def in_review(self) -> bool:
        """Sent to review and not yet scheduled: what the editors' desk lists."""
        return self.submitted_at is not None and self.publish_at is None


class Comment(models.Model):
    """A remark on a passage or a field of an article, or a reply to one.

    A comment on the body keeps the passage it is about (``quote``) with a little
    of the text on each side, and is found again by that text after every edit
    (``editorial/comments/anchoring.py``): it follows its passage, and is shown
    as orphaned when the passage is gone. Comments are never deleted; resolving
    one closes it, and every comment, reply and resolution is in the history.
    """

    class Field(models.TextChoices):
        TITLE = "title", "タイトル"
        EXCERPT = "excerpt", "抜粋"
        COVER = "cover", "表紙画像"
        BODY = "body", "本文"

    article = models.ForeignKey(
        Article, verbose_name="記事", on_delete=models.CASCADE, related_name="comments"
    )
    thread = models.ForeignKey(
        "self",
        verbose_name="返信先",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        help_text="空欄は最初のコメント。返信は最初のコメントにつながります。",
    )
    field = models.CharField("対象", max_length=10, choices=Field.choices, default=Field.BODY)
    quote = models.TextField("対象の箇所", blank=True, help_text="空欄は項目全体へのコメント。")
    prefix = models.CharField("箇所の前の文", max_length=64, blank=True)
    suffix = models.CharField("箇所の後の文", max_length=64, blank=True)
    orphaned_at = models.DateTimeField(
        "箇所を見失った日時", null=True, blank=True, help_text="対象の箇所が本文から消えた日時。"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="書いた人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField("コメント")
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="名前を挙げた人", blank=True, related_name="+"
    )
    created_at = models.DateTimeField("日時", auto_now_add=True)
    resolved_at = models.DateTimeField("解決した日時", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="解決した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "コメント"
        verbose_name_plural = "コメント"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "created_at"], name="comment_article")]

    def __str__(self):
        return f"{self.article}: {self.text[:30]}"

    @property
    def author_name(self):
        return display_name(self.author) if self.author else "（削除された利用者）"

    @property
    def resolved_by_name(self):
        return display_name(self.resolved_by) if self.resolved_by else ""


class PromptTemplate(models.Model):
    """What the continuation generator asks the model, as editors wrote it.

    Versions are never changed or deleted: an edit in the admin saves a new
    version, and each generated pass names the version it was asked with. The
    newest version is the one in use."""

    version = models.PositiveIntegerField("版", unique=True, editable=False)
    system = models.TextField(
        "システムへの指示", help_text="モデルの役割と書き方の決まり。記事ごとに変わらない部分です。"
    )
    instructions = models.TextField(
        "依頼文",
        help_text="記事ごとの依頼。{title}（タイトル）、{excerpt}（抜粋）、{body}（ここまでの本文）、"
        "{tail}（本文の最後の200文字）を差し込めます。",
    )
    note = models.CharField("変更の理由", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="作成者", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)

    class Meta:
        verbose_name = "続きの生成のプロンプト"
        verbose_name_plural = "続きの生成のプロンプト"
        ordering = ["-version"]

    def __str__(self):
        return f"第{self.version}版"


class GenerationAttempt(models.Model):
    """One request the continuation generator sent, and what came of it.

    A reply that became a pass names its segment; one that could not (empty,
    malformed, refused by the stitcher, stale) keeps why, and changed nothing
    else. The end of a run that gave the article to a person is a row too."""

    class Outcome(models.TextChoices):
        ADDED = "added", "続きとして追加"
        EMPTY = "empty", "空の返答"
        MALFORMED = "malformed", "形式の崩れた返答"
        REFUSED = "refused", "つなげられない返答"
        FAILED = "failed", "失敗"
        STALE = "stale", "待つ間に本文が変わった"
        CONFIG = "config", "設定の誤り"
        HANDED_OVER = "handed_over", "人に引き継ぎ"
        REQUESTED = "requested", "再開の依頼"

    article = models.ForeignKey(
        Article, verbose_name="記事", on_delete=models.CASCADE, related_name="generation_attempts"
    )
    segment = models.OneToOneField(
        Segment,
        verbose_name="追加した部分",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="generation",
    )
    outcome = models.CharField("結果", max_length=20, choices=Outcome.choices)
    detail = models.TextField("詳細", blank=True)
    model = models.CharField("モデル", max_length=200)
    prompt = models.ForeignKey(
        PromptTemplate, verbose_name="プロンプト", null=True, on_delete=models.PROTECT, related_name="+"
    )
    prompt_tokens = models.PositiveIntegerField("入力トークン", null=True, blank=True)
    completion_tokens = models.PositiveIntegerField("出力トークン", null=True, blank=True)
    latency_ms = models.PositiveIntegerField("応答時間（ミリ秒）", null=True, blank=True)
    cost = models.DecimalField("費用", max_digits=12, decimal_places=6, null=True, blank=True)
    currency = models.CharField("通貨", max_length=10, blank=True)
    retries = models.PositiveSmallIntegerField("再試行の回数", default=0)
    created_at = models.DateTimeField("日時", auto_now_add=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="手を入れた人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    edited_at = models.DateTimeField("手を入れた日時", null=True, blank=True)

    class Meta:
        verbose_name = "続きの生成の記録"
        verbose_name_plural = "続きの生成の記録"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "created_at"], name="generation_article")]

    def __str__(self):
        return f"{self.article}: {self.get_outcome_display()}"

    @property
    def machine_written(self) -> bool:
        """A generated pass no person has edited yet."""
        return self.segment_id is not None and self.edited_at is None


class GenerationLease(models.Model):
    """Which run of the generator is working on an article, until when.

    Two runs for one article (a sweep beside a queued task, a redelivered
    message) would each ask the model and add a pass; the lease lets one in."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="+")
    holder = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = "続きの生成の実行中"
        verbose_name_plural = "続きの生成の実行中"

    def __str__(self):
        return f"{self.article_id}: {self.holder}"
