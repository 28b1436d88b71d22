"""The address a Jekyll 4 site served a post at, worked out the way Jekyll does.

Read against Jekyll 4's ``Document#url``, ``Drops::UrlDrop``, ``URL``
(``generate_url_from_drop``, ``sanitize_url``, ``escape_path``),
``Utils.slugify`` and ``Configuration#style_to_permalink``. Everything here is
pure: no database, no settings, no clock.
"""

import posixpath
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from urllib.parse import unquote

PERMALINK_STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
DEFAULT_STYLE = "date"
POSTS_DIRECTORY = "_posts"

_PLACEHOLDER = re.compile(r":([a-z_]+)")
_DATE_FILENAME = re.compile(r"^(?:.+/)*(\d{2,4}-\d{1,2}-\d{1,2})-(.*)(\.[^.]+)$")
_DATELESS_FILENAME = re.compile(r"^(?:.+/)*(.*)(\.[^.]+)$")
# Ruby's strftime ignores the locale: %b, %B, %a and %A are always English.
_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_PRETTY_KEPT = frozenset("._~!$&'()+,;=@")
_KEPT_CATEGORIES = ("L", "M")  # \p{L} and \p{M}; \p{Nd} is checked apart


class PermalinkError(ValueError):
    """A permalink template Jekyll itself would have refused; the message is in Japanese."""


def _downcase(text: str) -> str:
    # Ruby's String#downcase maps each character alone (no final-sigma rule).
    return "".join(character.lower() for character in text)


def _kept(character: str, *, pretty: bool) -> bool:
    category = unicodedata.category(character)
    return category[0] in _KEPT_CATEGORIES or category == "Nd" or (pretty and character in _PRETTY_KEPT)


def jekyll_slugify(text: str, *, mode: str = "default", cased: bool = False) -> str:
    """Jekyll's ``Utils.slugify`` in the two modes URLs use.

    ``default`` turns every run of characters other than letters, marks and
    decimal digits into one hyphen; ``pretty`` also keeps ``._~!$&'()+,;=@``.
    One leading and one trailing hyphen go; the result is lower-cased unless
    ``cased``. Japanese is kept as it is.
    """
    if mode not in ("default", "pretty"):
        raise ValueError(f"unsupported slugify mode: {mode}")
    pretty = mode == "pretty"
    pieces: list[str] = []
    gap = False
    for character in text:
        if _kept(character, pretty=pretty):
            if gap:
                pieces.append("-")
                gap = False
            pieces.append(character)
        else:
            gap = True
    if gap:
        pieces.append("-")
    slug = "".join(pieces).removeprefix("-").removesuffix("-")
    return slug if cased else _downcase(slug)


def filename_slug(relative_path: str) -> str:
    """The ``slug`` Jekyll gives a post from its file name: ``2007-01-23-alt-shift-k.md``
    gives ``alt-shift-k`` (the date may be written ``2007-1-3``)."""
    if match := _DATE_FILENAME.match(relative_path):
        return match.group(2)
    if match := _DATELESS_FILENAME.match(relative_path):
        return match.group(1)
    return posixpath.basename(relative_path)


def path_categories(relative_path: str, *, special_dir: str = POSTS_DIRECTORY) -> list[str]:
    """Categories Jekyll takes from the folders above ``_posts``:
    ``ja/news/_posts/2002-10-17-x.md`` is in ``ja`` and ``news``; folders below
    ``_posts`` are not categories."""
    head = relative_path.split(special_dir, 1)[0]
    basename = posixpath.basename(relative_path)
    return [part for part in head.split("/") if part and part not in (special_dir, basename)]


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _ruby_split(text: str) -> list[str]:
    # Ruby's String#split splits on ASCII whitespace only: a full-width space stays inside a name.
    return [part for part in re.split(r"[ \t\n\v\f\r]+", text) if part]


def _as_list(value) -> list:
    if isinstance(value, list | tuple):
        return [item for item in value if item is not None]
    return [value]


def post_categories(relative_path: str, front_matter: Mapping) -> list[str]:
    """A post's categories as Jekyll lists them: the folders above ``_posts``
    first, then the front matter's ``categories`` (a string is split on
    spaces), then its ``category`` (kept whole, spaces and all), each once.

    ``relative_path`` is the file's path from the site's root, ``_posts`` included.
    """
    names = path_categories(relative_path)
    listed = front_matter.get("categories")
    if listed is not None:
        names += _ruby_split(listed) if isinstance(listed, str) else _as_list(listed)
    singular = front_matter.get("category")
    if singular is not None:
        names += _as_list(singular)
    return list(dict.fromkeys(_as_text(name) for name in names))


