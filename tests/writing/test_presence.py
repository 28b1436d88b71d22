"""Who else has an article open: heartbeats in the real cache, never blocking."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_article
from writing import presence

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(writer, category):
    return make_article(title="下書き", authors=[writer.author_profile], categories=[category])


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def beat(client, article, **data):
    return client.post(reverse("writing:presence", args=[article.pk]), data)


def test_each_sees_the_others_by_name(draft, writer, editor):
    assert beat(client_for(writer), draft).json() == {"others": []}
    assert beat(client_for(editor), draft).json() == {"others": [{"name": "山田 書子"}]}
    assert beat(client_for(writer), draft).json() == {"others": [{"name": "editor"}]}


def test_someone_not_heard_from_has_left(draft, writer, editor):
    beat(client_for(editor), draft)
    with time_machine.travel(timezone.now() + presence.timedelta_gone(), tick=False):
        assert beat(client_for(writer), draft).json() == {"others": []}


def test_leaving_says_goodbye(draft, writer, editor):
    beat(client_for(editor), draft)
    beat(client_for(editor), draft, leaving="1")
    assert beat(client_for(writer), draft).json() == {"others": []}


def test_the_change_form_names_who_is_there_and_still_lets_you_save(draft, writer, editor):
    beat(client_for(editor), draft)
    page = client_for(writer).get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert "editorさんもこの記事を開いています。" in page
    assert 'name="_save"' in page


def test_the_list_marks_articles_others_have_open_but_only_those_you_may_see(
    draft, writer, editor, other_writer
):
    beat(client_for(editor), draft)
    url = reverse("writing:presence_list")
    assert client_for(writer).post(url, {"article": [draft.pk, "x"]}).json() == {
        "present": {str(draft.pk): ["editor"]}
    }
    assert client_for(other_writer).post(url, {"article": [draft.pk]}).json() == {"present": {}}


def test_a_writer_outside_the_article_learns_nothing(draft, other_writer):
    assert beat(client_for(other_writer), draft).status_code == 404
    assert beat(Client(), draft).status_code == 403


def test_ids_no_database_can_hold_are_ignored(draft, writer):
    response = client_for(writer).post(
        reverse("writing:presence_list"), {"article": ["9" * 5000, "²", draft.pk]}
    )
    assert response.status_code == 200
