"""Reading one Jekyll post file: front matter, body passes, and what is wrong with it.

Jekyll's own rules are followed (lib/jekyll/document.rb): front matter
closed by ``---`` or ``...`` and possibly empty, a title made from the file
name when there is none, dates without an offset in the site's timezone,
categories from the folders above ``_posts`` and from ``category`` and
``categories``. A file without front matter is not a post.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo

import yaml
from django.conf import settings

from articles.models import Article
from articles.text import slug_candidate
from articles.validators import control_character_problem, first_control_character, strip_control_characters

from ..continuation.segments import assemble_texts
from ..limits import body_too_long
from .site import DATED_NAME, PlainLoader, SourceFile, YamlTimestamp

MAX_NAME_LENGTH = 100  # authors, categories and tags
DEFAULT_AUTHOR = "ALLFORCES編集部"
# Bump when reading or converting changes, so that files imported before are
# converted again on the next import instead of being reported unchanged.
READING_REVISION = 2
END_MARKER = re.compile(r"^[ \t]*---END---[ \t]*$", re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>(?:.*?\n)??)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_DATE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|JST|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
_ASCII_BLANKS = re.compile(r"[ \t\n\v\f\r]+")
_NAMED_ZONES = {"Z": UTC, "UTC": UTC, "GMT": UTC, "JST": timezone(timedelta(hours=9))}


class PostError(Exception):
    """A file that cannot be imported; the message says why, in Japanese."""


class NotAPost(Exception):
    """A file Jekyll itself would not build as a post; the message says why, in Japanese."""


@dataclass
class Post:
    source: SourceFile
    title: str
    slug: str
    date: datetime | None
    categories: list[str]
    tags: list[str]
    authors: list[str]
    excerpt: str | None  # None: made from the body by Jekyll's excerpt rule
    layout: str
    published: bool
    segments: list[str]
    front_matter: dict = field(default_factory=dict)
    jekyll_slug: str = ""  # as Jekyll has it, for the old address (``slug`` is ours)
    last_modified_at: datetime | None = None
    original_text: str = ""
    digest: str = ""

    @property
    def path(self):
        return self.source.path

    @property
    def source_key(self) -> str:
        return self.source.key

    @property
    def draft(self) -> bool:
        return self.source.draft

    @property
    def article_id(self) -> int | None:
        """The article this file was exported from, if ``export_jekyll`` wrote it."""
        value = self.front_matter.get("allforces_id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_date(value, *, zone: tzinfo, where="date") -> datetime:
    """A Jekyll date: ``YYYY-MM-DD``, with ``HH:MM[:SS]`` and an offset optional;
    without an offset it is a time in the site's ``zone``."""
    text = str(value).strip()
    match = _DATE.match(text)
    if not match:
        raise PostError(f"{where} の形式が正しくありません: {text!r}（例: 2025-10-20 16:41:25 +0900）")
    parts = {key: int(match.group(key) or 0) for key in ("y", "m", "d", "H", "M", "S")}
    label = match.group("tz")
    if label and label.upper() in _NAMED_ZONES:
        moment_zone = _NAMED_ZONES[label.upper()]
    elif label:
        sign = 1 if label[0] == "+" else -1
        digits = label[1:].replace(":", "").ljust(4, "0")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset > timedelta(hours=14) or int(digits[2:]) >= 60:
            raise PostError(f"{where} のタイムゾーンが正しくありません: {label}（例: +0900）")
        moment_zone = timezone(sign * offset)
    elif isinstance(value, YamlTimestamp):
        moment_zone = UTC  # as Jekyll's YAML reader has it (see YamlTimestamp)
    else:
        moment_zone = zone
    try:
        moment = datetime(
            parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts["S"], tzinfo=moment_zone
        )
        moment.astimezone(UTC)  # 0001-01-01 in Tokyo is before year 1 in UTC: not storable
    except (ValueError, OverflowError):
        raise PostError(f"{where} が存在しない日時です: {text!r}") from None
    return moment


def _refuse_raw_controls(text: str) -> None:
    """A control character typed into the file itself, with the line it is on."""
    if match := first_control_character(text, allow="\t\n"):
        line = text.count("\n", 0, match.start()) + 1
        raise PostError(
            f"{line} 行目に使えない制御文字（U+{ord(match.group()):04X}）があります。"
            "その文字を取り除いてから取り込んでください。"
        )


