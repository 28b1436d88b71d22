"""The Liquid and Jekyll filters the import knows, as plain functions.

Each takes the site settings, the value and the filter's arguments, and
returns the new value. They follow Liquid and Jekyll where a post can tell
the difference and stay simple where it cannot (no locales, no Kramdown in
``markdownify``: the body is Markdown already).
"""

import html
import json
import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import quote, quote_plus, unquote_plus
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_DATE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?P<tz>Z|UTC|[+-]\d{2}:?\d{2})?$"
)


def text(value) -> str:
    """A value as Liquid prints it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %z").rstrip()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "".join(text(item) for item in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def is_empty(value) -> bool:
    return value is None or value is False or (isinstance(value, str | list | tuple | Mapping) and not value)


def as_date(value) -> datetime | date | None:
    """A date or time from what a post or its front matter holds, or None."""
    if isinstance(value, datetime | date):
        return value
    raw = text(value).strip()
    if raw.lower() in ("now", "today"):
        return datetime.now(TOKYO)
    if raw.isdigit():
        return datetime.fromtimestamp(int(raw), UTC)
    match = _DATE.match(raw)
    if not match:
        return None
    parts = [int(match.group(key) or 0) for key in ("y", "m", "d", "H", "M", "S")]
    zone = match.group("tz")
    try:
        tzinfo = TOKYO
        if zone in ("Z", "UTC"):
            tzinfo = UTC
        elif zone:
            digits = zone[1:].replace(":", "")
            minutes = int(digits[:2]) * 60 + int(digits[2:])
            tzinfo = timezone(timedelta(minutes=minutes if zone[0] == "+" else -minutes))
        return datetime(*parts, tzinfo=tzinfo)
    except ValueError:
        return None


def strftime(moment: datetime | date, pattern: str) -> str:
    """Ruby's strftime as far as posts use it; ``%L``, ``%N`` and ``%:z`` by hand."""
    if isinstance(moment, datetime):
        pattern = pattern.replace("%L", f"{moment.microsecond // 1000:03d}")
        pattern = pattern.replace("%N", f"{moment.microsecond * 1000:09d}")
        offset = moment.strftime("%z")
        pattern = pattern.replace("%:z", f"{offset[:3]}:{offset[3:]}" if offset else "")
    return moment.strftime(pattern)


def _number(value):
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, int | float):
        return value
    raw = text(value).strip()
    return float(raw) if re.fullmatch(r"-?\d+\.\d+", raw) else int(raw or 0)


def _list(value) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def _property(item, name):
    return item.get(name) if isinstance(item, Mapping) else None


def relative_url(site, value):
    if value is None:
        return None
    path = text(value)
    if _SCHEME.match(path) or path.startswith("//"):
        return path
    parts = [text(site.get("baseurl")).rstrip("/"), path]
    return "".join(part if not part or part.startswith("/") else f"/{part}" for part in parts)


def absolute_url(site, value):
    if value is None:
        return None
    path = text(value)
    if _SCHEME.match(path) or path.startswith("//"):
        return path
    return text(site.get("url")).rstrip("/") + relative_url(site, path)


def _date(site, value, pattern=None):
    moment = as_date(value)
    if moment is None or pattern is None or not text(pattern):
        return value
    return strftime(moment, text(pattern))


def _date_with(pattern):
    def convert(site, value, *ignored):
        moment = as_date(value)
        return value if moment is None else strftime(moment, pattern)

    return convert


def _xmlschema(site, value):
    moment = as_date(value)
    return value if moment is None else moment.isoformat()


def _default(site, value, fallback=None, *ignored):
    return fallback if is_empty(value) else value


def _truncate(site, value, length=50, ellipsis="..."):
    raw, length, ellipsis = text(value), int(_number(length)), text(ellipsis)
    return raw if len(raw) <= length else raw[: max(0, length - len(ellipsis))] + ellipsis


def _truncatewords(site, value, count=15, ellipsis="..."):
    words, count = text(value).split(), max(1, int(_number(count)))
    return " ".join(words) if len(words) <= count else " ".join(words[:count]) + text(ellipsis)


def _split(site, value, separator=" "):
    separator = text(separator)
    return (
        text(value).split()
        if separator == " "
        else text(value).split(separator)
        if separator
        else list(text(value))
    )


def _slice(site, value, start, length=1):
    start, length = int(_number(start)), int(_number(length))
    items = value if isinstance(value, list | tuple) else text(value)
    start = start if start >= 0 else len(items) + start
    return items[start : start + length]


def _slugify(site, value, *ignored):
    return re.sub(r"[^\w]+|_+", "-", text(value).lower()).strip("-")


def _sentence(site, value, connector="and"):
    items = [text(item) for item in _list(value)]
    if len(items) < 3:
        return f" {text(connector)} ".join(items)
    return ", ".join(items[:-1]) + f", {text(connector)} {items[-1]}"


