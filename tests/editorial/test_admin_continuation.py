import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Article
from editorial import pending
from editorial.continuation import segments
from editorial.models import Revision, Segment
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ROOT = "新しい冷却技術の導入は、データセンターの電力効率を大きく改善します。液冷方式では"
CHILD = "…液冷方式では、サーバーを直接冷やすため、空調の電力を半分近くまで減らせます。"


@pytest.fixture
def article(writer, category):
    return make_article(
        title="冷却技術と電力効率",
        body="",
        excerpt="冷却の話。",
        authors=[writer.author_profile],
        categories=[category],
    )


def url(article):
    return reverse("admin:articles_article_continuation", args=[article.pk])


def test_preview_shows_the_detected_parent_and_the_overlap(client, writer, article):
    root, _ = segments.add_segment(article, text=ROOT, by=writer)
    client.force_login(writer)
    response = client.post(url(article), {"action": "preview", "text": CHILD, "parent": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"#{root.pk} の続き（重なり 6字）" in html
    assert "<mark>液冷方式では</mark>" in html
    assert Segment.objects.count() == 1  # nothing added yet


def test_add_after_preview_and_the_tree_marks_the_path(client, writer, article):
    root, _ = segments.add_segment(article, text=ROOT, by=writer)
    client.force_login(writer)
    response = client.post(
        url(article), {"action": "add", "text": CHILD, "parent": "", "confirmed_parent": str(root.pk)}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body.startswith("新しい冷却技術の導入は")
    assert "液冷方式では、サーバーを直接冷やす" in article.body
    assert article.status == Article.Status.DRAFT
    html = client.get(url(article)).content.decode()
    assert html.count(' on-path"') == 2


def test_correcting_the_parent_and_choosing_a_path(client, editor, article):
    root, _ = segments.add_segment(article, text=ROOT, by=editor)
    first, _ = segments.add_segment(article, text=CHILD, by=editor)
    client.force_login(editor)
    # The editor says the new text continues the root, not the latest segment.
    other = "液冷方式では、配管の保守が新しい課題になります。"
    client.post(url(article), {"action": "add", "text": other, "parent": str(root.pk)})
    alternative = Segment.objects.get(text=other)
    assert alternative.parent == root
    html = client.get(url(article)).content.decode()
    assert f"#{root.pk} からの別案" in html
    response = client.post(url(article), {"action": "choose", "leaf": str(first.pk)})
    article.refresh_from_db()
    assert "空調の電力" in article.body and "配管の保守" not in article.body
    assert "までの経路を本文にしました" in " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_empty_text_is_refused_in_japanese(client, editor, article):
    client.force_login(editor)
    response = client.post(url(article), {"action": "preview", "text": ""})
    assert "追加する本文を貼り付けてください。" in response.content.decode()


def test_other_writers_cannot_see_or_add(client, other_writer, article):
    client.force_login(other_writer)
    assert client.get(url(article)).status_code == 403
    assert client.post(url(article), {"action": "add", "text": CHILD}).status_code == 403
    assert not Segment.objects.exists()


# A published article (issue 15, item 3): its body changes only through its pending version.


@pytest.fixture
def live(writer, category):
    return make_article(
        title="公開中の冷却技術",
        body=ROOT,
        excerpt="冷却の話。",
        authors=[writer.author_profile],
        categories=[category],
        published=True,
    )


def said(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def test_adding_to_a_published_article_makes_a_pending_version_readers_do_not_see(client, editor, live):
    client.force_login(editor)
    page = client.get(url(live)).content.decode()
    assert "未公開の変更</strong>として保存され" in page

    response = client.post(url(live), {"action": "add", "text": CHILD, "parent": ""})

    assert response.status_code == 302
    assert "組み立てた本文は未公開の変更として保存しました" in said(response)
    live.refresh_from_db()
    assert live.body == ROOT and live.status == Article.Status.PUBLISHED
    proposed = pending.pending_of(live)
    assert "空調の電力を半分近くまで減らせます" in proposed.body
    assert proposed.saved_by == editor and proposed.based_on_version == live.version
    assert not Revision.objects.filter(article=live).exists()  # the live content did not change
    page = client.get(url(live)).content.decode()
    assert "組み立てた本文のプレビュー（未公開の変更）" in page and "空調の電力" in page


def test_choosing_a_path_of_a_published_article_extends_its_pending_version(client, editor, live):
    client.force_login(editor)
    client.post(url(live), {"action": "add", "text": CHILD, "parent": ""})
    live.refresh_from_db()
    root = Segment.objects.get(parent=None)
    # An edit of the title in the form is part of the same pending version and stays.
    pending.PendingVersion.objects.filter(article=live).update(title="直したタイトル")
    other = "液冷方式では、配管の保守が新しい課題になります。"
    client.post(url(live), {"action": "add", "text": other, "parent": str(root.pk)})
    first = Segment.objects.get(text=CHILD)

    client.post(url(live), {"action": "choose", "leaf": str(first.pk)})

    live.refresh_from_db()
    proposed = pending.pending_of(live)
    assert "空調の電力" in proposed.body and "配管の保守" not in proposed.body
    assert proposed.title == "直したタイトル"
    assert live.body == ROOT


def test_hand_edits_in_a_pending_version_are_kept_as_a_revision_before_reassembling(client, editor, live):
    client.force_login(editor)
    client.post(url(live), {"action": "add", "text": CHILD, "parent": ""})
    live.refresh_from_db()
    pending.PendingVersion.objects.filter(article=live).update(body="手で直した未公開の本文。")
    other = "液冷方式では、配管の保守が新しい課題になります。"

    response = client.post(url(live), {"action": "add", "text": other, "parent": ""})

    assert "手で編集されていた本文は" in said(response)
    kept = Revision.objects.get(article=live, note__startswith="手で編集した本文")
    assert kept.body == "手で直した未公開の本文。"


def test_a_writer_may_continue_their_own_published_article_as_a_proposal(client, writer, live):
    client.force_login(writer)

    response = client.post(url(live), {"action": "add", "text": CHILD, "parent": ""})

    assert response.status_code == 302
    live.refresh_from_db()
    assert live.body == ROOT
    assert "空調の電力" in pending.pending_of(live).body
