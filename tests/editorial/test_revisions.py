import pytest

from articles.models import Article
from editorial import revisions
from editorial.exceptions import NotPermitted
from editorial.models import Revision
from tests.factories import READY_BODY

pytestmark = pytest.mark.django_db


def test_character_diff_marks_the_changed_characters_in_japanese():
    rows = revisions.diff_text("半導体の需要が伸びた。\n次の段落。", "半導体の需要が急に伸びた。\n次の段落。")
    assert [row.kind for row in rows] == ["replace", "equal"]
    assert rows[0].old == "半導体の需要が伸びた。"
    assert rows[0].new == "半導体の需要が<ins>急に</ins>伸びた。"


def test_diff_escapes_markup():
    rows = revisions.diff_text("本文", "本文\n<script>x</script>")
    assert rows[1].kind == "insert"
    assert rows[1].new == "&lt;script&gt;x&lt;/script&gt;"


def test_diff_reports_inserted_and_deleted_lines():
    rows = revisions.diff_text("一\n二", "一\n三\n四")
    assert [(row.kind, row.old, row.new) for row in rows][0] == ("equal", "一", "一")
    assert {row.kind for row in rows[1:]} <= {"replace", "insert"}


def test_restore_brings_back_old_content_as_a_new_revision(editor, ready_article):
    first = revisions.record_revision(ready_article, by=editor)
    Article.objects.filter(pk=ready_article.pk).update(
        title="書き換えた題", body="書き換えた本文。", version=2
    )
    ready_article.refresh_from_db()
    revisions.record_revision(ready_article, by=editor)

    restored = revisions.restore_revision(ready_article, first, by=editor)

    ready_article.refresh_from_db()
    assert (ready_article.title, ready_article.body) == ("推論モデルの台頭", READY_BODY)
    assert ready_article.version == 3
    assert restored.version == 3
    assert restored.note == "第1版から復元"
    assert Revision.objects.filter(article=ready_article).count() == 3


def test_writer_cannot_restore_someone_elses_article(other_writer, editor, ready_article):
    first = revisions.record_revision(ready_article, by=editor)
    with pytest.raises(NotPermitted):
        revisions.restore_revision(ready_article, first, by=other_writer)


def test_restoring_a_scheduled_article_sends_it_back_to_review(editor, ready_article):
    from datetime import timedelta

    from django.utils import timezone

    first = revisions.record_revision(ready_article, by=editor)
    Article.objects.filter(pk=ready_article.pk).update(
        status=Article.Status.SCHEDULED, publish_at=timezone.now() + timedelta(days=1)
    )
    revisions.restore_revision(ready_article, first, by=editor)
    assert ready_article.status == Article.Status.REVIEW
