"""Whole numbers from requests: ids, versions, offsets.

``str.isdigit`` alone lets through "²" (a digit to Unicode, not to ``int``) and
thousands of digits (past Python's limit on converting them, and past what a
PostgreSQL integer holds): each a 500 instead of a clear refusal.
"""

MAX_INTEGER = 2**31 - 1  # PostgreSQL's integer


def whole_number(value, *, maximum: int = MAX_INTEGER) -> int | None:
    """``value`` (text or a number) as a whole number from 0 to ``maximum``, else None."""
    if isinstance(value, bool):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if number <= maximum else None
