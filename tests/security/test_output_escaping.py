"""Everywhere text from an article reaches a browser, a payload in it stays text.

Titles, excerpts, bodies, tags, author and category names, segment texts,
revision texts and workflow comments all carry the same payload; each page
or answer that shows them is read with a real HTML parser (see
``html_checks``) and must show the payload's marker without running it.
"""

import re
import xml.etree.ElementTree as ElementTree
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import previews, revisions, workflow
from editorial.continuation import segments as continuation
from editorial.models import Notification, Transition
from tests.factories import make_article, make_author, make_category
from tests.security.access import client_for
from tests.security.html_checks import executable_vectors, payload_escapes_page
from tests.security.xss_corpus import CORPUS, MARKER

pytestmark = pytest.mark.django_db

# Breaks out of attributes, elements and the JSON-LD script, in under 100 characters.
PAYLOAD = (
    "\"'></script><img src=x onerror=alert(7331)><svg onload=alert(7331)><a href=javascript:alert(7331)>"
)
BODY = "## GPU市場\n\nGPU市場の分析です。\n\n" + "\n\n".join(source for _, source in CORPUS[::7])


def assert_payload_is_text(html: str):
    assert MARKER in html, "the payload never reached the page, so the check proves nothing"
    assert payload_escapes_page(html, MARKER) == []


def test_page_check_catches_a_payload_that_escapes():
    assert payload_escapes_page(f"<p>{PAYLOAD}</p>", MARKER) != []
    assert payload_escapes_page(
        '<script type="application/ld+json">{"a": "</script><script>7331</script>', MARKER
    )


@pytest.fixture
def poisoned(writer, editor):
    author = make_author(name=PAYLOAD, slug="poisoned-author")
    category = make_category(name=PAYLOAD, slug="poisoned-category")
    live = make_article(
        title=PAYLOAD,
        body=BODY,
        excerpt=PAYLOAD,
        authors=[author, writer.author_profile],
        categories=[category],
        tags=[PAYLOAD[:100]],
        published=True,
    )
    Transition.objects.create(
        article=live, from_status="review", to_status="published", actor=editor, comment=PAYLOAD
    )
    return {"live": live, "author": author, "category": category, "tag": live.tags.get()}


def reader_pages(poisoned):
    live = poisoned["live"]
    return [
        live.get_absolute_url(),
        reverse("articles:home"),
        reverse("articles:category", kwargs={"slug": poisoned["category"].slug}),
        reverse("articles:author", kwargs={"slug": poisoned["author"].slug}),
        reverse("articles:tag", kwargs={"slug": poisoned["tag"].slug}),
        reverse("articles:archive_year", kwargs={"year": timezone.localtime(live.published_at).year}),
        reverse("articles:search") + "?q=GPU",
        reverse("articles:search") + "?q=" + PAYLOAD,
    ]


@pytest.mark.parametrize("role", ["anonymous", "editor"])
def test_reader_pages_show_payloads_as_text(role, poisoned, editor):
    client = client_for(editor if role == "editor" else None)
    for url in reader_pages(poisoned):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_payload_is_text(response.content.decode())


def test_article_body_on_the_reader_page_is_the_sanitised_rendering(client, poisoned):
    page = client.get(poisoned["live"].get_absolute_url()).content.decode()
    body = page.split('<div class="article-body', 1)[1].split("</article>", 1)[0]
    body = body.split(">", 1)[1]
    assert "GPU市場の分析です。" in body
    assert executable_vectors(body, strict_allowlist=False) == []


def test_search_snippet_marks_terms_and_escapes_the_rest(client, writer):
    # A code span keeps the markup as text, so it is in the searchable text and the snippet.
    make_article(title="記事", body="GPU `<img src=x onerror=alert(7331)>` GPU市場", published=True)
    page = client.get(reverse("articles:search"), {"q": "GPU"}).content.decode()
    assert "<mark>GPU</mark>" in page
    assert_payload_is_text(page)


def _feed_texts(xml: str):
    """(element name, text) of every title and HTML-bearing element of each entry."""
    root = ElementTree.fromstring(xml)
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in {"title", "description", "summary", "content", "name", "creator", "category"}:
            yield name, element.text or element.get("term") or ""


@pytest.mark.parametrize("full_text", [False, True])
@pytest.mark.parametrize("feed", ["articles:feed_rss", "articles:feed_atom"])
def test_feeds_carry_payloads_as_text(feed, full_text, client, poisoned, settings):
    settings.FEED_FULL_TEXT = full_text
    xml = client.get(reverse(feed)).content.decode()
    texts = list(_feed_texts(xml))  # parses: the payload did not break the XML either
    assert any(MARKER in text for _, text in texts)
    for name, text in texts:
        if name in {"description", "summary", "content"} or (name == "title" and feed.endswith("rss")):
            # Readers render these as HTML.
            assert executable_vectors(text, strict_allowlist=full_text and name != "title") == [], (
                name,
                text,
            )
            if not (full_text and name in {"description", "summary", "content"}):
                assert "<" not in text.replace("&lt;", ""), (name, text)


