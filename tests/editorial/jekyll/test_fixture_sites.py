"""The fixture sites and their expected.yml stay in step (no importer involved)."""

import re
from pathlib import Path

import pytest
import yaml

SITES_DIR = Path(__file__).resolve().parent / "sites"
SITES = ["rules", "japanese-blog", "english-blog", "permalink-styles"]
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
POST_FIELDS = ["title", "date", "categories", "tags", "slug", "url", "excerpt", "author"]


def expected(site):
    return yaml.safe_load((SITES_DIR / site / "expected.yml").read_text(encoding="utf-8"))


def content_files(site):
    """Files under any _posts or _drafts, and Markdown outside the underscore folders."""
    root = SITES_DIR / site
    found = set()
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        parts = path.relative_to(root).parts
        in_posts = "_posts" in parts or "_drafts" in parts
        loose_markdown = path.suffix == ".md" and not any(p.startswith("_") for p in parts)
        if in_posts or loose_markdown:
            found.add("/".join(parts))
    return found


@pytest.mark.parametrize("site", SITES)
def test_expected_covers_every_content_file(site):
    assert set(expected(site)["files"]) == content_files(site)


@pytest.mark.parametrize("site", SITES)
def test_every_post_has_the_fields_and_well_formed_values(site):
    for name, facts in expected(site)["files"].items():
        if not facts["post"]:
            assert facts["kind"] in {"page", "static", "ignored", "skipped"} and facts["why"], name
            continue
        assert facts["kind"] in {"post", "draft"}, name
        for field in POST_FIELDS:
            assert field in facts, (name, field)
        assert facts["date"] is None or ISO_UTC.match(facts["date"]), name
        assert facts["url"] is None or facts["url"].startswith("/"), name
        assert len(facts["excerpt"]) <= 100, name
        built = facts["kind"] == "post" and facts["published"] and not facts["future"]
        assert facts["in_default_build"] == built, name


@pytest.mark.parametrize("site", SITES)
def test_images_said_to_exist_exist(site):
    for name, facts in expected(site)["files"].items():
        for asset in facts.get("assets", []):
            site_file = asset.get("file", asset["resolves_to"].lstrip("/"))
            on_disk = site_file is not None and (SITES_DIR / site / site_file).is_file()
            assert on_disk == asset["exists"], (name, asset["src"])
