"""Reading one Jekyll post file: front matter, body passes, and what is wrong with it."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings

from articles.models import Article
from articles.text import slug_candidate

from ..continuation.segments import assemble_texts
from ..limits import body_too_long

TOKYO = ZoneInfo("Asia/Tokyo")
MAX_NAME_LENGTH = 100  # authors, categories and tags
END_MARKER = re.compile(r"^[ \t]*---END---[ \t]*$", re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)(.*)\Z", re.DOTALL)
_JEKYLL_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_DATE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?P<tz>Z|UTC|[+-]\d{2}:?\d{2})?$"
)


class PostError(Exception):
    """A file that cannot be imported; the message says why, in Japanese."""


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader without timestamp guessing: dates stay text and are parsed
    here, with and without times and offsets, as Jekyll allows."""


_PlainLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class Post:
    path: Path
    title: str
    date: datetime | None
    categories: list[str]
    tags: list[str]
    authors: list[str]
    excerpt: str
    layout: str
    published: bool
    segments: list[str]
    front_matter: dict = field(default_factory=dict)
    source_key: str = ""

    @property
    def permalink(self) -> str:
        """The post's URL on the Jekyll site: ``permalink`` from the front matter, or
        Jekyll's default ``/:categories/:year/:month/:day/:title.html``."""
        explicit = self.front_matter.get("permalink")
        if isinstance(explicit, str) and explicit.startswith("/"):
            return explicit[:500]
        if self.date is None:
            return ""
        match = _JEKYLL_NAME.match(self.path.stem)
        title = match.group(4) if match else self.path.stem
        day = self.date.astimezone(TOKYO)
        parts = [*(category.lower() for category in self.categories), f"{day:%Y}", f"{day:%m}", f"{day:%d}"]
        return ("/" + "/".join(parts) + f"/{title}.html")[:500]

    @property
    def slug_from_name(self) -> str | None:
        """The slug in a ``YYYY-MM-DD-slug`` file name, made safe for a URL."""
        match = _JEKYLL_NAME.match(self.path.stem)
        return slug_candidate(match.group(4), max_length=Article.SLUG_MAX_LENGTH) if match else None


def parse_date(value, *, where="date") -> datetime:
    """A Jekyll date: ``YYYY-MM-DD``, with ``HH:MM[:SS]`` and an offset optional
    (no offset means Tokyo time)."""
    text = str(value).strip()
    match = _DATE.match(text)
    if not match:
        raise PostError(f"{where} の形式が正しくありません: {text!r}（例: 2025-10-20 16:41:25 +0900）")
    parts = {key: int(match.group(key) or 0) for key in ("y", "m", "d", "H", "M", "S")}
    zone = match.group("tz")
    if zone in ("Z", "UTC"):
        tzinfo = UTC
    elif zone:
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset > timedelta(hours=14) or int(digits[2:]) >= 60:
            raise PostError(f"{where} のタイムゾーンが正しくありません: {zone}（例: +0900）")
        tzinfo = timezone(sign * offset)
    else:
        tzinfo = TOKYO
    try:
        moment = datetime(
            parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts["S"], tzinfo=tzinfo
        )
        moment.astimezone(UTC)  # 0001-01-01 in Tokyo is before year 1 in UTC: not storable
    except (ValueError, OverflowError):
        raise PostError(f"{where} が存在しない日時です: {text!r}") from None
    return moment