def _where(site, value, name, expected=None):
    return [item for item in _list(value) if text(_property(item, text(name))) == text(expected)]


def _divided_by(site, value, divisor):
    left, right = _number(value), _number(divisor)
    return left // right if isinstance(left, int) and isinstance(right, int) else left / right


def _round(site, value, digits=0):
    digits = int(_number(digits))
    rounded = round(_number(value), digits)
    return int(rounded) if digits == 0 else rounded


def _text_filter(function: Callable[[str], object]):
    return lambda site, value: function(text(value))


def _first(site, value):
    items = _list(value) if not isinstance(value, str) else list(value)
    return items[0] if items else None


def _last(site, value):
    items = _list(value) if not isinstance(value, str) else list(value)
    return items[-1] if items else None


FILTERS: dict[str, Callable] = {
    "relative_url": relative_url,
    "absolute_url": absolute_url,
    "prepend": lambda site, value, other="": text(other) + text(value),
    "append": lambda site, value, other="": text(value) + text(other),
    "escape": _text_filter(html.escape),
    "xml_escape": _text_filter(html.escape),
    "escape_once": _text_filter(lambda raw: html.escape(html.unescape(raw))),
    "cgi_escape": _text_filter(lambda raw: quote_plus(raw, safe="")),
    "url_encode": _text_filter(lambda raw: quote_plus(raw, safe="")),
    "url_decode": _text_filter(unquote_plus),
    "uri_escape": _text_filter(lambda raw: quote(raw, safe="!#$&'()*+,/:;=?@[]~%")),
    "url_escape": _text_filter(lambda raw: quote(raw, safe="!#$&'()*+,/:;=?@[]~%")),
    "date": _date,
    "date_to_string": _date_with("%d %b %Y"),
    "date_to_long_string": _date_with("%d %B %Y"),
    "date_to_rfc822": _date_with("%a, %d %b %Y %H:%M:%S %z"),
    "date_to_xmlschema": _xmlschema,
    "default": _default,
    "downcase": _text_filter(str.lower),
    "upcase": _text_filter(str.upper),
    "capitalize": _text_filter(lambda raw: raw[:1].upper() + raw[1:]),
    "strip": _text_filter(str.strip),
    "lstrip": _text_filter(str.lstrip),
    "rstrip": _text_filter(str.rstrip),
    "strip_html": _text_filter(lambda raw: re.sub(r"<!--.*?-->|<[^>]*>", "", raw, flags=re.DOTALL)),
    "strip_newlines": _text_filter(lambda raw: raw.replace("\r", "").replace("\n", "")),
    "newline_to_br": _text_filter(lambda raw: raw.replace("\n", "<br />\n")),
    "normalize_whitespace": _text_filter(lambda raw: re.sub(r"\s+", " ", raw)),
    "replace": lambda site, value, old="", new="": text(value).replace(text(old), text(new)),
    "replace_first": lambda site, value, old="", new="": text(value).replace(text(old), text(new), 1),
    "remove": lambda site, value, old="": text(value).replace(text(old), ""),
    "remove_first": lambda site, value, old="": text(value).replace(text(old), "", 1),
    "truncate": _truncate,
    "truncatewords": _truncatewords,
    "split": _split,
    "join": lambda site, value, separator=" ": text(separator).join(text(item) for item in _list(value)),
    "first": _first,
    "last": _last,
    "size": lambda site, value: len(value) if isinstance(value, str | list | tuple | Mapping) else 0,
    "reverse": lambda site, value: list(reversed(_list(value))),
    "sort": lambda site, value, name=None: sorted(
        _list(value), key=lambda item: text(_property(item, text(name)) if name else item)
    ),
    "uniq": lambda site, value: list(dict.fromkeys(_list(value))),
    "compact": lambda site, value: [item for item in _list(value) if item is not None],
    "map": lambda site, value, name: [_property(item, text(name)) for item in _list(value)],
    "where": _where,
    "slice": _slice,
    "slugify": _slugify,
    "array_to_sentence_string": _sentence,
    "number_of_words": _text_filter(lambda raw: len(raw.split())),
    "jsonify": lambda site, value: json.dumps(value, ensure_ascii=False, default=str),
    "markdownify": _text_filter(lambda raw: raw),
    "smartify": _text_filter(lambda raw: raw),
    "plus": lambda site, value, other: _number(value) + _number(other),
    "minus": lambda site, value, other: _number(value) - _number(other),
    "times": lambda site, value, other: _number(value) * _number(other),
    "divided_by": _divided_by,
    "modulo": lambda site, value, other: _number(value) % _number(other),
    "abs": lambda site, value: abs(_number(value)),
    "ceil": lambda site, value: math.ceil(_number(value)),
    "floor": lambda site, value: math.floor(_number(value)),
    "round": _round,
}
