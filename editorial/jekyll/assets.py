"""Images a post uses from its own site, brought into the media storage.

After Liquid and kramdown, a body names its images in Markdown
(``![alt](src "title")``, ``[id]: src`` for ``![alt][id]``) or in HTML
(``<img src>``, ``srcset``), and links to full-size ones (``[![…](thumb)](full)``).
Each that points inside the site is looked up under the site's folder, copied
with ``store`` and its reference rewritten; one that is not there (or is no
image) stays as written, followed by a marker comment the review check finds.
"""

import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from articles.images import FORMAT_SUFFIXES, ImageRejected, UnreadableImage, decoded_format

from . import leftovers, regions

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".ico", ".avif", ".tif", ".tiff"}
MEDIA_FOLDER = "imported"

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
_IMAGE_OR_LINK = re.compile(r"!?\[")
_DEFINITION = re.compile(
    r"^ {0,3}\[(?P<label>[^\]\n]+)\]:[ \t]*(?:<(?P<angled>[^>\n]*)>|(?P<plain>\S+))"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$",
    re.MULTILINE,
)
_REFERENCED_IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\](?:\[(?P<label>[^\]\n]*)\])?")
_HTML_TAG = re.compile(r"""<(?P<name>img|source|a)\b(?:[^<>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)
_HTML_ATTRIBUTE = re.compile(
    r"""\s(?P<name>src|srcset|href)\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s"'>]+))""",
    re.IGNORECASE,
)
_SRCSET_ITEM = re.compile(r"\s*(?P<url>[^\s,][^\s]*?)(?:\s+[^,]*)?(?:,|$)")


@dataclass
class BroughtImages:
    text: str
    copied: list[str] = field(default_factory=list)  # site-relative paths copied
    missing: list[str] = field(default_factory=list)  # references as written
    problems: list[str] = field(default_factory=list)  # Japanese sentences for the report


@dataclass
class _Reference:
    url: str
    start: int  # where the URL sits in the text
    end: int
    after: int  # where a marker goes: after the whole image, link or tag
    image: bool
    html: bool = False
    definition: bool = False


def _matching_bracket(text: str, position: int) -> int | None:
    depth = 1
    index = position
    limit = min(len(text), position + 2000)
    while index < limit:
        character = text[index]
        if character == "\\":
            index += 2
            continue
        if character == "\n" and text[index + 1 : index + 2] == "\n":
            return None
        if character == "[":
            depth += 1
        elif character == "]":
            depth -= 1
            if not depth:
                return index
        index += 1
    return None


def _destination(text: str, position: int) -> tuple[int, int, int] | None:
    """``(url start, url end, end of the construct)`` for ``(url "title")`` at ``position``."""
    index = position
    while index < len(text) and text[index] in " \t":
        index += 1
    if text[index : index + 1] == "<":
        close = text.find(">", index)
        if close < 0 or "\n" in text[index:close]:
            return None
        start, end = index + 1, close
        index = close + 1
    else:
        start, depth = index, 0
        while index < len(text) and not text[index].isspace():
            if text[index] == "\\":
                index += 2
                continue
            if text[index] == "(":
                depth += 1
            elif text[index] == ")":
                if not depth:
                    break
                depth -= 1
            index += 1
        end = min(index, len(text))
    title = re.compile(r"""\s*(?:"[^"]*"|'[^']*'|\([^)]*\))?\s*\)""").match(text, index)
    if not title or start == end:
        return None
    return start, end, title.end()


def _markdown_references(text: str, protected) -> list[_Reference]:
    found = []
    for match in _IMAGE_OR_LINK.finditer(text):
        if regions.inside(protected, match.start()) or text[match.start() - 1 : match.start()] == "\\":
            continue
        close = _matching_bracket(text, match.end())
        if close is None or text[close + 1 : close + 2] != "(":
            continue
        destination = _destination(text, close + 2)
        if destination:
            start, end, after = destination
            found.append(_Reference(text[start:end], start, end, after, image=match.group() == "!["))
    return found


def _label(raw: str) -> str:
    return " ".join(raw.split()).casefold()


