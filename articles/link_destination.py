"""A faster reading of a link's destination, same answers as markdown-it's.

markdown-it-py reads a destination such as ``https://example.com/a_(b)``
one character at a time in Python. A body of ``![[a](b`` repeated makes it
do that for every bracket, up to 32 nested parentheses each time, which was
the slowest of all hostile bodies (1.3 s of CPU at 100,000 characters). A
regular expression finds the characters that matter (space, controls,
parentheses, backslash) at C speed and Python looks only at those. The
result is exactly the library's, checked on random strings by
tests/articles/test_link_destination.py.
"""

import re
from types import SimpleNamespace

from markdown_it import helpers
from markdown_it.common.utils import unescapeAll
from markdown_it.helpers.parse_link_destination import _Result

# The characters at which markdown-it's loop does anything but step on.
_SIGNIFICANT = re.compile(r"[\x00-\x20\x7f()\\]")
# CommonMark's limit on nested parentheses in a destination (as markdown-it).
MAX_PARENTHESES = 32


def parse_link_destination(string: str, pos: int, maximum: int) -> _Result:
    if string.startswith("<", pos):
        return helpers.parseLinkDestination(string, pos, maximum)  # rare and already bounded by ``>``
    start = pos
    result = _Result()
    level = 0
    while pos < maximum:
        found = _SIGNIFICANT.search(string, pos, maximum)
        if found is None:
            pos = maximum
            break
        pos = found.start()
        char = string[pos]
        if char == "\\":
            if pos + 1 < maximum:
                if string[pos + 1] == " ":
                    break
                pos += 2
            else:
                pos += 1
            continue
        if char == "(":
            level += 1
            if level > MAX_PARENTHESES:
                return result
        elif char == ")":
            if level == 0:
                break
            level -= 1
        else:  # a space or a control character ends it
            break
        pos += 1
    if start == pos or level != 0:
        return result
    result.str = unescapeAll(string[start:pos])
    result.pos = pos
    result.ok = True
    return result


# What a parser's rules reach as ``state.md.helpers``; markdown-it's own module is left alone.
HELPERS = SimpleNamespace(
    parseLinkLabel=helpers.parseLinkLabel,
    parseLinkDestination=parse_link_destination,
    parseLinkTitle=helpers.parseLinkTitle,
)
