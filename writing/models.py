from django.conf import settings
from django.db import models
from django.db.models import Q

from articles.models import Article


class Autosave(models.Model):
    """What one person's article form held when they last typed in it, saved
    without their asking: one row per person and article (or per new article
    never saved, by the key its page was given), replaced at each autosave and
    dropped when they save the article. Readers never see it; it is no revision."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="書いた人", on_delete=models.CASCADE)
    article = models.ForeignKey(
        Article, verbose_name="記事", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    draft_key = models.UUIDField("新しい記事の鍵", null=True, blank=True)
    based_on_version = models.PositiveIntegerField("元の版", null=True, blank=True)
    fields = models.JSONField("内容", default=dict)
    saved_at = models.DateTimeField("自動保存日時")
    written_at = models.DateTimeField(
        "書いた日時",
        null=True,
        blank=True,
        help_text="ブラウザが書いた日時。古い写しが新しい自動保存を上書きしないように。",
    )

    class Meta:
        verbose_name = "自動保存"
        verbose_name_plural = "自動保存"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], condition=Q(article__isnull=False), name="autosave_per_article"
            ),
            models.UniqueConstraint(
                fields=["user", "draft_key"],
                condition=Q(draft_key__isnull=False),
                name="autosave_per_new_article",
            ),
            models.CheckConstraint(
                condition=Q(article__isnull=False) | Q(draft_key__isnull=False),
                name="autosave_names_its_article",
            ),
        ]

    def __str__(self):
        return f"{self.user} の自動保存（{self.article or '新しい記事'}）"
