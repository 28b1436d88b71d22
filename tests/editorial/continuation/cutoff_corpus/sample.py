"""The publisher's multi-pass sample, read from ../shared (never copied here)."""

import os
import re
from pathlib import Path

SAMPLE_NAME = "000_7bf48faa372e2721.txt"
# ../shared beside the checkout; a clone elsewhere (CI's) finds it by its
# absolute path or through ALLFORCES_SAMPLES.
_PLACES = [
    Path(os.environ.get("ALLFORCES_SAMPLES", "/nonexistent")),
    Path(__file__).resolve().parents[4].parent / "shared" / "samples",
    Path("/work/shared/samples"),
]
SAMPLE = next(
    (place / SAMPLE_NAME for place in _PLACES if (place / SAMPLE_NAME).exists()),
    _PLACES[1] / SAMPLE_NAME,
)

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_END_MARKER = re.compile(r"^[ \t]*---END---[ \t]*$", re.MULTILINE)


def sample_passes(path: Path = SAMPLE) -> list[str]:
    """The passes of the sample, in the order written: the text after the
    front matter, split on ``---END---`` lines."""
    text = _FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1)
    return [part for part in _END_MARKER.split(text) if part.strip()]
