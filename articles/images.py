"""Images editors upload: checked and cleaned when they arrive, never decoded by a reader's request.

An upload is decoded in full (a truncated file or a decompression bomb is
refused then, with a Japanese message), re-encoded in the format Pillow found
without its comments and metadata, and stored under a generated name whose
extension is that format's. A cover's renditions are made after the article
is saved, by a Celery task (``articles.make_cover_renditions``), and their
names and sizes kept on the article: a page only reads those, and a cover
without them is shown as no image and logged.
"""

import logging
import uuid
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from PIL import Image, ImageOps, ImageSequence

logger = logging.getLogger(__name__)

COVER_WIDTHS = (480, 960, 1600)
COVER_MAX_BYTES = 5 * 1024 * 1024
COVER_FORMATS = {"JPEG", "PNG", "WEBP"}
UPLOAD_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# What browsers show; the file's real format decides the extension, never its name.
FORMAT_SUFFIXES = {
    "JPEG": ".jpg",
    "PNG": ".png",
    "GIF": ".gif",
    "WEBP": ".webp",
    "AVIF": ".avif",
    "BMP": ".bmp",
    "ICO": ".ico",
}
# A few megabytes of PNG can decode to gigabytes; beyond this the image is
# refused at upload instead of being decoded when a page first shows it.
MAX_IMAGE_PIXELS = 40_000_000
# An animation is decoded frame by frame: its frames together get a budget too.
MAX_ANIMATION_PIXELS = 4 * MAX_IMAGE_PIXELS
UNREADABLE = "画像として読み込めないファイルです。"


class ImageRejected(ValueError):
    """A file that is not an image the CMS will serve; the message says why, in Japanese."""


class UnreadableImage(ImageRejected):
    """Not an image, or a broken one (truncated, corrupt): Pillow cannot decode it in full."""


class UnsupportedFormat(ImageRejected):
    """An image, in a format not accepted where it was uploaded."""


def too_many_pixels(image) -> str | None:
    """Why ``image`` (opened, not decoded) is too large to decode, in Japanese; None if it is not."""
    width, height = image.size
    if width * height <= MAX_IMAGE_PIXELS:
        return None
    return (
        f"画像の画素数が多すぎます（{width:,}×{height:,}、上限 {MAX_IMAGE_PIXELS // 10_000:,} 万画素）。"
        "縮小してからアップロードしてください。"
    )


def _decoded(data: bytes) -> Image.Image:
    """``data`` opened and every frame decoded, or ImageRejected."""
    with warnings.catch_warnings():
        # Between one and two times Pillow's own limit it only warns: refuse those too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(BytesIO(data))
            if reason := too_many_pixels(image):
                raise ImageRejected(reason)
            frames = getattr(image, "n_frames", 1)
            if frames * image.width * image.height > MAX_ANIMATION_PIXELS:
                raise ImageRejected(f"アニメーションのコマ数が多すぎます（{frames:,} コマ）。")
            for frame in range(frames):
                image.seek(frame)
                image.load()
            image.seek(0)
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRejected("画像の画素数が多すぎます。縮小してからアップロードしてください。") from None
        except Exception:  # Pillow reports a broken file with many kinds of error
            raise UnreadableImage(UNREADABLE) from None
    return image


def decoded_format(data: bytes, *, formats=tuple(FORMAT_SUFFIXES)) -> str:
    """The Pillow format of ``data`` once fully decoded, or ImageRejected (also for a
    format not in ``formats``: by default, what browsers show)."""
    with _decoded(data) as image:
        found = image.format
    if found not in formats:
        raise UnsupportedFormat(f"対応していない画像形式です（{found}）。")
    return found


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    format: str
    width: int
    height: int

    @property
    def suffix(self) -> str:
        return FORMAT_SUFFIXES[self.format]


def _without_metadata(frame: Image.Image, keep=("transparency", "icc_profile")) -> Image.Image:
    frame = frame.copy()
    frame.info = {key: frame.info[key] for key in keep if key in frame.info}
    return frame


def clean_image(data: bytes, *, formats=UPLOAD_FORMATS, max_width: int | None = None) -> CleanImage:
    """``data`` decoded in full and written again in its own format (one of
    ``formats``), or ImageRejected.

    The copy keeps the pixels, the animation and the colour profile; comments,
    EXIF (after its rotation is applied), XMP and any other chunk are left
    behind, so nothing the uploader wrote outside the pixels is served. A still
    image wider than ``max_width`` is scaled down to it.
    """
    with _decoded(data) as image:
        found = image.format
        if found not in formats:
            raise UnsupportedFormat(f"対応していない画像形式です（{found}）。")
        options = {"comment": b"", "exif": b""}
        if getattr(image, "n_frames", 1) > 1:
            frames, durations = [], []
            for frame in ImageSequence.Iterator(image):
                durations.append(frame.info.get("duration", 100))
                frames.append(_without_metadata(frame))
            options |= {"save_all": True, "append_images": frames[1:], "duration": durations}
            options |= {"loop": image.info.get("loop", 0)}
            if found == "GIF":
                options["disposal"] = 2
            first = frames[0]
        else:
            first = _without_metadata(ImageOps.exif_transpose(image))
            if max_width and first.width > max_width:
                first = first.resize(
                    (max_width, round(first.height * max_width / first.width)), Image.Resampling.LANCZOS
                )
        if "icc_profile" in first.info:
            options["icc_profile"] = first.info["icc_profile"]
        if found in {"JPEG", "WEBP"}:
            options["quality"] = 90
        if found == "JPEG" and first.mode not in {"RGB", "L", "CMYK"}:
            first = first.convert("RGB")
        buffer = BytesIO()
        first.save(buffer, format=found, **options)
    return CleanImage(buffer.getvalue(), found, first.width, first.height)


