from editorial.jekyll.regions import protected


def covered(text, **options):
    return [text[start:end] for start, end in protected(text, **options)]


def test_fenced_block_is_code_with_its_fences():
    assert covered("前\n```py\nx\n```\n後") == ["```py\nx\n```\n"]


def test_unclosed_fence_runs_to_the_end():
    assert covered("前\n~~~\nx\n") == ["~~~\nx\n"]


def test_indented_lines_after_a_blank_line_are_code():
    assert covered("前\n\n    code\n後") == ["    code\n"]


def test_indented_line_continuing_a_paragraph_is_not_code():
    assert covered("前\n    続き") == []


def test_indented_paragraph_in_a_list_item_is_not_code():
    assert covered("- 項目\n\n    続きの段落\n") == []


def test_code_span_is_code_but_not_across_a_blank_line():
    assert covered("a `x` b") == ["`x`"]
    assert covered("a `x\n\ny` b") == []


def test_pre_element_is_code():
    assert covered("<pre>{{ x }}</pre>") == ["<pre>{{ x }}</pre>"]


def test_comments_and_math_only_when_asked():
    text = "<!-- c --> $$x$$"
    assert covered(text) == []
    assert covered(text, comments=True, math=True) == ["<!-- c -->", "$$x$$"]