def _definition_references(text: str, protected) -> list[_Reference]:
    used = {
        _label(match.group("label") or match.group("alt"))
        for match in _REFERENCED_IMAGE.finditer(text)
        if not regions.inside(protected, match.start())
    }
    found = []
    for match in _DEFINITION.finditer(text):
        if regions.inside(protected, match.start()):
            continue
        group = "angled" if match.group("angled") is not None else "plain"
        found.append(
            _Reference(
                match.group(group),
                match.start(group),
                match.end(group),
                match.end(),
                image=_label(match.group("label")) in used,
                definition=True,
            )
        )
    return found


def _html_references(text: str, protected) -> list[_Reference]:
    found = []
    for tag in _HTML_TAG.finditer(text):
        if regions.inside(protected, tag.start()):
            continue
        image = tag.group("name").lower() != "a"
        for attribute in _HTML_ATTRIBUTE.finditer(tag.group()):
            group = next(name for name in ("double", "single", "bare") if attribute.group(name) is not None)
            offset = tag.start() + attribute.start(group)
            value = attribute.group(group)
            if attribute.group("name").lower() != "srcset":
                if attribute.group("name").lower() == "src" or not image:
                    found.append(_Reference(value, offset, offset + len(value), tag.end(), image, html=True))
                continue
            for item in _SRCSET_ITEM.finditer(value):
                if item.group("url"):
                    start = offset + item.start("url")
                    found.append(
                        _Reference(
                            item.group("url"), start, start + len(item.group("url")), tag.end(), True, True
                        )
                    )
    return found


def _host_and_path(url: str) -> tuple[str, str]:
    bare = re.sub(r"^(?:https?:)?//", "", url, flags=re.IGNORECASE)
    host, slash, path = bare.partition("/")
    return host.lower(), "/" + path if slash else "/"


def _site_path(url: str, site_urls: list[str]) -> str | None:
    """The root-relative path of ``url`` if it points at the site, else None."""
    if not (url.startswith("//") or _SCHEME.match(url)):
        return url
    if not url.lower().startswith(("http://", "https://", "//")):
        return None
    host, path = _host_and_path(url)
    for base in site_urls:
        if not (base.startswith("//") or _SCHEME.match(base)):
            continue
        base_host, base_path = _host_and_path(base)
        base_path = base_path.rstrip("/")
        if host == base_host and (path == base_path or path.startswith(base_path + "/")):
            return path
    return None


def _candidates(url: str, *, site_root: Path, post_dir: Path, site_urls: list[str]) -> list[Path] | None:
    """Where ``url`` may be under the site, most likely first; None if it points outside the site."""
    url = url.strip()
    if not url or url.startswith("#"):
        return None
    path = _site_path(url, site_urls)
    if path is None:
        return None
    path = re.split(r"[?#]", path, maxsplit=1)[0]
    if not path:
        return None
    prefixes = set()
    for base in site_urls:
        if base.startswith("//") or _SCHEME.match(base):
            base = _host_and_path(base)[1]
        if base.strip("/"):
            prefixes.add("/" + base.strip("/") + "/")
    spellings = list(dict.fromkeys([unquote(path), path]))
    spellings += [unicodedata.normalize(form, each) for form in ("NFC", "NFD") for each in spellings]
    found = []
    for spelling in dict.fromkeys(spellings):
        if spelling.startswith("/"):
            found += [
                site_root / spelling[len(prefix) :] for prefix in prefixes if spelling.startswith(prefix)
            ]
            found += [site_root / spelling.lstrip("/"), site_root / "_site" / spelling.lstrip("/")]
        else:
            found += [post_dir / spelling, site_root / spelling]
    return found


def _find(candidates: list[Path], site_root: Path) -> Path | None:
    root = site_root.resolve()
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
            if resolved.is_relative_to(root) and resolved.is_file():
                return resolved
        except (OSError, ValueError):
            continue
    return None


def _image_suffix(url: str) -> bool:
    return Path(unquote(re.split(r"[?#]", url, maxsplit=1)[0])).suffix.lower() in IMAGE_SUFFIXES