def stored_name(folder: str, suffix: str) -> str:
    """A new name under ``folder`` (dated by month) for a file of ``suffix``."""
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def cover_upload_to(instance, filename):
    # The name CoverField gives a cleaned cover ends in its real format's extension.
    suffix = PurePosixPath(filename).suffix.lower()
    return stored_name("covers", suffix if suffix in FORMAT_SUFFIXES.values() else ".bin")


def validate_cover(upload):
    if getattr(upload, "_committed", False):
        return  # the cover already stored, checked when it was uploaded
    if upload.size > COVER_MAX_BYTES:
        raise ValidationError(f"画像が大きすぎます（上限 {COVER_MAX_BYTES // (1024 * 1024)} MB）。")
    upload.seek(0)
    try:
        # Decoding is the check; CoverField writes the clean copy once, when the article is saved.
        decoded_format(upload.read(), formats=COVER_FORMATS)
    except UnsupportedFormat:
        raise ValidationError("表紙画像は JPEG・PNG・WebP にしてください。") from None
    except ImageRejected as rejected:
        raise ValidationError(str(rejected)) from None
    finally:
        upload.seek(0)


class CoverField(models.ImageField):
    """An ImageField that stores a new cover cleaned by ``clean_image``, named by its real format."""

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            file.open("rb")
            file.seek(0)
            cleaned = clean_image(file.read(), formats=COVER_FORMATS)
            file.save(f"cover{cleaned.suffix}", ContentFile(cleaned.data), save=False)
        return super().pre_save(model_instance, add)


def _rendition_name(cover_name: str, width: int) -> str:
    original = PurePosixPath(cover_name)
    return str(original.parent / "w" / f"{original.stem}-{width}.jpg")


def make_renditions(cover) -> dict:
    """Write ``cover`` (a stored FieldFile) scaled to each of COVER_WIDTHS as JPEG
    and return what a page needs to show them: the source name, its size and
    ``[width, height, name]`` per rendition. ImageRejected if the stored file
    is missing or cannot be decoded."""
    storage = cover.storage
    try:
        with storage.open(cover.name, "rb") as source:
            data = source.read()
    except FileNotFoundError:
        raise UnreadableImage("表紙画像のファイルがありません。") from None
    with _decoded(data) as image:
        source = ImageOps.exif_transpose(image).convert("RGB")
    files = []
    for width in COVER_WIDTHS:
        scaled = source
        if source.width > width:
            scaled = source.resize(
                (width, round(source.height * width / source.width)), Image.Resampling.LANCZOS
            )
        if files and files[-1][0] == scaled.width:
            continue  # the original is narrower than this width: the previous rendition serves
        buffer = BytesIO()
        scaled.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
        name = _rendition_name(cover.name, width)
        if storage.exists(name):
            storage.delete(name)
        files.append([scaled.width, scaled.height, storage.save(name, ContentFile(buffer.getvalue()))])
    return {"source": cover.name, "width": source.width, "height": source.height, "files": files}


def store_cover_renditions(article) -> None:
    """Make the renditions of ``article``'s cover and keep their names on it; a cover
    that cannot be read is recorded as failed (and logged), so pages show no image.

    Not through save(): a rendition is no edit. The row is updated only if its
    cover is still the one rendered, so a cover replaced meanwhile is not
    given the old one's renditions."""
    if not article.cover:
        return
    try:
        renditions = make_renditions(article.cover)
    except ImageRejected as rejected:
        logger.error(
            "cover renditions failed",
            extra={"article_id": article.pk, "cover": article.cover.name, "reason": str(rejected)},
        )
        renditions = {"source": article.cover.name, "failed": str(rejected)}
    type(article).objects.filter(pk=article.pk, cover=article.cover.name).update(cover_renditions=renditions)
    from . import freshness  # not at the top: freshness reaches the models, which import this module

    freshness.content_changed([article.pk])


def needs_renditions(article) -> bool:
    """Whether ``article``'s cover has no renditions made from it yet."""
    if {"cover", "cover_renditions"} & article.get_deferred_fields() or not article.cover:
        return False
    return (article.cover_renditions or {}).get("source") != article.cover.name


@dataclass(frozen=True)
class ShownCover:
    src: str
    srcset: str
    width: int
    height: int
    small: str
    largest: str
    # The smallest rendition's own size: a card's thumbnail is that file.
    small_width: int = 0
    small_height: int = 0


def shown_cover(article) -> ShownCover | None:
    """What a page shows of ``article``'s cover, from the stored renditions only: no
    storage or image is touched. None (logged) when there are none for this cover."""
    if not article.cover:
        return None
    stored = article.cover_renditions or {}
    if stored.get("source") != article.cover.name or not stored.get("files"):
        logger.warning(
            "cover shown without renditions",
            extra={"article_id": article.pk, "cover": article.cover.name, "reason": stored.get("failed")},
        )
        return None
    storage = article.cover.storage
    files = stored["files"]
    middle = next((each for each in files if each[0] >= 960), files[-1])
    return ShownCover(
        src=storage.url(middle[2]),
        srcset=", ".join(f"{storage.url(name)} {width}w" for width, _, name in files),
        width=middle[0],
        height=middle[1],
        small=storage.url(files[0][2]),
        largest=storage.url(files[-1][2]),
        small_width=files[0][0],
        small_height=files[0][1],
    )
