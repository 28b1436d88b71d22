import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PillowImage

from editorial.uploads import checked_upload
from media_library import library
from media_library.models import Image


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(width=64, height=48, colour="navy", format="PNG", **options):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (width, height), colour).save(buffer, format=format, **options)
    return buffer.getvalue()


def uploaded(content=None, name="photo.png", content_type="image/png"):
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type=content_type)


def make_image(*, by=None, alt="データセンターの外観", caption="", credit="写真：ALLFORCES編集部", **options):
    """A library image stored as an upload through the dialog would be."""
    cleaned = checked_upload(uploaded(image_bytes(**options)))
    return library.add_image(Image(alt=alt, caption=caption, credit=credit), cleaned=cleaned, by=by)
