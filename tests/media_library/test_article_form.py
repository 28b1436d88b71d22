"""The article change form with the library: a cover chosen from it, the dialog's
script and button, and the markup that stays inside the Content Security Policy."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles.images import shown_cover
from articles.models import Article
from articles.tasks import make_cover_renditions
from editorial import pending, revisions
from media_library import library
from media_library.models import Image
from tests.editorial.admin_forms import change_form_data
from tests.factories import READY_BODY, make_article
from tests.media_library.conftest import make_image

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def own_draft(writer):
    return make_article(title="推論モデルの台頭", body=READY_BODY, authors=[writer.author_profile])


def change(client, article, **fields):
    return client.post(
        reverse("admin:articles_article_change", args=[article.pk]), change_form_data(article, **fields)
    )


def test_the_change_form_brings_the_library_and_its_cover_chooser(writer, own_draft):
    html = (
        client_for(writer).get(reverse("admin:articles_article_change", args=[own_draft.pk])).content.decode()
    )
    assert '<script src="/static/media_library/library.js" defer></script>' in html
    assert "/static/media_library/library.css" in html
    assert f'data-media-library-dialog="{reverse("admin:media_library_image_dialog")}"' in html
    assert "メディアライブラリから選ぶ" in html and "data-open-media-library" in html
    # Right after the cover field, in its fieldset.
    assert html.index('name="cover"') < html.index('name="library_cover"') < html.index('name="cover_alt"')


def test_the_add_form_brings_the_library_too(writer):
    html = client_for(writer).get(reverse("admin:articles_article_add")).content.decode()
    assert 'name="library_cover"' in html and "media_library/library.js" in html


def test_a_read_only_change_form_has_no_chooser(writer, own_draft):
    Article.objects.filter(pk=own_draft.pk).update(status=Article.Status.REVIEW)
    response = client_for(writer).get(reverse("admin:articles_article_change", args=[own_draft.pk]))
    assert response.status_code == 200
    assert "library_cover" not in response.content.decode()


def test_a_library_image_chosen_as_cover_becomes_the_cover_with_its_alt_text(
    writer, own_draft, django_capture_on_commit_callbacks
):
    image = make_image(alt="夜のデータセンター", width=1600, height=900)
    with django_capture_on_commit_callbacks() as callbacks:
        response = change(client_for(writer), own_draft, library_cover=str(image.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    own_draft.refresh_from_db()
    assert own_draft.cover.name == image.file.name and own_draft.cover_alt == "夜のデータセンター"
    # The reader site's renditions, queued after the commit as for any new cover.
    queued = [each for each in callbacks if getattr(each, "func", None) == make_cover_renditions.delay]
    assert [each.args for each in queued] == [(own_draft.pk,)]
    make_cover_renditions(own_draft.pk)
    own_draft.refresh_from_db()
    cover = shown_cover(own_draft)
    assert cover is not None and cover.srcset.count("w,") == 2
    assert [use.places for use in library.uses_of(image)] == [["表紙"]]
    assert own_draft.revisions.exists()  # a content change like any other


def test_a_typed_cover_alt_text_is_kept(writer, own_draft):
    image = make_image(alt="ライブラリの説明")
    change(client_for(writer), own_draft, library_cover=str(image.pk), cover_alt="記事に合わせた説明")
    own_draft.refresh_from_db()
    assert own_draft.cover_alt == "記事に合わせた説明"


def test_the_library_cover_wins_over_clearing_the_cover(writer, own_draft):
    image = make_image()
    change(client_for(writer), own_draft, library_cover=str(image.pk), **{"cover-clear": "on"})
    own_draft.refresh_from_db()
    assert own_draft.cover.name == image.file.name


def test_a_gif_chosen_as_cover_is_refused_in_japanese_and_nothing_typed_is_lost(writer, own_draft):
    image = make_image(format="GIF")
    response = change(client_for(writer), own_draft, library_cover=str(image.pk), title="書きかけの新しい題")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["library_cover"] == [
        "表紙にできるのは JPEG・PNG・WebP の画像だけです（この画像は GIF）。"
    ]
    html = response.content.decode()
    assert 'value="書きかけの新しい題"' in html and f'name="library_cover" value="{image.pk}"' in html
    own_draft.refresh_from_db()
    assert not own_draft.cover and own_draft.title == "推論モデルの台頭"


@pytest.mark.parametrize("value", ["999999", "abc", "1" * 40])
def test_a_cover_that_is_not_in_the_library_is_refused_in_japanese(writer, own_draft, value):
    response = change(client_for(writer), own_draft, library_cover=value)
    assert response.status_code == 200
    assert "ライブラリにありません" in response.context["adminform"].form.errors["library_cover"][0]


def test_on_a_live_article_the_library_cover_waits_in_the_pending_version(writer, author):
    live = make_article(
        title="公開中の記事", body=READY_BODY, authors=[writer.author_profile], published=True
    )
    image = make_image()
    response = change(client_for(writer), live, library_cover=str(image.pk))
    assert response.status_code == 302
    live.refresh_from_db()
    assert not live.cover  # readers keep what they had
    assert pending.pending_of(live).cover.name == image.file.name
    assert [use.places for use in library.uses_of(image)] == [["未公開の変更の表紙"]]


def test_one_image_serves_two_articles_and_keeps_one_file(writer, media):
    image = make_image()
    first = make_article(title="一つ目", body=READY_BODY, authors=[writer.author_profile])
    second = make_article(title="二つ目", body=READY_BODY, authors=[writer.author_profile])
    client = client_for(writer)
    change(client, first, library_cover=str(image.pk))
    change(client, second, body=f"{READY_BODY}\n\n{library.markdown_for(image)}")
    assert [(use.article.title, use.places) for use in library.uses_of(image)] == [
        ("一つ目", ["表紙"]),
        ("二つ目", ["本文"]),
    ]
    assert len([path for path in media.rglob("*") if path.is_file() and "/w/" not in str(path)]) == 1


@pytest.mark.django_db(transaction=True)
def test_a_delete_racing_a_save_that_chooses_the_image_as_cover_waits_and_is_refused(
    writer, editor, own_draft, monkeypatch
):
    """The save has checked the form and is about to commit; the delete waits for the
    image's row lock, then sees the article using it, and keeps the file."""
    image = make_image()
    saving, release = threading.Event(), threading.Event()
    original = revisions.commit_content_change

    def held_before_commit(*args, **kwargs):
        saving.set()
        release.wait(timeout=10)
        return original(*args, **kwargs)

    monkeypatch.setattr("editorial.admin.revisions.commit_content_change", held_before_commit)
    outcome = {}

    def save():
        try:
            outcome["save"] = change(client_for(writer), own_draft, library_cover=str(image.pk)).status_code
        finally:
            connection.close()

    def delete():
        try:
            library.delete_image(image, by=editor)
        except library.ImageInUse as refusal:
            outcome["delete"] = str(refusal)
        finally:
            connection.close()

    saver = threading.Thread(target=save)
    saver.start()
    assert saving.wait(timeout=10)
    deleter = threading.Thread(target=delete)
    deleter.start()
    deleter.join(timeout=1)
    assert deleter.is_alive(), "the delete did not wait for the save"
    release.set()
    saver.join(timeout=10)
    deleter.join(timeout=10)

    assert outcome["save"] == 302
    assert "「推論モデルの台頭」（表紙）" in outcome["delete"]
    assert Image.objects.filter(pk=image.pk).exists()
    assert Article.objects.get(pk=own_draft.pk).cover.name == image.file.name
