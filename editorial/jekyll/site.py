"""A Jekyll site as its own build would see it: configuration, data and which files are posts.

Jekyll's rules (lib/jekyll/reader.rb, readers/post_reader.rb, document.rb,
frontmatter_defaults.rb) decide what is a post: files under any ``_posts``
folder whose name carries a date, and the files of ``_drafts`` folders. A
folder named on the command line that has neither a ``_config.yml`` nor a
``_posts`` folder is read as a plain folder of posts (the form
``export_jekyll`` wrote before, and the publisher's own pass files).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

# The publisher is Japanese: a site that names no timezone is read in Tokyo time
# (Jekyll would use the building machine's zone, which an archive does not record).
DEFAULT_TIMEZONE = "Asia/Tokyo"
DEFAULT_MARKDOWN_EXT = ("markdown", "mkdown", "mkdn", "mkd", "md")
# Plain-text posts (our own pass files are .txt) are read as Markdown too.
PLAIN_TEXT_EXT = ("txt", "text")
HTML_EXT = ("html", "htm")
# A date at the start of a post's file name: 2–4-digit year, 1–2-digit month and day.
DATED_NAME = re.compile(r"^(\d{2,4}-\d{1,2}-\d{1,2})-(.*)$")
_SKIPPED_FOLDERS = {"node_modules", "vendor", ".git", "_site", ".jekyll-cache", ".sass-cache"}


class SiteError(Exception):
    """The site as a whole cannot be read (a broken ``_config.yml``); the message is Japanese."""


class PlainLoader(yaml.SafeLoader):
    """SafeLoader without timestamp guessing: dates stay text and are read by
    the importer in the site's timezone, as Jekyll does."""


class YamlTimestamp(str):
    """A date written as a plain YAML timestamp with a time (``2015-04-02 23:30:00``).

    Jekyll's YAML reader (SafeYAML) turns one without an offset into that time
    in UTC, before the site's timezone is ever consulted; a quoted date, or one
    without seconds, is text and is read in the site's timezone. Posts were
    dated, and their addresses made, that way, so the importer does the same."""


_TIMESTAMP_TAG = "tag:allforces,2026:jekyll-timestamp"
_TIMESTAMP = re.compile(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?$"
)
PlainLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
PlainLoader.add_implicit_resolver(_TIMESTAMP_TAG, _TIMESTAMP, list("0123456789"))
PlainLoader.add_constructor(_TIMESTAMP_TAG, lambda loader, node: YamlTimestamp(loader.construct_scalar(node)))


def _load_yaml(path: Path, what: str) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=PlainLoader)
    except (OSError, UnicodeDecodeError) as error:
        raise SiteError(f"{what} を読めません（{error}）。") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{mark.line + 1} 行目" if mark else "どこか"
        raise SiteError(f"{what} の YAML が正しくありません（{where}）。") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SiteError(f"{what} が「項目: 値」の形ではありません。")
    return data


