"""Cover images for the demo, drawn here: a few bars over a two-colour field.

No text on them (no font to rely on), no file from anywhere else; each slug
gets its own colours and bar heights, the same on every run.
"""

import hashlib
from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

SIZE = (1200, 630)
PALETTES = [
    ((16, 42, 67), (44, 110, 160), (240, 180, 60)),
    ((24, 56, 48), (52, 132, 104), (236, 236, 220)),
    ((58, 24, 64), (126, 70, 150), (250, 200, 120)),
    ((40, 40, 48), (90, 96, 120), (110, 200, 230)),
]


def cover_for(slug: str) -> ContentFile:
    """A PNG cover for the article ``slug``, as an upload the cover field stores and cleans."""
    digest = hashlib.sha256(slug.encode()).digest()
    dark, light, accent = PALETTES[digest[0] % len(PALETTES)]
    image = Image.new("RGB", SIZE, dark)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.polygon([(0, height), (width, height * 0.35), (width, height)], fill=light)
    bars = 7
    slot = width // (bars + 2)
    for index in range(bars):
        bar_height = int(height * (0.15 + 0.6 * digest[index + 1] / 255))
        left = slot * (index + 1) + slot // 4
        colour = accent if index == bars - 1 else (*[min(255, c + 40) for c in light],)
        draw.rectangle([left, height - bar_height, left + slot // 2, height - 40], fill=colour)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=f"{slug}.png")
