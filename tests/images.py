"""Image files for tests of uploads and covers."""

import io
import struct
import zlib

from PIL import Image


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def truncated_png():
    """An 84-byte PNG whose chunks are whole (their checksums right) but whose image data
    stops after 27 bytes: Pillow opens and verifies it and fails only when decoding."""
    buffer = io.BytesIO()
    Image.effect_noise((640, 480), 60).convert("RGB").save(buffer, format="PNG")
    whole = buffer.getvalue()
    (length,) = struct.unpack(">I", whole[33:37])
    data = whole[:33] + _chunk(b"IDAT", whole[41 : 41 + length][:27]) + _chunk(b"IEND", b"")
    assert len(data) == 84
    with Image.open(io.BytesIO(data)) as image:
        image.verify()  # what the header-only checks accepted
    return data