def _names(value, key) -> list[str]:
    """Jekyll lists: a YAML list of plain values, or one space-separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        names = value.split()
    elif isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        names = [str(item).strip() for item in value]
    else:
        raise PostError(f"{key} はリストか空白区切りの文字列で書いてください。")
    names = [name for name in names if name]
    for name in names:
        if len(name) > MAX_NAME_LENGTH:
            raise PostError(f"{key} の「{name[:20]}…」が長すぎます（上限 {MAX_NAME_LENGTH} 文字）。")
    return names


def _scalars(meta: dict) -> dict:
    """The front matter as kept for the record: plain values only (no alias expansion)."""
    kept = {}
    for key, value in meta.items():
        if isinstance(value, str | int | float | bool):
            kept[str(key)] = str(value)[:1000]
        elif isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
            kept[str(key)] = [str(item)[:200] for item in value[:100]]
    return kept


def _comparable(line: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", line.lstrip("#").strip())).lower()


def _drop_repeated_title(text: str, title: str) -> str:
    lines = text.lstrip("\n").split("\n")
    if lines and _comparable(lines[0]) == _comparable(title):
        return "\n".join(lines[1:]).lstrip("\n")
    return text


def read_post(path: Path, *, source_key: str | None = None) -> Post:
    """Parse ``path``; raise PostError with the reason if it cannot be imported.

    ``source_key`` identifies the file on re-import (its path relative to the
    directory imported); it defaults to the file name.
    """
    try:
        size = path.stat().st_size
        limit = settings.JEKYLL_MAX_FILE_BYTES
        if size > limit:
            raise PostError(f"ファイルが大きすぎます（{size:,} バイト、上限 {limit:,} バイト）。")
        data = path.read_bytes()
    except OSError as error:
        raise PostError(f"ファイルを読めません（{error.strerror or error}）。") from None
    if not data.strip():
        raise PostError("ファイルが空です。front matter と本文を書いてから取り込んでください。")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PostError("UTF-16 で保存されています。UTF-8 で保存し直してから取り込んでください。")
    if b"\x00" in data:
        raise PostError(
            "バイナリファイルです（テキストではありません）。Markdown のテキストファイルを指定してください。"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PostError(
            f"UTF-8 のテキストではありません（{line} 行目、{error.start + 1} バイト目）。"
            "Shift_JIS などで保存されたファイルは、UTF-8 に変換してから取り込んでください。"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    match = _FRONT_MATTER.match(text)
    if not match:
        raise PostError("先頭に --- で囲んだ front matter がありません。")
    try:
        meta = yaml.load(match.group(1), Loader=_PlainLoader) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"（front matter の {mark.line + 1} 行目）" if mark else ""
        raise PostError(f"front matter の YAML が正しくありません{where}。") from None
    if not isinstance(meta, dict):
        raise PostError("front matter が「項目: 値」の形ではありません。")

    if not isinstance(meta.get("title", ""), str | int | float):
        raise PostError("title は文字列で書いてください。")
    title = str(meta.get("title") or "").strip()
    if not title:
        raise PostError("title がありません。")
    if len(title) > 200:
        raise PostError(f"title が長すぎます（{len(title)} 文字、上限 200 文字）。")

    if meta.get("date") not in (None, ""):
        date = parse_date(meta["date"])
    elif name := _JEKYLL_NAME.match(path.stem):
        date = parse_date("-".join(name.groups()[:3]), where="ファイル名の日付")
    else:
        date = None

    published = meta.get("published", True)
    if isinstance(published, str):
        published = published.strip().lower() not in ("false", "no", "off", "0")

    segments = [part.strip("\n") for part in END_MARKER.split(match.group(2))]
    segments = [part for part in segments if part.strip()]
    if segments:
        segments[0] = _drop_repeated_title(segments[0], title)
        segments = [part for part in segments if part.strip()]
    for text in [*segments, assemble_texts(segments)]:
        if reason := body_too_long(text):
            raise PostError(reason)

    return Post(
        path=path,
        title=title,
        date=date,
        categories=_names(meta.get("categories", meta.get("category")), "categories"),
        tags=_names(meta.get("tags", meta.get("tag")), "tags"),
        authors=_names(
            [meta["author"]] if isinstance(meta.get("author"), str) else meta.get("author"), "author"
        ),
        excerpt=str(meta.get("excerpt") or "").strip(),
        layout=str(meta.get("layout") or "post")[:50],
        source_key=(source_key or path.name)[:255],
        published=bool(published),
        segments=segments,
        front_matter=_scalars(meta),
    )
