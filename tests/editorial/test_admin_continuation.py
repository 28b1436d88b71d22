import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Article
from editorial.continuation import segments
from editorial.models import Segment
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
