"""Write the tiny PNG images the fixture sites refer to.

The PNGs are committed; run this again (python make_images.py) only to
recreate them. Each is a valid 8x8 image of one colour, a few dozen bytes,
always the same bytes for the same colour. Images a post refers to but that
are missing on purpose (see english-blog/expected.yml) are not made.
"""

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SIZE = 8

# site-relative path -> RGB colour
IMAGES = {
    "japanese-blog/assets/2015/04/mill.png": (92, 64, 51),
    "japanese-blog/assets/2015/06/dripper.png": (240, 234, 214),
    "japanese-blog/assets/2015/07/water-drip.png": (120, 160, 190),
    "japanese-blog/assets/2016/04/roastery.png": (150, 90, 40),
    "japanese-blog/assets/images/profile.png": (200, 180, 160),
    "english-blog/assets/img/trailhead.png": (110, 130, 110),
    "english-blog/assets/img/ridge-map.png": (230, 225, 200),
    "english-blog/assets/img/bench-base.png": (170, 130, 90),
}


def chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png(rgb: tuple[int, int, int], size: int = SIZE) -> bytes:
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit truecolour
    row = b"\x00" + bytes(rgb) * size  # filter byte 0, then the pixels
    pixels = zlib.compress(row * size, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def main() -> None:
    for relative, rgb in IMAGES.items():
        target = HERE / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png(rgb))
        print(f"{relative}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
