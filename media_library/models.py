from pathlib import PurePosixPath

from django.conf import settings
from django.db import models

from articles.images import FORMAT_SUFFIXES, stored_name
from articles.validators import reject_control_characters


def library_upload_to(instance, filename):
    # The name given by library.add_image ends in the cleaned image's real format.
    suffix = PurePosixPath(filename).suffix.lower()
    return stored_name("library", suffix if suffix in FORMAT_SUFFIXES.values() else ".bin")


class Image(models.Model):
    """An image in the media library: one cleaned file, described once, used by
    any number of articles (in their bodies or as their cover)."""

    file = models.FileField("ファイル", upload_to=library_upload_to, max_length=200, editable=False)
    alt = models.CharField(
        "代替テキスト",
        max_length=200,
        validators=[reject_control_characters],
        help_text="画像が見えない読者のための説明（必須）。何が写っているか、グラフなら何が読み取れるかを1文で。",
    )
    caption = models.CharField(
        "キャプション",
        max_length=300,
        blank=True,
        validators=[reject_control_characters],
        help_text="画像の下に表示される説明。なくても構いません。",
    )
    credit = models.CharField(
        "クレジット",
        max_length=200,
        validators=[reject_control_characters],
        help_text="画像の下に読者向けに表示されます（必須）。例:「写真：ロイター」「出典：内閣府」"
        "「ALLFORCES編集部作成」。自社で作った画像もそう書きます。",
    )
    source = models.CharField(
        "入手元",
        max_length=300,
        blank=True,
        validators=[reject_control_characters],
        help_text="どこから入手したか（URL、提供元、契約など）。編集部内の記録で、読者には表示しません。",
    )
    width = models.PositiveIntegerField("幅（px）", editable=False)
    height = models.PositiveIntegerField("高さ（px）", editable=False)
    size_bytes = models.PositiveIntegerField("ファイルサイズ（バイト）", editable=False)
    format = models.CharField("形式", max_length=10, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="アップロードした人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("アップロード日時", auto_now_add=True)

    class Meta:
        verbose_name = "画像"
        verbose_name_plural = "画像"
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["-uploaded_at", "-id"], name="library_image_newest")]

    def __str__(self):
        return self.alt
