from hypothesis import assume, given, settings
from hypothesis import strategies as st

from editorial.continuation.stitching import find_overlap, stitch, stitch_all

FIRST = "半導体の在庫調整は、来年の前半まで続くとの見方が多い。しかし装置メーカーの受注は"
SECOND = "しかし装置メーカーの受注は、すでに底打ちの兆しを見せている。"
WHOLE = "半導体の在庫調整は、来年の前半まで続くとの見方が多い。しかし装置メーカーの受注は、すでに底打ちの兆しを見せている。"


def test_exact_overlap_is_kept_once():
    text, join = stitch(FIRST, SECOND)
    assert text == WHOLE
    assert not join.flagged and not join.fuzzy


def test_leading_ellipsis_and_whitespace_are_dropped_before_matching():
    for lead in ("...", "…", "……", "\n\n...", "  … "):
        text, join = stitch(FIRST + "\n", lead + SECOND)
        assert text == WHOLE, lead
        assert not join.flagged


def test_whitespace_and_width_differences_inside_the_overlap():
    parent = "市場の反応は　ＡＩ関連株に集中し、特に"
    child = "AI関連株に集中し,特に 電力株が上昇した。"
    text, join = stitch(parent, child)
    assert text == "市場の反応は　ＡＩ関連株に集中し、特に 電力株が上昇した。"
    assert join.overlap.length == len("AI関連株に集中し,特に")


def test_a_one_character_slip_is_still_found():
    parent = "利益率の改善は、主に価格転嫁の進展によるものと考えられる。ただし原材料"
    child = "価格転嫁の進展によるものと考えらる。ただし原材料の価格は高止まりしている。"
    text, join = stitch(parent, child)
    assert text == parent + "の価格は高止まりしている。"
    assert join.fuzzy


def test_no_overlap_appends_and_flags_the_join():
    text, join = stitch("第一段落の終わり。", "まったく別の話題から始まる文章。")
    assert text == "第一段落の終わり。\n\nまったく別の話題から始まる文章。"
    assert join.flagged


def test_english_overlap():
    text, join = stitch("Margins improved as the company raised", "the company raised prices twice.")
    assert text == "Margins improved as the company raised prices twice."
    assert not join.flagged


def test_a_short_coincidence_is_not_an_overlap():
    assert find_overlap("結論はこうだ。", "だ。次に進もう。") is None


def test_stitching_a_chain():
    body, joins = stitch_all(
        ["一つ目の段落はここで終わ", "ここで終わる。二つ目の段落は続", "段落は続いていく。"]
    )
    assert body == "一つ目の段落はここで終わる。二つ目の段落は続いていく。"
    assert [join.flagged for join in joins] == [False, False]


# Content characters never repeat, so every overlap is unambiguous; the
# filler between them (spaces, newlines, punctuation) repeats freely.
CJK = range(0x4E00, 0xA000)
FILLER = ["", "", "", " ", "\n", "\n\n", "、", "。"]


@st.composite
def text_and_cuts(draw):
    rng = draw(st.randoms(use_true_random=False))
    size = draw(st.integers(min_value=40, max_value=600))
    text = "".join(chr(code) + rng.choice(FILLER) for code in rng.sample(CJK, size))
    pieces = draw(st.integers(min_value=2, max_value=6))
    cuts, start, previous_end = [], 0, 0
    for _ in range(pieces - 1):
        end = draw(st.integers(min_value=previous_end + 20, max_value=previous_end + 300))
        if end >= len(text) - 20:
            break
        overlap = draw(st.integers(min_value=12, max_value=60))
        cuts.append((start, end))
        start, previous_end = max(start + 1, end - overlap), end
    cuts.append((start, len(text)))
    return text, cuts


@settings(max_examples=200, deadline=None)
@given(text_and_cuts())
def test_cutting_into_overlapping_segments_and_stitching_gives_the_text_back(case):
    text, cuts = case
    segments = [text[start:end] for start, end in cuts]
    # Each cut must repeat at least a few characters of real content.
    assume(all(len(text[cuts[i + 1][0] : cuts[i][1]].strip(" \n、。")) >= 8 for i in range(len(cuts) - 1)))
    body, joins = stitch_all(segments)
    assert body == text
    assert not any(join.flagged for join in joins)


def test_a_slip_at_the_end_leaves_no_stray_character():
    parent = "利益率の改善は、主に価格転嫁の進展によるものと考えられる"
    text, join = stitch(parent, "価格転嫁の進展によるものと考えられた。そして次の話題へ")
    assert text == parent + "。そして次の話題へ"
    assert join.fuzzy


def test_half_width_katakana_with_sound_marks_matches_full_width():
    assert (
        stitch("彼はそう言った。パパは言った", "ﾊﾟﾊﾟは言った。そして")[0]
        == "彼はそう言った。パパは言った。そして"
    )
    assert (
        stitch("彼はそう言った。ﾊﾟﾊﾟは言った", "パパは言った。そして")[0]
        == "彼はそう言った。ﾊﾟﾊﾟは言った。そして"
    )
