"""Cover images: stored under generated names, served in a few widths.

Renditions are made on first use and kept in the same storage, so the page
cache and the CDN serve them afterwards; the original is never sent to phones.
"""

import uuid
from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

COVER_WIDTHS = (480, 960, 1600)
COVER_MAX_BYTES = 5 * 1024 * 1024
COVER_FORMATS = {"JPEG", "PNG", "WEBP"}
# A few megabytes of PNG can decode to gigabytes; beyond this the image is
# refused at upload instead of being decoded when a page first shows it.
MAX_IMAGE_PIXELS = 40_000_000


def too_many_pixels(image) -> str | None:
    """Why ``image`` (opened, not decoded) is too large to decode, in Japanese; None if it is not."""
    width, height = image.size
    if width * height <= MAX_IMAGE_PIXELS:
        return None
    return (
        f"画像の画素数が多すぎます（{width:,}×{height:,}、上限 {MAX_IMAGE_PIXELS // 10_000:,} 万画素）。"
        "縮小してからアップロードしてください。"
    )


def cover_upload_to(instance, filename):
    suffix = PurePosixPath(filename).suffix.lower()[:5] or ".jpg"
    return f"covers/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def validate_cover(upload):
    if upload.size > COVER_MAX_BYTES:
        raise ValidationError(f"画像が大きすぎます（上限 {COVER_MAX_BYTES // (1024 * 1024)} MB）。")
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format, oversized = image.format, too_many_pixels(image)
    except Exception:
        raise ValidationError("画像として読み込めないファイルです。") from None
    finally:
        upload.seek(0)
    if oversized:
        raise ValidationError(oversized)
    if image_format not in COVER_FORMATS:
        raise ValidationError("表紙画像は JPEG・PNG・WebP にしてください。")


def rendition_url(cover, width: int) -> str:
    """The URL of ``cover`` scaled to ``width`` pixels wide (made once, then reused)."""
    storage = cover.storage
    original = PurePosixPath(cover.name)
    name = str(original.parent / "w" / f"{original.stem}-{width}.jpg")
    if not storage.exists(name):
        with storage.open(cover.name, "rb") as source, Image.open(source) as image:
            image = image.convert("RGB")
            if image.width > width:
                image = image.resize(
                    (width, round(image.height * width / image.width)), Image.Resampling.LANCZOS
                )
            buffer = BytesIO()
            image.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
        storage.save(name, ContentFile(buffer.getvalue()))
    return storage.url(name)


def srcset(cover) -> str:
    return ", ".join(f"{rendition_url(cover, width)} {width}w" for width in COVER_WIDTHS)