@dataclass
class Site:
    """What a post's reading needs from its site; empty for a plain folder of posts."""

    root: Path
    config: dict = field(default_factory=dict)
    authors: dict = field(default_factory=dict)
    is_site: bool = False

    @property
    def key(self) -> str:
        """Part of every imported post's identity: the site's address when it has one."""
        url = str(self.config.get("url") or "").rstrip("/")
        return f"{url}{self.baseurl}"[:200] if url or self.baseurl else ""

    @property
    def baseurl(self) -> str:
        base = str(self.config.get("baseurl") or "").strip()
        return "/" + base.strip("/") if base.strip("/") else ""

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(str(self.config.get("timezone") or DEFAULT_TIMEZONE))

    @property
    def permalink(self) -> str:
        return str(self.config.get("permalink") or "date")

    @property
    def excerpt_separator(self) -> str:
        value = self.config.get("excerpt_separator", "\n\n")
        return "\n\n" if value is None else str(value)

    @property
    def markdown_ext(self) -> tuple[str, ...]:
        configured = self.config.get("markdown_ext")
        if configured:
            return tuple(part.strip().lower() for part in str(configured).split(",") if part.strip())
        return DEFAULT_MARKDOWN_EXT

    def readable_ext(self, suffix: str) -> bool:
        ext = suffix.lower().lstrip(".")
        return ext in self.markdown_ext or ext in PLAIN_TEXT_EXT or ext in HTML_EXT

    def read_include(self, name: str) -> str | None:
        """A file of ``_includes/``, or None; never a file outside it."""
        folder = (self.root / "_includes").resolve()
        path = (folder / name).resolve()
        if not path.is_relative_to(folder) or not path.is_file():
            return None
        try:
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None

    def defaults_for(self, relative_path: str, *, draft: bool) -> dict:
        """Front matter from ``defaults:`` whose scope matches the post, later entries winning,
        the more specific path winning over the shorter one (frontmatter_defaults.rb)."""
        matched = []
        for entry in self.config.get("defaults") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("values"), dict):
                continue
            scope = entry.get("scope") or {}
            if not isinstance(scope, dict):
                continue
            kind = scope.get("type")
            if kind not in (None, "", "posts", "drafts" if draft else "posts"):
                continue
            scope_path = str(scope.get("path") or "").strip("/")
            if scope_path and not _path_in_scope(relative_path, scope_path):
                continue
            matched.append((len(scope_path), bool(kind), entry["values"]))
        values = {}
        for _, _, entry_values in sorted(matched, key=lambda item: (item[0], item[1])):
            values.update(entry_values)
        return values

    def author_name(self, key: str) -> str:
        """``author:`` may be a key into ``_data/authors.yml``; then its name is the name."""
        entry = self.authors.get(key)
        if isinstance(entry, dict):
            for field_name in ("name", "display_name", "fullname"):
                if entry.get(field_name):
                    return str(entry[field_name]).strip()
        return key


def _path_in_scope(relative_path: str, scope_path: str) -> bool:
    if "*" in scope_path:
        return PurePosixPath(relative_path).match(scope_path) or PurePosixPath(relative_path).match(
            scope_path + "/*"
        )
    return relative_path == scope_path or relative_path.startswith(scope_path + "/")


def load_site(root: Path) -> Site:
    """Read ``root`` as a Jekyll site: ``_config.yml`` and ``_data/authors.yml`` if present."""
    config_path = root / "_config.yml"
    config = _load_yaml(config_path, "_config.yml") if config_path.is_file() else {}
    site = Site(root=root, config=config, is_site=config_path.is_file() or _has_posts_folder(root))
    try:
        site.timezone  # noqa: B018 (read once here so a bad zone is one clear error, not one per post)
    except (ZoneInfoNotFoundError, ValueError):
        raise SiteError(
            f"_config.yml の timezone「{config.get('timezone')}」が分かりません（例: Asia/Tokyo、UTC）。"
        ) from None
    for name in ("authors.yml", "authors.yaml"):
        authors_path = root / "_data" / name
        if authors_path.is_file():
            site.authors = _load_yaml(authors_path, f"_data/{name}")
            break
    return site


def _has_posts_folder(root: Path) -> bool:
    return any(True for _ in _walk(root, wanted="_posts"))


def _walk(folder: Path, *, wanted: str):
    """The ``wanted`` folders (``_posts``, ``_drafts``) of a site, at any depth, as
    Jekyll's reader finds them: it does not descend into other ``_``, ``.`` folders."""
    try:
        children = sorted(folder.iterdir())
    except OSError:
        return
    for child in children:
        if not child.is_dir() or child.is_symlink():
            continue
        if child.name == wanted:
            yield child
        elif not child.name.startswith(("_", ".")) and child.name not in _SKIPPED_FOLDERS:
            yield from _walk(child, wanted=wanted)


KEY_MAX_LENGTH = 500


