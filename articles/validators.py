"""Control characters: refused on the way in, stripped on the way out.

C0 and C1 controls (and DEL) are invisible in an editor's window but break
what is built from the text: an XML feed cannot hold most of them, and a
line break in a title would end an e-mail header. Bodies and excerpts keep
tabs and line breaks; one-line fields keep none.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f"
LAYOUT_CHARACTERS = "\t\n\r"
_ANY_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")


def _controls_except(allow: str) -> re.Pattern:
    return re.compile(f"(?![{re.escape(allow)}])[{CONTROL_CHARACTERS}]") if allow else _ANY_CONTROL


def first_control_character(text: str, *, allow: str = "") -> re.Match | None:
    """Where ``text`` first holds a control character other than those in ``allow``."""
    return _controls_except(allow).search(text or "")


def control_character_problem(text: str, *, allow: str = "") -> str | None:
    """What is wrong with ``text``, in Japanese, if it holds a control character
    other than those in ``allow``; None if it holds none."""
    match = first_control_character(text, allow=allow)
    if match is None:
        return None
    character, position = match.group(), match.start() + 1
    if character in LAYOUT_CHARACTERS:
        return f"改行やタブは使えません（{position} 文字目）。1 行で書いてください。"
    return f"使えない制御文字（U+{ord(character):04X}）が {position} 文字目にあります。"


def strip_control_characters(text: str, *, keep: str = LAYOUT_CHARACTERS) -> str:
    """``text`` without control characters other than those in ``keep``."""
    return _controls_except(keep).sub("", text)


@deconstructible
class ControlCharacterValidator:
    """Refuse control characters other than those in ``allow``, saying which and where."""

    def __init__(self, allow: str = ""):
        self.allow = allow

    def __call__(self, value):
        if isinstance(value, str) and (problem := control_character_problem(value, allow=self.allow)):
            raise ValidationError(
                f"{problem}コピー元の文章を確認し、その文字を取り除いてからもう一度保存してください。",
                code="control_character",
            )

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator) and self.allow == other.allow


reject_control_characters = ControlCharacterValidator()
reject_control_characters_in_text = ControlCharacterValidator(allow=LAYOUT_CHARACTERS)
