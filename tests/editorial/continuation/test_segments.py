from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from editorial.continuation import segments
from editorial.exceptions import NotPermitted, WorkflowError
from editorial.models import Revision, Segment
from tests.factories import make_article

pytestmark = pytest.mark.django_db

ROOT = "電力需要の見通しは、データセンターの増設計画に大きく左右されます。特に郊外の"
BRANCH_A = "特に郊外の大型施設では、送電網の増強が追いついていません。そのため"
BRANCH_B = "特に郊外の大型施設では、自前の発電設備を持つ例が増えています。"
DEEP_A = "そのため、電力会社の設備投資は数年にわたって高止まりするでしょう。"


@pytest.fixture
def article(editor, category):
    return make_article(title="電力需要の行方", body="", excerpt="電力需要を読む。", categories=[category])


def add(article, text, by, parent=None):
    return segments.add_segment(article, text=text, by=by, parent=parent)


def test_linear_chain_stitches_the_body_and_moves_the_stage(article, editor):
    root, report = add(article, ROOT, editor)
    assert article.status == Article.Status.CONTINUATION  # the root stops mid-sentence
    branch, _ = add(article, BRANCH_A, editor)
    deep, report = add(article, DEEP_A, editor)
    assert (branch.parent, deep.parent) == (root, branch)
    assert article.body == (
        "電力需要の見通しは、データセンターの増設計画に大きく左右されます。特に郊外の大型施設では、"
        "送電網の増強が追いついていません。そのため、電力会社の設備投資は数年にわたって高止まりするでしょう。\n"
    )
    assert article.status == Article.Status.DRAFT
    assert not any(join.flagged for join in report.assembly.joins)


def test_alternatives_are_kept_and_the_latest_leaf_deep_in_an_earlier_branch_wins(article, editor):
    root, _ = add(article, ROOT, editor)
    branch_a, _ = add(article, BRANCH_A, editor)
    branch_b, _ = add(article, BRANCH_B, editor)
    assert branch_b.parent == root  # the same point as branch A: an alternative
    assert "自前の発電設備" in article.body
    deep_a, _ = add(article, DEEP_A, editor)
    assert deep_a.parent == branch_a  # continues branch A, not the newer branch B
    article.refresh_from_db()
    assert "送電網の増強" in article.body and "自前の発電設備" not in article.body
    assert Segment.objects.filter(article=article).count() == 4


def test_choosing_another_path_makes_the_body_follow(article, editor):
    add(article, ROOT, editor)
    add(article, BRANCH_A, editor)
    branch_b, _ = add(article, BRANCH_B, editor)
    add(article, DEEP_A, editor)
    segments.choose_path(article, leaf=branch_b, by=editor)
    assert "自前の発電設備" in article.body and "送電網" not in article.body
    with pytest.raises(WorkflowError):
        segments.choose_path(article, leaf=Segment.objects.get(text=BRANCH_A), by=editor)  # not a leaf


def test_hand_edits_are_kept_as_a_revision_before_reassembly(article, editor):
    add(article, ROOT, editor)
    add(article, BRANCH_A, editor)
    Article.objects.filter(pk=article.pk).update(body=article.body + "\n\n編集者が書き足した段落。")
    article.refresh_from_db()
    _, report = add(article, DEEP_A, editor)
    assert report.kept_hand_edits is not None
    assert "編集者が書き足した段落。" in report.kept_hand_edits.body
    assert report.kept_hand_edits.note == "手で編集した本文（組み立て直す前に保存）"
    assert "本文" in report.hand_edit_diff
    assert Revision.objects.filter(body__contains="編集者が書き足した段落。").exists()


def test_ties_go_to_the_most_recent_segment(article, editor):
    add(article, "同じ終わり方をする最初の部分です。共通の結び", editor, parent=None)
    second, _ = add(article, "別の段落。共通の結び", editor, parent=Segment.objects.get())
    child, _ = add(article, "共通の結びの言葉で締めくくります。", editor)
    assert child.parent == second


def test_passes_keep_the_order_written_when_the_next_server_s_clock_is_behind(article, editor):
    # Two app servers or workers a minute apart: the newer pass is still the newest.
    root, _ = add(article, ROOT, editor)
    add(article, BRANCH_A, editor)
    with time_machine.travel(timezone.now() - timedelta(minutes=1), tick=False):
        branch_b, _ = add(article, BRANCH_B, editor)
    assert "自前の発電設備" in article.body and "送電網の増強" not in article.body

    # And a tie goes to the later-written pass, not to the one with the later clock.
    other = make_article(
        title="同点の続き", body="", excerpt="同点。", categories=list(article.categories.all())
    )
    first, _ = add(other, "同じ終わり方をする最初の部分です。共通の結び", editor)
    with time_machine.travel(timezone.now() - timedelta(minutes=1), tick=False):
        second, _ = add(other, "別の段落。共通の結び", editor, parent=first)
    child, _ = add(other, "共通の結びの言葉で締めくくります。", editor)
    assert child.parent == second


def test_a_typed_body_becomes_the_first_segment(editor, category):
    article = make_article(title="手書きの記事", body="手で書いた本文は途中で", categories=[category])
    segment, _ = add(article, "本文は途中で終わらずに続きます。", editor)
    root = Segment.objects.get(parent=None)
    assert root.text == "手で書いた本文は途中で"
    assert segment.parent == root
    assert article.body == "手で書いた本文は途中で終わらずに続きます。\n"


def test_a_segment_without_overlap_is_appended_and_flagged(article, editor):
    add(article, ROOT, editor)
    _, report = add(article, "まったく別の書き出しの段落です。", editor)
    assert report.assembly.joins[-1].flagged
    assert article.body.endswith("特に郊外の\n\nまったく別の書き出しの段落です。\n")


def test_writers_add_segments_only_to_their_own_drafts(article, writer, other_writer, ready_article):
    with pytest.raises(NotPermitted):
        add(ready_article, "続き。", other_writer)
    segment, _ = add(
        ready_article, "本記事は情報提供を目的としており、投資助言ではありません。続きです。", writer
    )
    assert segment.created_by == writer


def test_empty_segment_is_refused(article, editor):
    with pytest.raises(WorkflowError, match="空です"):
        add(article, "  \n ", editor)