def _key(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()[:KEY_MAX_LENGTH]


@dataclass(frozen=True)
class SourceFile:
    """One file the import looks at, with where it sits in its site."""

    path: Path
    key: str  # its path relative to the site root (the post's identity there)
    site: Site
    folder_categories: tuple[str, ...] = ()
    draft: bool = False
    skip_reason: str = ""  # set for a file that is not a post, with the reason in Japanese


def _files_below(folder: Path):
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if any(part.startswith((".", "#")) or part.endswith("~") for part in relative):
            continue
        if path.is_file():
            yield path


def site_files(site: Site) -> list[SourceFile]:
    """Every file under the site's post and draft folders, and the Markdown files
    outside them (reported as pages, not imported)."""
    root = site.root
    found: list[SourceFile] = []
    claimed: set[Path] = set()
    for wanted, draft in (("_posts", False), ("_drafts", True)):
        for folder in _walk(root, wanted=wanted):
            above = folder.parent.relative_to(root).parts
            for path in _files_below(folder):
                claimed.add(path)
                key = _key(path, root)
                reason = _not_a_post_reason(path, site, dated=not draft)
                found.append(
                    SourceFile(path, key, site, folder_categories=above, draft=draft, skip_reason=reason)
                )
    for path in _files_below(root):
        if path in claimed or path.suffix.lower().lstrip(".") not in site.markdown_ext:
            continue
        relative = path.relative_to(root)
        if any(part.startswith("_") or part in _SKIPPED_FOLDERS for part in relative.parts[:-1]):
            continue  # layouts, includes, collections: not posts and not pages either
        if relative.name.lower().startswith("readme"):
            continue
        found.append(
            SourceFile(
                path,
                _key(path, root),
                site,
                skip_reason="_posts フォルダの外にあるため、Jekyll では投稿ではなくページです。取り込みません。",
            )
        )
    return found


def _not_a_post_reason(path: Path, site: Site, *, dated: bool) -> str:
    if not site.readable_ext(path.suffix):
        return (
            f"拡張子「{path.suffix or '（なし）'}」は Markdown・テキスト・HTML のどれでもないため取り込みません"
            "（Markdown なら _config.yml の markdown_ext に加えてください）。"
        )
    if dated and not DATED_NAME.match(path.stem):
        return "ファイル名が「年-月-日-名前」の形ではないため、Jekyll では投稿になりません。"
    return ""


def folder_files(folder: Path, site: Site) -> list[SourceFile]:
    """A plain folder of posts: every readable file below it, keyed by its path there."""
    return [
        SourceFile(path, _key(path, folder), site)
        for path in _files_below(folder)
        if site.readable_ext(path.suffix) and path.suffix.lower() not in (".html", ".htm")
    ]


def collect(paths: list[Path]) -> list[SourceFile]:
    """The files named on the command line, read the way their site would read them.

    Raises SiteError for a path that does not exist or a site whose configuration
    cannot be read.
    """
    files: list[SourceFile] = []
    for path in paths:
        if path.is_dir():
            site = load_site(path)
            files += site_files(site) if site.is_site else folder_files(path, site)
        elif path.is_file():
            files.append(_one_file(path))
        else:
            raise SiteError(f"{path}: ファイルもディレクトリも見つかりません。")
    return files


def _one_file(path: Path) -> SourceFile:
    """A file named on its own: read as part of its site when it sits in one (so it is
    the same post as when the whole site is imported), else as a loose post."""
    path = path.absolute()
    folders = [parent for parent in path.parents if parent.name in ("_posts", "_drafts")]
    if folders:
        above = folders[-1].parent
        root = next(
            (parent for parent in [above, *above.parents] if (parent / "_config.yml").is_file()), above
        )
        for source in site_files(load_site(root)):
            if source.path == path:
                return source
    return SourceFile(path, path.name[:KEY_MAX_LENGTH], Site(root=path.parent))
