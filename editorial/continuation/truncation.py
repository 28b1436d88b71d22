"""Does a text stop mid-sentence?

Used on article bodies: a body that stops mid-sentence puts the article in
the continuation stage and blocks review. The judgement is on the last
sentence of prose, not on the last line (``markup`` tells what each line is):

- A text that stops inside something that must be closed (a code fence, a
  Liquid block such as ``{% highlight %}`` or ``{% raw %}``, an HTML comment
  or element, a ``$$`` math block, a table row) is cut off.
- End matter after the prose is skipped: link and footnote definitions,
  comments, attribute lists, rules, scripts, ``{% include %}`` lines,
  hashtags, signatures ("以上", "— 編集部", "Cheers,"). A writer may put it
  down before the body is finished, so the prose before it must end as a
  sentence: terminal punctuation (also inside closing brackets or quotes),
  an emoji or laugh, or a Japanese ending that needs no 。 (ます, です,
  ください, 願います …); see ``endings``.
- Shown content after the prose (code, tables, images, embeds, other Liquid
  tags, link lines, headings, captions, math) means the writer went past the
  prose, which is often a lead-in ("実行結果は次の通り", "For example:"): it
  only has to not hang on a particle, comma or conjunction.
- So does a last line that ends on its link ("詳しくは[こちら](…)"), and a
  list item (items are noun phrases), unless the items before it end as
  sentences: then it has to, too.
"""

import re
from functools import lru_cache

from .endings import ends_in_terminal_punctuation, ends_on_a_link, lead_in_is_complete, sentence_is_complete
from .markup import Line, Role, read_body

_FINISHED_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


# Reading a body costs a few milliseconds at 20,000 characters, and one API pass asks about
# the same body three times (its answer, the review checks, the workflow's continuation stage).
@lru_cache(maxsize=64)
def is_truncated(text: str) -> bool:
    """True when ``text`` (Markdown) ends mid-sentence or inside an open block."""
    # A finished comment shows nothing (the import leaves its markers after an image it could
    # not find, on the image's line): judge the text without it. An unclosed one still counts.
    body = read_body(_FINISHED_COMMENT.sub("", text))
    if body.left_open:
        return True
    return not _ends_complete(body.lines)


def _ends_complete(lines: list[Line]) -> bool:
    shown_after = False
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if line.role is Role.CONTENT:
            shown_after = True
        elif line.role is Role.ITEM:
            return _list_ends_complete(lines, index)
        elif line.role is Role.PROSE:
            if shown_after or ends_on_a_link(line.text):
                return lead_in_is_complete(line.text)
            return sentence_is_complete(line.text)
    return True  # no prose at all: nothing to be cut


def _list_ends_complete(lines: list[Line], last: int) -> bool:
    item = lines[last].item
    if not lead_in_is_complete(lines[last].text):
        return False
    earlier = _last_lines_of_earlier_items(lines, last, item)
    if earlier and all(ends_in_terminal_punctuation(text) for text in earlier):
        return sentence_is_complete(lines[last].text)
    return True


def _last_lines_of_earlier_items(lines: list[Line], last: int, item: int) -> list[str]:
    """The last line of each item of the same list before item number ``item``."""
    texts: dict[int, str] = {}
    for line in reversed(lines[:last]):
        if line.role is Role.BLANK:
            continue
        if line.role is not Role.ITEM:
            break
        if line.item != item:
            texts.setdefault(line.item, line.text)
    return list(texts.values())
