from editorial.checks import paragraphs
from editorial.jekyll.leftovers import MISSING_IMAGE, UNCONVERTED_LIQUID, import_findings, marker, tidy


def test_unconverted_tag_is_a_finding_in_its_paragraph():
    body = f"一段落目。\n\n動画です {marker(UNCONVERTED_LIQUID, '{% youtube abc %}')}"
    [(number, message)] = import_findings(paragraphs(body))
    assert number == 2
    assert "{% youtube abc %}" in message


def test_finding_clears_once_the_editor_removes_the_marker():
    assert import_findings(paragraphs("動画です [YouTube](https://youtu.be/abc)")) == []


def test_missing_image_is_a_finding_while_the_body_uses_it():
    body = f"![図](/assets/a.png){marker(MISSING_IMAGE, '/assets/a.png')}"
    [(number, message)] = import_findings(paragraphs(body))
    assert number == 1
    assert "/assets/a.png" in message


def test_missing_image_finding_clears_once_the_image_is_replaced():
    body = f"![図](/media/uploads/a.png){marker(MISSING_IMAGE, '/assets/a.png')}"
    assert import_findings(paragraphs(body)) == []


def test_missing_image_with_double_hyphens_is_still_recognised():
    body = f"![図](/assets/a--b.png){marker(MISSING_IMAGE, '/assets/a--b.png')}"
    assert len(import_findings(paragraphs(body))) == 1


def test_marker_never_contains_what_ends_a_comment():
    made = marker(UNCONVERTED_LIQUID, "{% x --> <!-- %}\nnext line")
    assert made.count("-->") == 1 and made.endswith(" -->")
    assert "\n" not in made


def test_tidy_leaves_text_without_markers_alone():
    text = "<!-- 普通のコメント -->本文\n[a](b)"
    assert tidy(text) == text
