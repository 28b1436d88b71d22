"""API tokens and the answers kept for idempotent retries."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A machine's key to the editorial API, acting as one user with some scopes.

    Only a SHA-256 digest of the secret is kept: the secret is shown once, when
    the token is created. The prefix is not secret; it finds the row.
    """

    class Scope(models.TextChoices):
        ARTICLES_READ = "articles:read", "記事を読む (articles:read)"
        ARTICLES_WRITE = "articles:write", "記事を作成・提出する (articles:write)"
        SEGMENTS_WRITE = "segments:write", "本文の部分を追加する (segments:write)"

    name = models.CharField("名前", max_length=100, help_text="どのパイプラインや機械が使うかが分かる名前。")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ユーザー",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="トークンはこのユーザーとして動き、ワークフローはこのユーザーの役割で許可を判断します。",
    )
    scopes = models.JSONField("スコープ", default=list)
    prefix = models.CharField("識別子", max_length=16, unique=True, editable=False)
    secret_hash = models.CharField("秘密のハッシュ", max_length=64, editable=False)
    expires_at = models.DateTimeField(
        "有効期限", null=True, blank=True, help_text="空欄なら無期限。期限を過ぎたトークンは拒否されます。"
    )
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="作成した人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    last_used_at = models.DateTimeField("最終使用日時", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "連携トークン"
        verbose_name_plural = "連携トークン"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotentRequest(models.Model):
    """The first answer to a write sent with an ``Idempotency-Key``, returned again on a retry."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(
        max_length=64, help_text="The method, path and body the key was first used with."
    )
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_key_per_token")]

    def __str__(self):
        return self.key
