import random
import time

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from editorial.continuation.stitching import (
    _allowed_edits,
    _fuzzy_candidates,
    _fuzzy_overlap,
    find_overlap,
    stitch,
    stitch_all,
)

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


def _levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        previous = current
    return previous[-1]


def _fuzzy_overlap_by_the_book(parent, child, longer_than):
    """_fuzzy_overlap with a full table per child length and no shortcut."""
    for start in _fuzzy_candidates(parent, child):
        length = len(parent) - start
        if length <= longer_than:
            break
        limit, best = _allowed_edits(length), None
        lengths = range(max(1, length - limit), min(len(child), length + limit) + 1)
        for child_length in sorted(lengths, key=lambda candidate: abs(candidate - length)):
            distance = _levenshtein(parent[start:], child[:child_length])
            if distance <= limit and (best is None or distance < best[2]):
                best = (length, child_length, distance)
        if best is not None:
            return best
    return None


@st.composite
def parent_and_near_repeat(draw):
    """A parent of few letters (so pieces recur) and a child repeating its end with a few edits."""
    letters = st.sampled_from("あいうえの。")
    parent = draw(st.text(letters, min_size=8, max_size=140))
    child = list(parent[draw(st.integers(0, len(parent) - 1)) :])
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(child)))
        kind = draw(st.sampled_from(["replace", "insert", "delete"]))
        if kind == "insert" or not child:
            child.insert(at, draw(letters))
        elif kind == "replace":
            child[min(at, len(child) - 1)] = draw(letters)
        else:
            del child[min(at, len(child) - 1)]
    return parent, "".join(child) + draw(st.text(letters, max_size=30))


@settings(max_examples=300, deadline=None)
@given(parent_and_near_repeat(), st.sampled_from([0, 7, 20]))
def test_the_near_repeat_found_is_the_one_a_full_table_finds(case, longer_than):
    parent, child = case
    assert _fuzzy_overlap(parent, child, longer_than) == _fuzzy_overlap_by_the_book(
        parent, child, longer_than
    )


def _repetitive(seed, length):
    # Few phrases, as a long article repeats its subject: many starts look alike for a while.
    rng = random.Random(seed)
    subjects = ["半導体の需要", "データセンターの電力", "推論モデルの費用", "日本企業の投資", "GPUの供給"]
    endings = [
        "は今後も増えるでしょう。",
        "が注目されています。",
        "を見直す動きが続いています。",
        "に変化が見えます。",
    ]
    text = ""
    while len(text) < length:
        text += rng.choice(subjects) + rng.choice(endings)
    return text[:length]


def test_two_passes_of_repetitive_prose_are_compared_in_well_under_a_second():
    # Before the distances to every child length came from one table, behind a cheap filter,
    # this pair took about 10 s: a pass sent through the API timed out its worker.
    parent, child = _repetitive(1, 4000), _repetitive(2, 4000)
    started = time.perf_counter()
    assert find_overlap(parent, child) is None
    assert time.perf_counter() - started < 1.0
    joined, join = stitch(parent, parent[-30:] + child)
    assert joined == parent + child and not join.flagged


def test_a_remembered_overlap_is_placed_in_each_longer_parent():
    # The two parents end alike, so the second comparison is answered from the first's.
    long_parent = "前置きの文です。" * 1000 + FIRST
    for parent in (long_parent, "別の書き出し。" + long_parent):
        text, join = stitch(parent, SECOND)
        assert text == parent[: -len(FIRST)] + WHOLE
        assert join.overlap.parent_start == len(parent) - len("しかし装置メーカーの受注は")