def test_markdown_live_preview_answers_sanitised_html(writer, settings):
    settings.PREVIEW_RATE_PER_SECOND = 10_000  # the whole corpus at once; the limit has its own tests
    client = client_for(writer)
    # The preview ends with the counts for the editor's count line: our own markup, numbers only.
    counts_mark = re.compile(
        r'<span hidden class="writing-counts-data" data-characters="\d+" data-latin-words="\d+"'
        r' data-reading-minutes="\d+"></span>$'
    )
    for _, source in CORPUS:
        response = client.post(reverse("editorial:markdown_preview"), {"content": source})
        assert response.status_code == 200
        html, found = counts_mark.subn("", response.content.decode())
        assert found == 1, source
        assert executable_vectors(html) == [], source


@pytest.fixture
def poisoned_draft(writer, category):
    draft = make_article(
        title=PAYLOAD, body=BODY, excerpt=PAYLOAD, authors=[writer.author_profile], categories=[category]
    )
    revisions.record_revision(draft, by=writer)
    Article.objects.filter(pk=draft.pk).update(body=BODY + "\n\n" + PAYLOAD, title="改題 " + PAYLOAD)
    draft.refresh_from_db()
    revisions.record_revision(draft, by=writer)
    return draft


def test_admin_pages_show_payloads_as_text(editor, poisoned, poisoned_draft):
    client = client_for(editor)
    first, second = poisoned_draft.revisions.order_by("pk")
    make_article(  # for the schedule page
        title=PAYLOAD, status=Article.Status.SCHEDULED, publish_at=timezone.now() + timedelta(days=1)
    )
    for url in [
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_change", args=[poisoned["live"].pk]),
        reverse("admin:articles_article_change", args=[poisoned_draft.pk]),
        reverse("admin:articles_article_history", args=[poisoned_draft.pk]),
        reverse("admin:articles_article_preview", args=[poisoned_draft.pk]),
        reverse("admin:articles_article_revision_diff", args=[poisoned_draft.pk])
        + f"?from={first.pk}&to={second.pk}",
        reverse("admin:articles_article_revision_diff", args=[poisoned_draft.pk]) + f"?from={first.pk}",
        reverse("admin:articles_article_schedule"),
        reverse("admin:articles_author_changelist"),
        reverse("admin:articles_category_changelist"),
        reverse("admin:taggit_tag_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_payload_is_text(response.content.decode())


def test_the_desk_and_the_notifications_show_payloads_as_text(writer, editor, poisoned, poisoned_draft):
    S = Article.Status
    submitted = Transition.objects.create(
        article=poisoned_draft, from_status=S.DRAFT, to_status=S.REVIEW, actor=writer, comment=PAYLOAD
    )
    sent_back = Transition.objects.create(
        article=poisoned_draft, from_status=S.REVIEW, to_status=S.DRAFT, actor=editor, comment=PAYLOAD
    )
    Notification.objects.create(
        recipient=editor, kind=Notification.Kind.SUBMITTED, article=poisoned_draft, transition=submitted
    )
    Notification.objects.create(
        recipient=writer,
        kind=Notification.Kind.CHANGES_REQUESTED,
        article=poisoned_draft,
        transition=sent_back,
    )
    make_article(title=PAYLOAD, status=S.REVIEW, authors=[writer.author_profile])  # the review queue
    make_article(  # the week's schedule
        title=PAYLOAD,
        status=S.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=1),
        authors=[writer.author_profile],
    )
    for user in (writer, editor):
        client = client_for(user)
        for url in (reverse("admin:index"), reverse("admin:notifications")):
            response = client.get(url)
            assert response.status_code == 200, url
            assert_payload_is_text(response.content.decode())


def test_shared_preview_shows_payloads_as_text(client, poisoned_draft):
    token = previews.preview_token(poisoned_draft)
    response = client.get(reverse("editorial:shared_preview", kwargs={"token": token}))
    assert response.status_code == 200
    assert_payload_is_text(response.content.decode())


def test_continuation_panel_shows_segments_joins_and_alternatives_as_text(editor, poisoned_draft):
    Article.objects.filter(pk=poisoned_draft.pk).update(body="最初の部分です。" + PAYLOAD)
    poisoned_draft.refresh_from_db()
    first, _ = continuation.add_segment(poisoned_draft, text=PAYLOAD + "続きその一。", by=editor)
    root = first.parent
    continuation.add_segment(poisoned_draft, text=PAYLOAD + "続きその二。", by=editor, parent=root)
    client = client_for(editor)
    url = reverse("admin:articles_article_continuation", args=[poisoned_draft.pk])
    panel = client.get(url)
    assert panel.status_code == 200
    assert_payload_is_text(panel.content.decode())
    join_preview = client.post(url, {"action": "preview", "text": PAYLOAD + "さらに続き。"})
    assert join_preview.status_code == 200
    assert join_preview.context["preview"] is not None
    assert_payload_is_text(join_preview.content.decode())


def test_workflow_messages_echo_bad_input_as_text(editor, writer, poisoned_draft):
    from tests.editorial.admin_forms import change_form_data

    Article.objects.filter(pk=poisoned_draft.pk).update(body=BODY)
    poisoned_draft.refresh_from_db()
    workflow.place_imported(poisoned_draft, stage=Article.Status.REVIEW)
    poisoned_draft.refresh_from_db()
    client = client_for(editor)
    data = change_form_data(poisoned_draft, _workflow="approve", _workflow_publish_at=PAYLOAD)
    response = client.post(
        reverse("admin:articles_article_change", args=[poisoned_draft.pk]), data, follow=True
    )
    assert response.status_code == 200
    assert "日時の形式が正しくありません" in response.content.decode()
    assert_payload_is_text(response.content.decode())