def _refuse_controls(value, key: str) -> None:
    """Control characters written as YAML escapes (``"\\e"``, ``"\\x1b"``) anywhere in the
    front matter; tabs and line breaks are left to the one-line fields' own checks."""
    if isinstance(value, dict):
        for item_key, item in value.items():
            _refuse_controls(item_key, key)
            _refuse_controls(item, f"{key}.{item_key}" if key else str(item_key))
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_controls(item, key)
    elif isinstance(value, str) and (problem := control_character_problem(value, allow="\t\n\r")):
        raise PostError(f"front matter の {key or '項目名'}: {problem}")


def _one_line(value: str, key: str) -> str:
    if problem := control_character_problem(value):
        raise PostError(f"{key} の「{strip_control_characters(value, keep='').strip()[:20]}」: {problem}")
    return value


def _checked_names(names: list[str], key: str) -> list[str]:
    names = [name for name in (str(name).strip() for name in names) if name]
    for name in names:
        _one_line(name, key)
        if len(name) > MAX_NAME_LENGTH:
            raise PostError(f"{key} の「{name[:20]}…」が長すぎます（上限 {MAX_NAME_LENGTH} 文字）。")
    return list(dict.fromkeys(names))


def _plural(value, key) -> list:
    """A plural key (``categories``, ``tags``): a string is split on blanks, a list kept."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        # Ruby's split: ASCII blanks only, so 「珈琲　おやつ」 (an ideographic space) is one name.
        return [part for part in _ASCII_BLANKS.split(value) if part]
    if isinstance(value, bool):
        raise PostError(f"{key} はリストか空白区切りの文字列で書いてください。")
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str | int | float) or item is None for item in value):
        return [item for item in value if item is not None]
    raise PostError(f"{key} はリストか空白区切りの文字列で書いてください。")


def _singular(value, key) -> list:
    """A singular key (``category``, ``tag``): one name, kept whole even with blanks."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return _plural(value, key)
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return [value]
    raise PostError(f"{key} は文字列で書いてください。")


def front_matter_categories(meta: dict) -> list[str]:
    """The categories ``categories`` and ``category`` name, in Jekyll's order."""
    names = [*_plural(meta.get("categories"), "categories"), *_singular(meta.get("category"), "category")]
    return [str(name).strip() for name in names if str(name).strip()]


def _json_safe(value):
    """The front matter as kept with the article: every key, in JSON's types."""
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return str(value)


