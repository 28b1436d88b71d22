"""The new address of every post of an import, by the names Liquid's
``post_url`` and ``link`` tags use for it."""

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.urls import reverse


def post_name(key: str) -> str:
    """What ``{% post_url %}`` names a post by: its path below ``_posts``, without extension."""
    parts = PurePosixPath(key).parts
    below = parts[parts.index("_posts") + 1 :] if "_posts" in parts else parts[-1:]
    return str(PurePosixPath(*below).with_suffix("")) if below else PurePosixPath(key).stem


@dataclass
class SiteLinks:
    by_name: dict = field(default_factory=dict)  # (site key, post_url name) → path
    by_path: dict = field(default_factory=dict)  # (site key, path in the site) → path

    @classmethod
    def for_posts(cls, posts, slugs: dict[int, str]) -> "SiteLinks":
        links = cls()
        for index, post in enumerate(posts):
            url = reverse("articles:detail", kwargs={"slug": slugs[index]})
            site = post.source.site.key
            links.by_name[(site, post_name(post.source_key))] = url
            links.by_path[(site, post.source_key)] = url
        return links

    def post_url(self, site: str, name: str) -> str | None:
        name = name.strip().strip("/")
        found = self.by_name.get((site, name))
        if found is None:  # Jekyll also finds a post by its name alone, whatever its folder
            matches = [
                url
                for (where, key), url in self.by_name.items()
                if where == site and key.endswith("/" + name)
            ]
            found = matches[0] if len(matches) == 1 else None
        return found

    def link(self, site: str, path: str) -> str | None:
        return self.by_path.get((site, path.strip().lstrip("/")))
