"""Merging by paragraph: both sides' changes kept, a choice only where both changed the same place."""

from hypothesis import given, settings
from hypothesis import strategies as st

from editorial.merging import Clash, merge, merge_paragraphs, merge_set

BASE = ["序。", "第一段落。", "第二段落。", "第三段落。", "結び。"]


def test_changes_to_different_paragraphs_are_both_kept():
    mine = ["序。", "第一段落（私が直した）。", "第二段落。", "第三段落。", "結び。"]
    theirs = ["序。", "第一段落。", "第二段落。", "第三段落（ほかの人が直した）。", "結び。", "追記。"]
    assert merge_paragraphs(BASE, mine, theirs) == [
        "序。",
        "第一段落（私が直した）。",
        "第二段落。",
        "第三段落（ほかの人が直した）。",
        "結び。",
        "追記。",
    ]


def test_a_paragraph_one_side_deleted_and_the_other_left_is_deleted():
    mine = ["序。", "第二段落。", "第三段落。", "結び。"]  # deleted 第一
    theirs = ["序。", "第一段落。", "第二段落。", "第三段落。", "結び（直した）。"]
    assert merge_paragraphs(BASE, mine, theirs) == ["序。", "第二段落。", "第三段落。", "結び（直した）。"]


def test_the_same_paragraph_changed_differently_is_a_clash_to_choose():
    mine = ["序。", "第一段落（私）。", "第二段落。", "第三段落。", "結び。"]
    theirs = ["序。", "第一段落（ほか）。", "第二段落。", "第三段落。", "結び（ほか）。"]
    merged = merge_paragraphs(BASE, mine, theirs)
    [clash] = [part for part in merged if isinstance(part, Clash)]
    assert (clash.base, clash.mine, clash.theirs) == (
        ["第一段落。"],
        ["第一段落（私）。"],
        ["第一段落（ほか）。"],
    )
    assert clash.resolved("both") == ["第一段落（私）。", "第一段落（ほか）。"]
    assert merged[-1] == "結び（ほか）。"


def test_the_same_change_on_both_sides_is_no_clash():
    same = ["序。", "第一段落（同じ直し）。", "第二段落。", "第三段落。", "結び。"]
    assert merge_paragraphs(BASE, same, same) == same


def test_sets_keep_what_each_side_added_and_drop_what_either_removed():
    assert merge_set(["AI", "GPU"], ["AI", "GPU", "決算"], ["GPU", "半導体"]) == ["GPU", "半導体", "決算"]


def test_a_value_both_changed_differently_is_a_clash():
    outcome = merge(
        base={"title": "元の題", "body": "本文。"},
        mine={"title": "私の題", "body": "本文。"},
        theirs={"title": "ほかの題", "body": "本文。\n\n追記。"},
        theirs_version=3,
    )
    assert [clash.key for clash in outcome.clashes] == ["field-title"]
    assert outcome.result({"field-title": "theirs"})["title"] == "ほかの題"
    assert outcome.result({"field-title": "mine"})["body"] == "本文。\n\n追記。"


PARAGRAPHS = st.lists(st.sampled_from([f"段落{n}。" for n in range(8)]), max_size=8)


@settings(max_examples=300, deadline=None)
@given(base=PARAGRAPHS, mine=PARAGRAPHS, theirs=PARAGRAPHS)
def test_nothing_is_lost_without_a_clash_to_show_it(base, mine, theirs):
    """Every paragraph either side has (and the base lacks) is in the merge or in a clash;
    and one side unchanged gives exactly the other side."""
    merged = merge_paragraphs(base, mine, theirs)
    kept = [part for part in merged if not isinstance(part, Clash)]
    shown = [p for part in merged if isinstance(part, Clash) for p in part.mine + part.theirs]
    for paragraph in set(mine + theirs) - set(base):
        assert paragraph in kept or paragraph in shown
    if mine == base:
        assert merged == theirs
    if theirs == base:
        assert merged == mine


def test_neighbouring_paragraphs_changed_by_different_people_both_stay():
    mine = ["序。", "第一段落。", "第二段落（私）。", "第三段落。", "結び。"]
    theirs = ["序。", "第一段落（ほか）。", "第二段落。", "第三段落。", "結び。"]
    assert merge_paragraphs(BASE, mine, theirs) == [
        "序。",
        "第一段落（ほか）。",
        "第二段落（私）。",
        "第三段落。",
        "結び。",
    ]


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(["段落", "a", " ", "\u3000", "\n", "```", "- ", "    "]), max_size=40),
    crlf=st.booleans(),
)
def test_a_body_splits_into_paragraphs_that_join_back_to_it(pieces, crlf):
    """Nothing of the text is lost or added by the split, whatever its blank lines and fences."""
    from editorial.merging import join, paragraphs

    text = "".join(pieces)
    text = text.replace("\n", "\r\n") if crlf else text
    assert join(paragraphs(text)) == text