def _as_destination(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url


def bring_images(
    text: str,
    *,
    site_root: Path,
    post_path: Path,
    site_urls: list[str],
    store: Callable[[Path], str] | None = None,
) -> BroughtImages:
    """Copy the site images ``text`` uses with ``store`` (``store_in_media`` by
    default) and point the references at the copies.

    A reference is the site's when it is root-relative, relative (to the
    post's folder, then to the site root, as sites do both) or under one of
    ``site_urls``; query strings and fragments are ignored for the lookup.
    Nothing outside ``site_root`` is read, symlinks included. References not
    found, or whose file ``store`` refuses, are listed in ``missing`` and
    marked in the text; code, comments and external images are left alone.
    """
    store = store or store_in_media
    protected = regions.protected(text, comments=True)
    references = _markdown_references(text, protected)
    references += _definition_references(text, protected)
    references += _html_references(text, protected)
    result = BroughtImages(text)
    stored: dict[Path, str | ImageRejected] = {}
    edits = []
    for reference in sorted(references, key=lambda each: each.start):
        if not reference.image and not _image_suffix(reference.url):
            continue
        candidates = _candidates(
            reference.url, site_root=site_root, post_dir=post_path.parent, site_urls=site_urls
        )
        if candidates is None:
            continue
        path = _find(candidates, site_root)
        if path is not None and path not in stored:
            try:
                stored[path] = store(path)
                relative = path.relative_to(site_root.resolve()).as_posix()
                if relative not in result.copied:
                    result.copied.append(relative)
            except (ImageRejected, OSError) as error:
                stored[path] = (
                    error if isinstance(error, ImageRejected) else ImageRejected("ファイルを読めません")
                )
        outcome = stored.get(path) if path else None
        if isinstance(outcome, str):
            replacement = outcome
            if not reference.html:
                replacement = (
                    _as_destination(outcome)
                    if text[reference.start - 1 : reference.start] != "<"
                    else outcome
                )
            else:
                replacement = outcome.replace('"', "%22")
            edits.append((reference.start, reference.end, replacement))
            continue
        if reference.url not in result.missing:
            result.missing.append(reference.url)
            reason = f"（{str(outcome).rstrip('。')}）" if outcome else "（サイトの中にファイルがありません）"
            result.problems.append(f"画像「{reference.url}」を取り込めませんでした{reason}。")
        marker = leftovers.marker(leftovers.MISSING_IMAGE, reference.url)
        edits.append((reference.after, reference.after, f"\n{marker}" if reference.definition else marker))
    pieces, position = [], 0
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        if start < position:
            continue
        pieces += [text[position:start], replacement]
        position = end
    pieces.append(text[position:])
    result.text = "".join(pieces)
    return result


def read_image(path: Path) -> tuple[bytes, str]:
    """The bytes of the image at ``path`` and the extension its real format
    takes; ImageRejected when the file is too large (over what an editor may
    upload), is not an image Pillow can fully decode within its
    decompression-bomb limit, or is in a format browsers do not show (SVG is
    refused: it can carry scripts). A dry run can check images with it."""
    if path.suffix.lower() == ".svg":
        raise ImageRejected("SVG は取り込みません（スクリプトを含められるため）")
    limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    size = path.stat().st_size
    if size > limit:
        raise ImageRejected(f"ファイルが大きすぎます（{size:,} バイト、上限 {limit:,} バイト）")
    data = path.read_bytes()
    try:
        return data, FORMAT_SUFFIXES[decoded_format(data)]
    except UnreadableImage:
        raise ImageRejected("画像として読めません。壊れているか、画像ではありません") from None


def store_in_media(path: Path) -> str:
    """Save the image at ``path`` (checked by ``read_image``) in the default
    storage once per content and return its public URL.

    The name is ``imported/<2 hex>/<16 hex>-<name><ext>`` from the SHA-256 of
    the bytes, so the same picture under two names or in two posts is stored
    once.
    """
    data, suffix = read_image(path)
    digest = hashlib.sha256(data).hexdigest()
    folder = f"{MEDIA_FOLDER}/{digest[:2]}"
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:
        names = []
    existing = next((name for name in names if name.startswith(f"{digest[:16]}-")), None)
    if existing:
        return default_storage.url(f"{folder}/{existing}")
    stem = re.sub(r"[^\w-]+", "-", unicodedata.normalize("NFC", path.stem)).strip("-_")[:40] or "image"
    name = default_storage.save(f"{folder}/{digest[:16]}-{stem}{suffix}", ContentFile(data))
    return default_storage.url(name)
