"""Image uploads from the Markdown editor, checked and cleaned by content.

django-markdownx trusts the browser's content type and keeps the uploaded
name's extension; an HTML file that is also a GIF would be stored as
``.html``. Here the upload is decoded in full (``articles.images.clean_image``),
written again without comments or metadata, and stored under a generated name
whose extension is the format Pillow found. The media library checks its
uploads with the same ``checked_upload``.
"""

import uuid

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from markdownx.forms import ImageForm

from articles.images import (
    UNREADABLE,
    CleanImage,
    ImageRejected,
    UnreadableImage,
    UnsupportedFormat,
    clean_image,
)

ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


def checked_upload(upload) -> CleanImage:
    """``upload`` (an uploaded file) within the size limit, decoded in full and
    cleaned, or a ValidationError saying in Japanese what is wrong with it."""
    if upload.size > settings.MARKDOWNX_UPLOAD_MAX_SIZE:
        limit_mb = settings.MARKDOWNX_UPLOAD_MAX_SIZE // (1024 * 1024)
        raise forms.ValidationError(f"画像が大きすぎます（上限 {limit_mb} MB）。", code="too_big")
    upload.seek(0)
    try:
        return clean_image(
            upload.read(),
            formats=set(ACCEPTED_FORMATS),
            max_width=settings.MARKDOWNX_IMAGE_MAX_SIZE["size"][0],
        )
    except UnreadableImage:
        raise forms.ValidationError(
            f"{UNREADABLE}JPEG・PNG・GIF・WebP の画像を選んでください。", code="unreadable"
        ) from None
    except UnsupportedFormat:
        raise forms.ValidationError(
            "対応していない画像形式です。JPEG・PNG・GIF・WebP を使ってください。", code="format"
        ) from None
    except ImageRejected as rejected:
        raise forms.ValidationError(str(rejected), code="rejected") from None


class CheckedImageForm(ImageForm):
    def clean_image(self):
        upload = self.cleaned_data["image"]
        self.cleaned = checked_upload(upload)
        # markdownx's own clean() checks the content type: the one Pillow found, not the browser's.
        upload.content_type = ACCEPTED_FORMATS[self.cleaned.format]
        return upload

    def save(self, commit=True):
        name = f"{settings.MARKDOWNX_MEDIA_PATH.rstrip('/')}/{uuid.uuid4().hex}{self.cleaned.suffix}"
        return default_storage.url(default_storage.save(name, ContentFile(self.cleaned.data)))