def _comparable(line: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", line.lstrip("#").strip())).lower()


def _drop_repeated_title(text: str, title: str) -> str:
    lines = text.lstrip("\n").split("\n")
    if lines and _comparable(lines[0]) == _comparable(title):
        return "\n".join(lines[1:]).lstrip("\n")
    return text


def titleize(slug: str) -> str:
    """Jekyll's title for a post without one: each dash-separated word capitalised."""
    return " ".join(word.capitalize() for word in slug.split("-"))


def _decode(data: bytes) -> str:
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
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_bytes(source: SourceFile) -> bytes:
    try:
        size = source.path.stat().st_size
        limit = settings.JEKYLL_MAX_FILE_BYTES
        if size > limit:
            raise PostError(f"ファイルが大きすぎます（{size:,} バイト、上限 {limit:,} バイト）。")
        return source.path.read_bytes()
    except OSError as error:
        raise PostError(f"ファイルを読めません（{error.strerror or error}）。") from None


def _front_matter(text: str) -> tuple[dict, str]:
    match = _FRONT_MATTER.match(text)
    if not match and re.match(r"---[ \t]*\n", text):
        raise PostError("front matter を閉じる行（--- または ...）がありません。")
    if not match:
        raise NotAPost("先頭に --- で囲んだ front matter がないため、Jekyll では投稿になりません。")
    try:
        meta = yaml.load(match.group("yaml"), Loader=PlainLoader) if match.group("yaml").strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"（front matter の {mark.line + 1} 行目）" if mark else ""
        raise PostError(f"front matter の YAML が正しくありません{where}。") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise PostError("front matter が「項目: 値」の形ではありません。")
    return meta, text[match.end() :]


def _authors(meta: dict, source: SourceFile) -> list[str]:
    site = source.site
    names = []
    for key in ("author", "authors"):
        value = meta.get(key)
        if isinstance(value, dict):
            value = value.get("name") or value.get("display_name")
        if isinstance(value, str) and key == "author":
            value = [value]
        names += [site.author_name(str(name)) for name in _plural(value, key)]
    if not names:
        site_author = site.config.get("author")
        if isinstance(site_author, dict):
            site_author = site_author.get("name")
        if isinstance(site_author, str) and site_author.strip():
            names = [site_author.strip()]
    return _checked_names(names, "author") or [DEFAULT_AUTHOR]


def read_post(source: SourceFile) -> Post:
    """Parse ``source``; raise PostError with the reason if it cannot be imported,
    or NotAPost if Jekyll would not build it as a post."""
    if source.skip_reason:
        raise NotAPost(source.skip_reason)
    data = _read_bytes(source)
    if not data.strip():
        raise PostError("ファイルが空です。front matter と本文を書いてから取り込んでください。")
    text = _decode(data)
    if not text.strip():
        raise PostError("ファイルが空です。front matter と本文を書いてから取り込んでください。")
    _refuse_raw_controls(text)
    own, body = _front_matter(text)
    site = source.site
    meta = {**site.defaults_for(source.key, draft=source.draft), **own}
    _refuse_controls(meta, "")

    dated = DATED_NAME.match(source.path.stem)
    name_slug = (dated.group(2) if dated else source.path.stem).rstrip(".")
    slug_value = meta.get("slug")
    if isinstance(slug_value, str | int) and str(slug_value).strip():
        slug = _one_line(str(slug_value).strip(), "slug")
    elif dated or source.draft:
        slug = name_slug
    else:
        slug = ""  # a loose file's name is rarely a slug (our pass files are hashes): the title gives it

    title_value = meta.get("title")
    if title_value is not None and not isinstance(title_value, str | int | float):
        raise PostError("title は文字列で書いてください。")
    title = str(title_value if title_value is not None else "").strip() or titleize(name_slug)
    if not title:
        raise PostError("title がなく、ファイル名からも作れません。")
    _one_line(title, "title")
    if len(title) > 200:
        raise PostError(f"title が長すぎます（{len(title)} 文字、上限 200 文字）。")

    zone = site.timezone
    if meta.get("date") not in (None, ""):
        date = parse_date(meta["date"], zone=zone)
    elif dated:
        year, month, day = dated.group(1).split("-")
        date = parse_date(f"{int(year):04d}-{month}-{day}", zone=zone, where="ファイル名の日付")
    else:
        date = None
    modified = meta.get("last_modified_at")
    last_modified_at = (
        parse_date(modified, zone=zone, where="last_modified_at") if modified not in (None, "") else None
    )

    published = meta.get("published", True)
    if isinstance(published, str):
        published = published.strip().lower() not in ("false", "no", "off", "0")

    segments = [part.strip("\n") for part in END_MARKER.split(body)]
    segments = [part for part in segments if part.strip()]
    if segments:
        segments[0] = _drop_repeated_title(segments[0], title)
        segments = [part for part in segments if part.strip()]
    for part in [*segments, assemble_texts(segments)]:
        if reason := body_too_long(part):
            raise PostError(reason)

    categories = [*source.folder_categories, *front_matter_categories(meta)]
    # Jekyll reads ``tags`` only when there is no ``tag`` (Utils.pluralized_array_from_hash).
    tags = (
        _singular(meta["tag"], "tag")
        if meta.get("tag") not in (None, "")
        else _plural(meta.get("tags"), "tags")
    )
    excerpt = next(
        (str(meta[key]).strip() for key in ("excerpt", "description") if meta.get(key) not in (None, "")),
        None,
    )
    digest = hashlib.sha256(f"{READING_REVISION}\n{site.key}\n".encode() + data).hexdigest()
    return Post(
        source=source,
        title=title,
        slug=slug_candidate(slug or title, max_length=Article.SLUG_MAX_LENGTH),
        date=date,
        categories=_checked_names(categories, "categories"),
        tags=_checked_names(tags, "tags"),
        authors=_authors(meta, source),
        excerpt=excerpt,
        layout=_one_line(str(meta.get("layout") or "post"), "layout")[:50],
        published=bool(published),
        segments=segments,
        front_matter=_json_safe(own),
        jekyll_slug=str(slug_value).strip()
        if isinstance(slug_value, str | int) and str(slug_value).strip()
        else name_slug,
        last_modified_at=last_modified_at,
        original_text=text,
        digest=digest,
    )
