"""Importing the fixture sites gives what Jekyll itself gave each post (their expected.yml)."""

import re
import unicodedata
from datetime import datetime
from io import StringIO
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from django.core.management import call_command

from articles.models import Article
from editorial.models import ImportedSource

pytestmark = pytest.mark.django_db

SITES = Path(__file__).parent / "sites"
S = Article.Status

# Where the importer deliberately differs from Jekyll (docs/jekyll-rules.md, "Where we differ").
NOT_IMPORTED = {
    ("rules", "_posts/2009-06-22-no-yaml.md"): "a file without front matter is not a post (the issue's rule)",
    ("rules", "_posts/2009-05-18-textile-post.textile"): "Textile is neither Markdown nor HTML",
}


def expected(site):
    return yaml.safe_load((SITES / site / "expected.yml").read_text(encoding="utf-8"))["files"]


def posts_of(site):
    return [
        pytest.param(site, path, facts, id=f"{site}:{path}")
        for path, facts in expected(site).items()
        if facts.get("post") and (site, path) not in NOT_IMPORTED
    ]


@pytest.fixture
def imported(request):
    site = request.param if hasattr(request, "param") else None
    return site


def import_site(site):
    out, err = StringIO(), StringIO()
    call_command("import_jekyll", str(SITES / site), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def folded(text):
    text = unicodedata.normalize("NFKC", text or "").replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize(
    "site, path, facts",
    [param for site in ("rules", "japanese-blog", "english-blog") for param in posts_of(site)],
)
def test_each_post_is_imported_as_jekyll_built_it(site, path, facts):
    import_site(site)
    article = ImportedSource.objects.select_related("article").get(source_key=path).article
    assert article.title == facts["title"]
    if facts.get("date"):
        when = article.published_at or article.publish_at
        assert when == datetime.fromisoformat(facts["date"].replace("Z", "+00:00"))
    assert sorted(c.name for c in article.categories.all()) == sorted(str(c) for c in facts["categories"])
    assert sorted(article.tags.names()) == sorted(str(t) for t in facts["tags"])
    if facts.get("author"):
        assert article.ordered_authors[0].name == facts["author"]
    if facts["kind"] == "draft" or not facts["published"]:
        assert article.status == S.DRAFT
    elif facts["future"]:
        assert article.status == S.SCHEDULED
    else:
        assert article.status == S.PUBLISHED, f"{path} hidden as {article.status}"
    if facts.get("excerpt") and not facts.get("converter"):
        assert folded(article.excerpt)[:30] == folded(facts["excerpt"])[:30]


@pytest.mark.parametrize("site", ["rules", "japanese-blog", "english-blog", "permalink-styles"])
def test_what_jekyll_does_not_build_as_a_post_is_not_imported_and_every_post_is(site):
    _, err = import_site(site)
    files = expected(site)
    imported = set(ImportedSource.objects.values_list("source_key", flat=True))
    posts = {path for path, facts in files.items() if facts.get("post") and (site, path) not in NOT_IMPORTED}
    assert imported == posts
    for site_name, path in NOT_IMPORTED:
        if site_name == site:
            assert f"{path}: （スキップ）" in err


# Liquid left in code is code the post shows (a post about Liquid, say); a marker is a comment.
_CODE_OR_MARKER = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`|<!--.*?-->", re.DOTALL)


@pytest.mark.parametrize("site", ["japanese-blog", "english-blog"])
def test_bodies_have_no_template_syntax_links_point_here_and_images_come_along(site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    import_site(site)
    for path, facts in expected(site).items():
        if not facts.get("post"):
            continue
        source = ImportedSource.objects.select_related("article").get(source_key=path)
        body = source.article.body
        prose = _CODE_OR_MARKER.sub("", body)
        assert "{%" not in prose and "{{" not in prose and "{:" not in prose, (path, prose)
        # The fixtures' Liquid is all well-formed: no report line may call it broken.
        assert not [p for p in source.problems if "閉じていない" in p or "のない「%}」" in p], source.problems
        for link in facts.get("links") or []:
            target = ImportedSource.objects.select_related("article").get(source_key=link["target"]).article
            assert f"]({target.get_absolute_url()}" in body, (path, link)
        for asset in facts.get("assets") or []:
            if asset["exists"]:
                assert asset["src"] not in body, (path, asset)
                assert "/media/imported/" in body
            else:
                assert "取り込み時に見つからなかった画像" in body, (path, asset)
                name = asset["resolves_to"].rsplit("/", 1)[-1]
                assert any(name in problem for problem in source.problems), source.problems


def _served_at(facts):
    return facts.get("url_unescaped") or facts.get("url")


@pytest.mark.parametrize("site", ["rules", "japanese-blog", "english-blog", "permalink-styles"])
def test_every_old_address_redirects_to_its_article_once_published(site, client):
    import_site(site)
    files = expected(site)
    # Jekyll wrote posts in date order: of two at one address, the later-dated is what it served.
    served_by = {}
    for path, facts in sorted(files.items(), key=lambda item: str(item[1].get("date"))):
        if facts.get("post") and _served_at(facts) and (site, path) not in NOT_IMPORTED:
            served_by[_served_at(facts)] = path
    checked = 0
    for served, path in served_by.items():
        article = ImportedSource.objects.select_related("article").get(source_key=path).article
        response = client.get(served)
        if article.status == S.PUBLISHED:
            assert response.status_code == 301, (path, served)
            assert response["Location"] == article.get_absolute_url()
            checked += 1
        else:
            assert response.status_code == 404, (path, served)
    assert checked >= 5


@pytest.mark.parametrize(
    "style, path, url",
    [
        pytest.param(style, path, url, id=f"{style}:{path}")
        for path, facts in expected("permalink-styles").items()
        for style, url in (facts.get("urls") or {}).items()
    ],
)
def test_old_address_under_every_permalink_style(style, path, url):
    from editorial.jekyll.importer import old_addresses
    from editorial.jekyll.posts import read_post
    from editorial.jekyll.site import load_site, site_files

    site = load_site(SITES / "permalink-styles")
    site.config["permalink"] = style
    source = next(source for source in site_files(site) if source.key == path)
    assert old_addresses(read_post(source))[0] == unquote(url)  # kept decoded, as requests arrive


def test_two_space_lists_and_code_in_list_items_reach_readers_as_written(client):
    import_site("english-blog")
    article = ImportedSource.objects.get(source_key="_posts/2019-04-06-packing-list.md").article
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r"<li>Pad\s*<ul>\s*<li>Inflatable in summer</li>", html)
    assert "<pre><code># a full canister sinks deeper" in html  # a comment line, not a heading
    assert "<h1># a full canister" not in html


@pytest.mark.parametrize("site", ["rules", "japanese-blog", "english-blog"])
def test_an_exported_site_gives_jekyll_the_same_posts_at_the_same_addresses(site, tmp_path):
    from editorial.models import LegacyURL

    import_site(site)

    def snapshot():
        return sorted(
            (
                a.title,
                a.status,
                a.published_at,
                tuple(sorted(c.name for c in a.categories.all())),
                tuple(sorted(a.tags.names())),
                tuple(sorted(LegacyURL.objects.filter(article=a).values_list("path", flat=True))),
            )
            for a in Article.objects.all()
        )

    before = snapshot()
    out = tmp_path / "out"
    call_command("export_jekyll", str(out), stdout=StringIO())
    (out / "_config.yml").write_text(
        (SITES / site / "_config.yml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    Article.objects.all().delete()
    call_command("import_jekyll", str(out), stdout=StringIO(), stderr=StringIO())
    assert snapshot() == before
