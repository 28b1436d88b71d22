"""Feed text that names a category, a tag or an author is escaped as item titles are."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils.html import escape
from taggit.models import Tag

from tests.factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db

NAME = '<script>alert("x")</script> & Co'
ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"


@pytest.fixture
def subjects():
    category = make_category(name=NAME, slug="dangerous-category")
    author = make_author(name=NAME, slug="dangerous-author")
    make_article(title="記事", authors=[author], categories=[category], tags=[NAME], published=True)
    return {"category": category.slug, "author": author.slug, "tag": Tag.objects.get(name=NAME).slug}


@pytest.mark.parametrize("scope", ["category", "tag", "author"])
def test_rss_channel_title_creator_and_categories_are_escaped_once_as_item_titles_are(
    scope, subjects, client
):
    response = client.get(reverse(f"articles:{scope}_rss", kwargs={"slug": subjects[scope]}))
    channel = ElementTree.fromstring(response.content).find("channel")
    item = channel.find("item")
    # An RSS reader takes these as HTML: the text it reads is the name escaped, once.
    assert channel.findtext("title") == f"ALLFORCES: {escape(NAME)}"
    assert item.findtext("title") == escape("記事")
    assert item.findtext(DC_CREATOR) == escape(NAME)
    assert [category.text for category in item.findall("category")] == [escape(NAME), escape(NAME)]


@pytest.mark.parametrize("scope", ["category", "tag", "author"])
def test_atom_feed_title_author_and_categories_are_text_as_entry_titles_are(scope, subjects, client):
    response = client.get(reverse(f"articles:{scope}_atom", kwargs={"slug": subjects[scope]}))
    feed = ElementTree.fromstring(response.content)
    entry = feed.find(f"{ATOM}entry")
    # Atom's titles and names are text (RFC 4287): XML's own escaping is the only one.
    assert feed.findtext(f"{ATOM}title") == f"ALLFORCES: {NAME}"
    assert entry.findtext(f"{ATOM}title") == "記事"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == NAME
    assert [category.get("term") for category in entry.findall(f"{ATOM}category")] == [NAME, NAME]
