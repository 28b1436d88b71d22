"""The fast reading of link destinations answers exactly as markdown-it's own."""

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import helpers

from articles.link_destination import parse_link_destination
from articles.markdown import render_markdown

# The characters the reading treats specially, and a few it steps over, with runs of
# parentheses long enough to reach the nesting limit.
PIECES = [
    "(",
    ")",
    "\\",
    " ",
    "<",
    ">",
    "\n",
    "\t",
    "\x00",
    "\x01",
    "\x7f",
    "a",
    "_:/.",
    "\u3042",
    "(" * 16,
    ")" * 16,
]
SOURCE = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def answer(result):
    return (result.ok, result.pos, result.str)


@settings(max_examples=2000, deadline=None)
@example("a" + "(" * 32 + ")" * 32, 0, 66)
@example("a" + "(" * 33 + ")" * 33, 0, 68)
@given(SOURCE, st.integers(min_value=0, max_value=80), st.integers(min_value=0, max_value=300))
def test_every_destination_reads_as_markdown_it_reads_it(string, pos, maximum):
    pos = min(pos, len(string))
    maximum = min(max(maximum, pos), len(string))
    assert answer(parse_link_destination(string, pos, maximum)) == answer(
        helpers.parseLinkDestination(string, pos, maximum)
    )


def test_ordinary_and_nested_destinations_still_link():
    html = render_markdown(
        "[wiki](https://ja.wikipedia.org/wiki/A_(b)) [esc](https://example.com/a\\)b) "
        '![図](/media/a.png "題") [angle](<https://example.com/a b>)'
    )
    assert '<a href="https://ja.wikipedia.org/wiki/A_(b)"' in html
    assert '<a href="https://example.com/a)b"' in html
    assert '<img src="/media/a.png" alt="図" title="題">' in html
    assert '<a href="https://example.com/a%20b"' in html
