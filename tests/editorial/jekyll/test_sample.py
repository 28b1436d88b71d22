"""The publisher's real sample, read from ../shared (never copied here)."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.text import plain_text_from_html, reading_time_minutes
from editorial.continuation.segments import assemble
from editorial.models import Segment

SAMPLE_NAME = "000_7bf48faa372e2721.txt"
# ../shared beside the checkout; a clone elsewhere (CI's) finds it by its
# absolute path or through ALLFORCES_SAMPLES.
SAMPLE_PLACES = [
    Path(os.environ.get("ALLFORCES_SAMPLES", "/nonexistent")),
    Path(__file__).resolve().parents[3].parent / "shared" / "samples",
    Path("/work/shared/samples"),
]
SAMPLE = next(
    (place / SAMPLE_NAME for place in SAMPLE_PLACES if (place / SAMPLE_NAME).exists()),
    SAMPLE_PLACES[1] / SAMPLE_NAME,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SAMPLE.exists(), reason=f"the shared sample is not at {SAMPLE}"),
]


def sentences(text):
    """Whole sentences long enough not to recur by chance ("想像してみてください。" does)."""
    found = [s.strip().lstrip(".…") for s in re.split(r"(?<=[。！？])|\n", text)]
    return [s for s in found if re.search(r"[。！？]$", s) and len(s) >= 15]


@pytest.fixture
def imported():
    call_command("import_jekyll", str(SAMPLE), verbosity=0)
    return Article.objects.get()


def test_sample_becomes_one_article_with_five_segments_in_a_tree(imported):
    segments = list(Segment.objects.filter(article=imported).order_by("id"))
    assert len(segments) == 5
    first, second, alternative, third, fourth = segments
    assert first.parent is None
    # The second and third passes both continue the first: alternatives.
    assert second.parent == first and alternative.parent == first
    assert third.parent == alternative and fourth.parent == third
    assert [s.pk for s in assemble(imported).path] == [first.pk, alternative.pk, third.pk, fourth.pk]


def test_sample_body_has_every_sentence_of_the_path_exactly_once(imported):
    path = assemble(imported).path
    assert "---END---" not in imported.body
    assert not imported.body.lstrip().startswith(imported.title)
    for segment in path:
        for sentence in sentences(segment.text):
            assert imported.body.count(sentence) == 1, sentence
    # The joins lost nothing: the cut-off words are whole again.
    assert "これらの低コストモデルをいかに自社の製品" in imported.body
    assert "あるいは、医療現場での診断支援AI" in imported.body
    assert "自らの手で新しい価値を創造していく" in imported.body
    assert not re.search(r"^\s*(\.\.\.|…)", imported.body, re.MULTILINE)


def test_sample_reading_time_follows_the_final_body(imported):
    expected = reading_time_minutes(plain_text_from_html(imported.rendered_body))
    assert imported.reading_time == expected
    assert imported.reading_time > 8  # the front matter's 8 counted the first pass only


def test_sample_is_published_at_its_date_with_its_metadata(imported):
    assert imported.status == Article.Status.PUBLISHED
    assert imported.published_at.isoformat() == "2025-10-20T16:41:25+00:00"
    assert [c.name for c in imported.categories.all()] == ["投資分析"]
    assert sorted(imported.tags.names()) == sorted(["AI", "最新ニュース", "技術動向", "投資", "チップ"])
    assert [a.name for a in imported.ordered_authors] == ["ALLFORCES編集部"]
    assert imported.ordered_authors[0].is_team


def test_reimporting_the_sample_updates_the_same_article(imported):
    before = list(Segment.objects.order_by("pk").values_list("pk", "parent_id"))
    call_command("import_jekyll", str(SAMPLE), verbosity=0)
    assert Article.objects.count() == 1
    # The same text: the tree (and any path an editor chose) is left alone.
    assert list(Segment.objects.order_by("pk").values_list("pk", "parent_id")) == before
