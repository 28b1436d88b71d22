"""A post body from a Jekyll site, converted for the CMS in one call.

The order is Jekyll's: Liquid first (it runs before Markdown, so its output
may hold kramdown and image paths such as ``{{ site.url }}/assets/a.png``),
then kramdown (which also takes ``{: width="50%"}`` off images), then the
images, once every path in the text is final.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import assets, kramdown, liquid
from .posts import END_MARKER

MAX_INCLUDE_BYTES = 512 * 1024


@dataclass
class BodyConversion:
    text: str
    unknown_tags: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # Japanese sentences for the import report
    copied: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def convert_body(
    text: str,
    *,
    context: liquid.LiquidContext,
    site_root: Path,
    post_path: Path,
    site_urls: list[str],
    store: Callable[[Path], str] | None = None,
) -> BodyConversion:
    """Liquid, then kramdown, then the site's images (see the module docstring)."""
    rendered = liquid.convert(text, context)
    plain = kramdown.convert(rendered.text)
    brought = assets.bring_images(
        plain.text, site_root=site_root, post_path=post_path, site_urls=site_urls, store=store
    )
    return BodyConversion(
        text=brought.text,
        unknown_tags=list(dict.fromkeys(rendered.unknown_tags + plain.unknown_tags)),
        problems=rendered.problems + plain.problems + brought.problems,
        copied=brought.copied,
        missing=brought.missing,
    )


def file_reader(folder: Path, *, within: Path) -> Callable[[str], str | None]:
    """Read a text file named relative to ``folder``, or None: also when the
    name leads outside ``within`` (symlinks included), or the file is not
    UTF-8 text of at most ``MAX_INCLUDE_BYTES``."""
    root = within.resolve()

    def read(name: str) -> str | None:
        try:
            path = (folder / name).resolve()
            if not path.is_relative_to(root) or not path.is_file() or path.stat().st_size > MAX_INCLUDE_BYTES:
                return None
            return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        except (OSError, ValueError, UnicodeDecodeError):
            return None

    return read


def site_urls(config: dict) -> list[str]:
    """The addresses a site's own files were served from, from ``_config.yml``:
    ``url`` + ``baseurl``, ``url`` and ``baseurl``."""
    url = str(config.get("url") or "").rstrip("/")
    baseurl = "/" + str(config.get("baseurl") or "").strip("/")
    found = [url + baseurl.rstrip("/"), url] if url else []
    if baseurl != "/":
        found.append(baseurl)
    return [each for each in dict.fromkeys(found) if each]


@dataclass
class ConvertedPost:
    """A post's passes as the plain Markdown an article keeps, and what the import
    report and the article's review check should say about it."""

    segments: list[str]
    notes: list[str] = field(default_factory=list)  # for the import report, in Japanese
    problems: list[str] = field(default_factory=list)  # kept with the article

    @property
    def body(self) -> str:
        return "\n\n".join(self.segments)


def check_image_only(path: Path) -> str:
    """The store of a dry run: the image is checked as a real run would, and not saved."""
    assets.read_image(path)
    return f"/media/{assets.MEDIA_FOLDER}/{path.name}"


def convert_post(post, links, *, dry_run: bool = False) -> ConvertedPost:
    """Convert ``post``'s passes together, so a Liquid block may span them, then split them again."""
    site = post.source.site
    root = site.root
    page = {
        **post.front_matter,
        "title": post.title,
        "slug": post.slug,
        "date": post.date.astimezone(site.timezone) if post.date else None,
        "categories": post.categories,
        "tags": post.tags,
    }
    context = liquid.LiquidContext(
        variables={"site": site.config, "page": page},
        read_include=file_reader(root / "_includes", within=root / "_includes"),
        post_url=lambda name: links.post_url(site.key, name),
        link=lambda path: links.link(site.key, path),
        read_include_relative=file_reader(post.path.parent, within=root),
    )
    joined = "\n\n---END---\n\n".join(post.segments)
    converted = convert_body(
        joined,
        context=context,
        site_root=root,
        post_path=post.path,
        site_urls=site_urls(site.config),
        store=check_image_only if dry_run else None,
    )
    passes = [part.strip("\n") for part in END_MARKER.split(converted.text)]
    notes = list(converted.problems)
    if converted.copied:
        notes.append(f"画像 {len(converted.copied)} 点をメディアに取り込みました。")
    return ConvertedPost(
        segments=[part for part in passes if part.strip()], notes=notes, problems=converted.problems
    )
