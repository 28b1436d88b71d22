"""A commented passage is found again by its text after the text around it changes."""

from hypothesis import given, settings
from hypothesis import strategies as st

from editorial.comments.anchoring import Anchor, anchor_at, locate, nearest, paragraph_number, paragraphs

BODY = (
    "生成AIの投資は続いている。\n\n"
    "GPUの需要はデータセンターで伸びた。とくに推論の需要が大きい。\n\n"
    "一方で電力の制約が課題になる。"
)


def place_of(text, quote):
    start = text.index(quote)
    return start, start + len(quote)


def test_paragraphs_are_blocks_between_blank_lines():
    places = paragraphs(BODY)
    assert [BODY[p.start : p.end] for p in places] == [
        "生成AIの投資は続いている。",
        "GPUの需要はデータセンターで伸びた。とくに推論の需要が大きい。",
        "一方で電力の制約が課題になる。",
    ]
    assert paragraph_number(BODY, BODY.index("電力")) == 3
    assert paragraph_number(BODY, BODY.index("\n\n")) is None


def test_a_passage_is_found_after_text_is_added_above_it():
    anchor = anchor_at(BODY, *place_of(BODY, "推論の需要が大きい"))
    edited = "## はじめに\n\n前置きを足した。\n\n" + BODY
    found = locate(edited, anchor)
    assert edited[found.start : found.end] == "推論の需要が大きい"


def test_the_same_sentence_twice_is_told_apart_by_what_surrounds_it():
    text = "前半の話。結論は同じ。\n\n後半の話。結論は同じ。"
    second = text.rindex("結論は同じ。")
    anchor = anchor_at(text, second, second + len("結論は同じ。"))
    edited = "追記。" + text
    found = locate(edited, anchor)
    assert found.start == edited.rindex("結論は同じ。")


def test_a_passage_edited_in_place_is_followed_to_its_new_wording():
    anchor = anchor_at(BODY, *place_of(BODY, "GPUの需要はデータセンターで伸びた。"))
    edited = BODY.replace("GPUの需要はデータセンターで伸びた。", "GPUの需要はデータセンターで大きく伸びた。")
    found = locate(edited, anchor)
    assert edited[found.start : found.end] == "GPUの需要はデータセンターで大きく伸びた。"


def test_a_deleted_passage_is_orphaned():
    anchor = anchor_at(BODY, *place_of(BODY, "GPUの需要はデータセンターで伸びた。とくに推論の需要が大きい。"))
    edited = BODY.replace("GPUの需要はデータセンターで伸びた。とくに推論の需要が大きい。\n\n", "")
    assert locate(edited, anchor) is None


def test_a_passage_replaced_by_something_else_is_not_mistaken_for_it():
    anchor = anchor_at(BODY, *place_of(BODY, "GPUの需要はデータセンターで伸びた。とくに推論の需要が大きい。"))
    edited = BODY.replace(
        "GPUの需要はデータセンターで伸びた。とくに推論の需要が大きい。",
        "規制当局は来年に新しい指針を出す見込みだ。",
    )
    assert locate(edited, anchor) is None


def test_nearest_takes_the_occurrence_where_the_selection_was():
    text = "同じ文。別の文。同じ文。"
    assert nearest(text, "同じ文。", hint=9).start == 8
    assert nearest(text, "同じ文。", hint=0).start == 0
    assert nearest(text, "無い文", hint=0) is None


def test_an_empty_quote_is_never_located():
    assert locate(BODY, Anchor("")) is None


WORDS = st.lists(
    st.text(alphabet="あいうえおかきくけこ投資需要電力ABCxyz。、", min_size=1, max_size=12),
    min_size=3,
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(
    words=WORDS,
    pick=st.data(),
    before=st.text(alphabet="さしすせそ。\n", max_size=40),
    after=st.text(alphabet="たちつてと。\n", max_size=40),
)
def test_a_passage_survives_any_edit_outside_it(words, pick, before, after):
    """Whatever is added before and after the passage, it is found at its new place."""
    # Numbered words keep every passage unique in the text, as a real paragraph almost always is.
    parts = [f"{index:03d}{word}" for index, word in enumerate(words)]
    text = "".join(parts)
    first = pick.draw(st.integers(0, len(parts) - 1))
    last = pick.draw(st.integers(first, len(parts) - 1))
    start = len("".join(parts[:first]))
    end = len("".join(parts[: last + 1]))
    anchor = anchor_at(text, start, end)
    edited = before + text[:start] + text[start:end] + text[end:] + after
    found = locate(edited, anchor)
    assert found is not None
    assert (found.start, found.end) == (len(before) + start, len(before) + end)


@settings(max_examples=200, deadline=None)
@given(words=WORDS, pick=st.data(), inserted=st.text(alphabet="はひふへほ", min_size=1, max_size=3))
def test_a_passage_edited_inside_is_followed_to_its_new_wording(words, pick, inserted):
    """A small edit inside the passage, with the text around it unchanged: the
    comment moves to exactly the passage as it now reads."""
    parts = [f"{index:03d}{word}" for index, word in enumerate(words)]
    text = "".join(parts)
    first = pick.draw(st.integers(0, len(parts) - 1))
    last = pick.draw(st.integers(first, min(first + 3, len(parts) - 1)))
    start = len("".join(parts[:first]))
    end = len("".join(parts[: last + 1]))
    at = pick.draw(st.integers(start + 1, end - 1))
    edited = text[:at] + inserted + text[at:]
    found = locate(edited, anchor_at(text, start, end))
    assert found is not None
    assert edited[found.start : found.end] == edited[start : end + len(inserted)]


def test_paragraphs_of_a_body_saved_by_a_browser_keep_their_places():
    """Form submissions send CRLF line breaks, and the body keeps them."""
    text = BODY.replace("\n", "\r\n")
    places = paragraphs(text)
    assert [text[p.start : p.end] for p in places] == [
        "生成AIの投資は続いている。",
        "GPUの需要はデータセンターで伸びた。とくに推論の需要が大きい。",
        "一方で電力の制約が課題になる。",
    ]
    assert paragraph_number(text, text.index("電力")) == 3


def test_a_selection_across_lines_is_found_in_a_body_with_crlf():
    text = "一行目。\r\n二行目。\r\n\r\n次の段落。"
    place = nearest(text, "一行目。\n二行目。", hint=0)
    assert text[place.start : place.end] == "一行目。\r\n二行目。"
