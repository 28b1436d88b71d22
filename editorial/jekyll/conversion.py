"""Turning a Jekyll post's body into the plain Markdown an article keeps.

Each pass is converted on its own (Liquid, then kramdown, then the images
it refers to), so the passes still stitch as they did in the file.
"""

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.urls import reverse

from .posts import Post


@dataclass
class ConvertedBody:
    segments: list[str]
    notes: list[str] = field(default_factory=list)  # for the import report, in Japanese
    problems: list[str] = field(default_factory=list)  # kept with the article for its review check

    @property
    def body(self) -> str:
        return "\n\n".join(self.segments)


def _post_name(key: str) -> str:
    """What ``{% post_url %}`` names a post by: its path below ``_posts``, without extension."""
    path = PurePosixPath(key)
    parts = path.parts
    below = parts[parts.index("_posts") + 1 :] if "_posts" in parts else parts[-1:]
    return str(PurePosixPath(*below).with_suffix("")) if below else path.stem


@dataclass
class SiteLinks:
    """The new address of every post of the import, by the names Liquid uses for it."""

    by_name: dict = field(default_factory=dict)  # (site key, post_url name) → path
    by_path: dict = field(default_factory=dict)  # (site key, path in the site) → path

    @classmethod
    def for_posts(cls, posts: list[Post], slugs: dict[int, str]) -> "SiteLinks":
        links = cls()
        for index, post in enumerate(posts):
            url = reverse("articles:detail", kwargs={"slug": slugs[index]})
            site = post.source.site.key
            links.by_name[(site, _post_name(post.source_key))] = url
            links.by_path[(site, post.source_key)] = url
        return links

    def post_url(self, site: str, name: str) -> str | None:
        name = name.strip().strip("/")
        found = self.by_name.get((site, name))
        if found is None:  # Jekyll also accepts the name without its folder
            matches = [
                url
                for (key_site, key), url in self.by_name.items()
                if key_site == site and key.endswith("/" + name)
            ]
            found = matches[0] if len(matches) == 1 else None
        return found

    def link(self, site: str, path: str) -> str | None:
        return self.by_path.get((site, path.strip().lstrip("/")))


def convert_body(post: Post, links: SiteLinks) -> ConvertedBody:
    """The post's passes as plain Markdown, and what could not be converted."""
    return ConvertedBody(segments=list(post.segments))