def _placeholders(*, date, slug, categories, output_ext, source_path) -> dict[str, Callable[[], str]]:
    def needs_date():
        if date is None:
            raise PermalinkError("permalink に日付の項目がありますが、記事に日付がありません。")
        return date

    def needs_path():
        if source_path is None:
            raise PermalinkError("permalink の :name と :path には元のファイルのパスが必要です。")
        return source_path

    def cleaned_path():
        path = needs_path()
        extension = posixpath.splitext(path)[1]
        stem = path[: len(path) - len(extension)] if extension else path
        return stem.replace(POSTS_DIRECTORY, "", 1)

    def iso(index):
        return needs_date().isocalendar()[index]

    return {
        "collection": lambda: "posts",
        "name": lambda: jekyll_slugify(posixpath.splitext(posixpath.basename(needs_path()))[0]),
        "path": cleaned_path,
        "output_ext": lambda: output_ext,
        "title": lambda: jekyll_slugify(slug, mode="pretty", cased=True),
        "slug": lambda: jekyll_slugify(slug),
        "categories": lambda: "/".join(dict.fromkeys(_downcase(name) for name in categories)),
        "slugified_categories": lambda: "/".join(dict.fromkeys(jekyll_slugify(name) for name in categories)),
        "year": lambda: f"{needs_date().year:04d}",
        "month": lambda: f"{needs_date().month:02d}",
        "day": lambda: f"{needs_date().day:02d}",
        "hour": lambda: f"{needs_date().hour:02d}",
        "minute": lambda: f"{needs_date().minute:02d}",
        "second": lambda: f"{needs_date().second:02d}",
        "i_day": lambda: str(needs_date().day),
        "i_month": lambda: str(needs_date().month),
        "short_month": lambda: _MONTHS[needs_date().month - 1][:3],
        "long_month": lambda: _MONTHS[needs_date().month - 1],
        "short_year": lambda: f"{needs_date().year % 100:02d}",
        "w_year": lambda: str(iso(0)),
        "week": lambda: f"{iso(1):02d}",
        "w_day": lambda: str(iso(2)),
        "short_day": lambda: _DAYS[needs_date().weekday()][:3],
        "long_day": lambda: _DAYS[needs_date().weekday()],
        "y_day": lambda: f"{needs_date().timetuple().tm_yday:03d}",
    }


def _fill(template: str, values: dict) -> str:
    def replace(match):
        name = match.group(1)
        # Jekyll reads ":month_:day" as :month, "_", :day: a trailing underscore is text.
        key = name[:-1] if name.endswith("_") else name
        if key not in values:
            raise PermalinkError(f"permalink の :{key} は Jekyll にない項目です。")
        # Jekyll percent-encodes each value and decodes the whole address when
        # writing the file; a "%" in a value therefore survives as itself.
        return values[key]().replace("%", "%25") + name[len(key) :]

    return _PLACEHOLDER.sub(replace, template)


def _sanitize(url: str) -> str:
    url = f"/{url}".replace("..", "/").replace("./", "")
    return re.sub("/+", "/", url)


def _base(baseurl: str) -> str:
    base = unquote(baseurl.strip()).strip("/")
    return f"/{base}" if base else ""


def jekyll_url(
    *,
    permalink: str | None = DEFAULT_STYLE,
    front_permalink: str | None = None,
    date: datetime | None,
    slug: str,
    categories: Sequence[str] = (),
    output_ext: str = ".html",
    baseurl: str = "",
    source_path: str | None = None,
) -> str:
    """The path a Jekyll 4 site served a post at, decoded (Japanese kept) and with ``baseurl``.

    ``permalink`` is the site's (or the posts collection's) setting: a style
    name (``date``, ``pretty``, ``ordinal``, ``weekdate``, ``none``) or a
    template; ``front_permalink`` is the post's own, which wins and is always a
    template (a style name there is literal text, as in Jekyll). ``date`` must
    already be in the site's time zone; ``slug`` is the front matter's ``slug``
    or else the file name's (``filename_slug``): ``:title`` is that slug, not the
    post's title. ``categories`` are Jekyll's list (``post_categories``);
    ``source_path`` (relative to the site, e.g. ``_posts/2007-01-23-x.md``) is
    needed only by ``:name`` and ``:path``. A trailing slash is kept; runs of
    slashes become one. Raises ``PermalinkError`` for a template Jekyll refuses.
    """
    if front_permalink is not None:
        template = front_permalink
    else:
        style = permalink or DEFAULT_STYLE
        template = PERMALINK_STYLES.get(style, style)
    values = _placeholders(
        date=date, slug=slug, categories=categories, output_ext=output_ext, source_path=source_path
    )
    path = unquote(_sanitize(_fill(template, values)))
    return re.sub("/+", "/", _base(baseurl) + path)
