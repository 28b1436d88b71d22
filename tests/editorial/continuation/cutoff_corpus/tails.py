"""Parts of a generated post: prose that may be cut, and the tails posts end with.

A tail function takes the RNG, the language and the prose style and returns
the parts that end a post: usually a last paragraph of prose, then what comes
after it (a code block, a table, footnotes, a signature …).
"""

import random
import unicodedata
from dataclasses import dataclass, field

from . import blocks as b


@dataclass
class Part:
    text: str
    sentences: list[tuple[int, int]] = field(default_factory=list)  # prose: (start, end) where a cut may fall
    inside: tuple[int, int] | None = None  # a block that must be closed: where a cut leaves it open
    block: str = ""  # what that block is
    attach: bool = False  # follows the previous part on the next line, not after a blank line


# -- prose ----------------------------------------------------------------------

_TRAILING_NON_WORDS = "。．.！!？?…‥」』）)】\"”'’*_~`ｗw笑〜～ー♪"


def core_end(sentence: str) -> int:
    """Where the words of ``sentence`` end: before its punctuation, closing
    brackets, emphasis and emoji. A cut at or before here leaves it unfinished."""
    end = len(sentence)
    while end > 1 and (
        sentence[end - 1] in _TRAILING_NON_WORDS or unicodedata.category(sentence[end - 1]) == "So"
    ):
        end -= 1
    return end


def prose(sentences: list[str], separator: str = "") -> Part:
    text, spans = "", []
    for index, sentence in enumerate(sentences):
        if index:
            text += separator
        spans.append((len(text), len(text) + core_end(sentence)))
        text += sentence
    return Part(text, spans)


def _ja_sentence(rng: random.Random, style: str) -> str:
    roll = rng.random()
    if style == "plain":
        if roll < 0.5:
            return rng.choice(b.JA_PLAIN)
        return rng.choice(b.JA_SUBJECTS) + rng.choice(b.JA_MIDDLES) + rng.choice(b.JA_PREDICATES_PLAIN)
    if style == "casual" and roll < 0.6:
        return rng.choice(b.JA_WITHOUT_MARU)
    if roll < 0.45:
        return rng.choice(b.JA_POLITE)
    if roll < 0.8:
        return rng.choice(b.JA_SUBJECTS) + rng.choice(b.JA_MIDDLES) + rng.choice(b.JA_PREDICATES_POLITE)
    if roll < 0.9:
        return rng.choice(b.JA_WITH_MARKUP).format(url=rng.choice(b.URLS))
    return rng.choice(b.JA_QUESTION_EXCLAIM)


def _en_sentence(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(b.EN_SENTENCES)
    if roll < 0.85:
        return f"{rng.choice(b.EN_SUBJECTS)} {rng.choice(b.EN_MIDDLES)} {rng.choice(b.EN_PREDICATES)}"
    return rng.choice(b.EN_WITH_MARKUP).format(url=rng.choice(b.URLS))


def sentence(rng: random.Random, lang: str, style: str) -> str:
    return _en_sentence(rng) if lang == "en" else _ja_sentence(rng, style)


def paragraph(rng: random.Random, lang: str, style: str) -> Part:
    sentences = [sentence(rng, lang, style) for _ in range(rng.randint(2, 5))]
    if lang == "en":
        return prose(sentences, " ")
    # Casual writers put each sentence on its own line; others, now and then.
    one_per_line = style == "casual" or rng.random() < 0.1
    return prose(sentences, "\n" if one_per_line else "")


def quotation(rng: random.Random, lang: str) -> Part:
    part = prose([rng.choice(b.QUOTES[lang])])
    part.sentences = [(start + 2, end) for start, end in part.sentences]  # not inside "> "
    return part


def line(text: str, *, attach: bool = False) -> Part:
    """A part that is not prose: no cut falls in it."""
    return Part(text, attach=attach)


def closed_block(text: str, block: str) -> Part:
    """A block a cut can stop inside: after its first line, before its last."""
    return Part(text, inside=(text.index("\n") + 1, text.rindex("\n")), block=block)


def block(text: str, kind: str) -> Part:
    return closed_block(text, kind) if "\n" in text else line(text)


def lead_in(rng: random.Random, lang: str, choices=b.LEAD_INS) -> Part:
    return prose([rng.choice(choices[lang])])


def code_fence(rng: random.Random) -> Part:
    language, code = rng.choice(b.CODE)
    fence = rng.choice(["```", "```", "~~~", "````"])
    return closed_block(f"{fence}{language}\n{code}\n{fence}", "fence")


# -- tails ------------------------------------------------------------------------


def tail_plain(rng, lang, style):
    return [paragraph(rng, lang, style)]


def tail_without_terminal(rng, lang, style):
    """Japanese: a finished sentence without 。; English: an emoticon or emoji."""
    if lang == "en":
        return [prose([rng.choice(b.EN_EMOTICON_ENDINGS)])]
    last = prose([rng.choice(b.JA_WITHOUT_MARU)])
    last.attach = rng.random() < 0.5  # its own line under the paragraph, or its own paragraph
    return [paragraph(rng, lang, style), last]


def tail_question_or_exclamation(rng, lang, style):
    sentences = [sentence(rng, lang, style), rng.choice(b.CLOSING_QUESTIONS[lang])]
    return [prose(sentences, " " if lang == "en" else "")]


def tail_fenced_code(rng, lang, style):
    return [paragraph(rng, lang, style), lead_in(rng, lang), code_fence(rng)]


def tail_indented_code(rng, lang, style):
    _, code = rng.choice(b.CODE)
    indented = "\n".join("    " + row for row in code.splitlines())
    return [paragraph(rng, lang, style), lead_in(rng, lang), line(indented)]


def tail_highlight(rng, lang, style):
    language, code = rng.choice([item for item in b.CODE if item[0]])
    options = rng.choice(["", " linenos"])
    text = f"{{% highlight {language}{options} %}}\n{code}\n{{% endhighlight %}}"
    return [paragraph(rng, lang, style), lead_in(rng, lang), closed_block(text, "highlight")]


def tail_figure(rng, lang, style):
    image, caption = rng.choice(b.IMAGES[lang]), rng.choice(b.FIGURE_CAPTIONS[lang])
    if rng.random() < 0.5:
        text = f'{{% figure caption:"{caption}" %}}\n{image}\n{{% endfigure %}}'
    else:
        text = f"{{% figure %}}\n{image}\n{caption}\n{{% endfigure %}}"
    return [paragraph(rng, lang, style), closed_block(text, "figure")]


def tail_include(rng, lang, style):
    return [paragraph(rng, lang, style), line(rng.choice(b.INCLUDES))]


def tail_raw(rng, lang, style):
    return [paragraph(rng, lang, style), lead_in(rng, lang), closed_block(rng.choice(b.RAW_BLOCKS), "raw")]


def tail_table(rng, lang, style):
    parts = [paragraph(rng, lang, style), line(rng.choice(b.TABLES[lang]))]
    if rng.random() < 0.4:
        parts.append(line(rng.choice(b.TABLE_CREDITS[lang])))
    return parts


def tail_link_only(rng, lang, style):
    url = rng.choice(b.URLS[:3])
    link = rng.choice(
        [
            f"[{rng.choice(b.LINK_TEXTS[lang])}]({url})",
            f"<{url}>",
            url,
            f"{rng.choice(b.LINK_LABELS[lang])}[{rng.choice(b.LINK_TITLES[lang])}]({url})",
            f"→ [{rng.choice(b.LINK_ARROWS[lang])}]({url})",
            rng.choice(b.PREVIOUS_NEXT[lang]),
        ]
    )
    if rng.random() < 0.2:
        last = prose([rng.choice(b.ENDING_ON_A_LINK[lang]).format(url=url)])
        return [paragraph(rng, lang, style), last]
    parts = [paragraph(rng, lang, style)]
    if rng.random() < 0.3:
        parts.append(lead_in(rng, lang, b.LINK_LEAD_INS))
    return [*parts, line(link)]


def tail_link_definitions(rng, lang, style):
    indent = rng.choice(["", "", " ", "   "])
    definitions = (
        f'{indent}[1]: {b.URLS[0]}\n{indent}[2]: {b.URLS[1]} "{rng.choice(b.REFERENCE_TITLES[lang])}"'
    )
    return [paragraph(rng, lang, style), lead_in(rng, lang, b.REFERENCE_LINKS), line(definitions)]


def tail_footnotes(rng, lang, style):
    notes = f"{rng.choice(b.FIRST_FOOTNOTES[lang])}\n{rng.choice(b.SECOND_FOOTNOTES[lang])}"
    if rng.random() < 0.3:
        notes += "\n\n" + rng.choice(b.FOOTNOTE_PARAGRAPHS[lang])
    parts = [paragraph(rng, lang, style), lead_in(rng, lang, b.FOOTNOTE_REFERENCES)]
    if rng.random() < 0.3:
        parts.append(line("---"))
    return [*parts, line(notes)]


def tail_html_block(rng, lang, style):
    note = rng.choice(b.DISCLAIMERS[lang])
    text = rng.choice(
        [
            f'<div class="note">{note}</div>',
            f'<div class="note">\n<p>{note}</p>\n</div>',
            f"<details>\n<summary>{rng.choice(b.SUMMARIES[lang])}</summary>\n\n{note}\n\n</details>",
            f'<p class="disclaimer">{note}</p>',
            f"<aside>\n  {note}\n</aside>",
        ]
    )
    return [paragraph(rng, lang, style), block(text, "html")]


def tail_iframe(rng, lang, style):
    return [paragraph(rng, lang, style), block(rng.choice(b.IFRAMES), "html")]


def tail_html_comment(rng, lang, style):
    return [paragraph(rng, lang, style), block(rng.choice(b.HTML_COMMENTS), "comment")]


def tail_script(rng, lang, style):
    return [paragraph(rng, lang, style), line(rng.choice(b.SCRIPTS))]


def tail_image(rng, lang, style):
    parts = [paragraph(rng, lang, style), line(rng.choice(b.IMAGES[lang]))]
    if rng.random() < 0.4:
        parts.append(line(rng.choice(b.IMAGE_CAPTIONS[lang]), attach=True))
    return parts


def tail_attribute_list(rng, lang, style):
    if rng.random() < 0.5:
        return [paragraph(rng, lang, style), line(rng.choice(b.ATTRIBUTE_LISTS), attach=True)]
    image = line(rng.choice(b.IMAGES[lang]))
    return [paragraph(rng, lang, style), image, line('{: .center width="60%"}', attach=True)]


def tail_kramdown_comment(rng, lang, style):
    return [paragraph(rng, lang, style), closed_block(rng.choice(b.KRAMDOWN_COMMENTS), "comment")]


def tail_math(rng, lang, style):
    return [paragraph(rng, lang, style), lead_in(rng, lang), block(rng.choice(b.MATH), "math")]


def tail_heading(rng, lang, style):
    parts = [paragraph(rng, lang, style), line(rng.choice(b.RELATED_HEADINGS[lang]))]
    if rng.random() < 0.7:
        titles = b.LINK_TITLES[lang]
        parts.append(
            line("\n".join(f"- [{title}](/2024/0{n}/01/post/)" for n, title in enumerate(titles, 1)))
        )
    return parts


def tail_rule(rng, lang, style):
    parts = [paragraph(rng, lang, style), line(rng.choice(b.RULES))]
    if rng.random() < 0.5:
        parts.append(lead_in(rng, lang, b.AFTER_RULE))
    return parts


def tail_list(rng, lang, style):
    marker = rng.choice(b.LIST_MARKERS[lang])
    if rng.random() < 0.2:
        items = [prose([item]) for item in rng.sample(b.SENTENCE_ITEMS[lang], 3)]
    else:
        items = [line(item) for item in rng.sample(b.ITEMS[lang], rng.randint(2, 5))]
    for number, item in enumerate(items, 1):
        prefix = f"{number}. " if marker == "1. " else marker
        item.text = prefix + item.text
        item.sentences = [(start + len(prefix), end + len(prefix)) for start, end in item.sentences]
        item.attach = number > 1
    return [paragraph(rng, lang, style), lead_in(rng, lang, b.LIST_LEAD_INS), *items]


def tail_blockquote(rng, lang, style):
    parts = [paragraph(rng, lang, style), quotation(rng, lang)]
    if rng.random() < 0.4:
        parts.append(line(rng.choice(b.ATTRIBUTIONS[lang]), attach=True))
    return parts


def tail_colon_then_code(rng, lang, style):
    return [paragraph(rng, lang, style), lead_in(rng, lang, b.COLON_LEAD_INS), code_fence(rng)]


def tail_signature(rng, lang, style):
    return [paragraph(rng, lang, style), line(rng.choice(b.SIGNATURES[lang]))]


def tail_liquid(rng, lang, style):
    if rng.random() < 0.3:
        return [paragraph(rng, lang, style), closed_block(b.LIQUID_IF, "liquid if")]
    return [paragraph(rng, lang, style), line(rng.choice(b.LIQUID_LINES))]


def tail_combined(rng, lang, style):
    """Shown content, more of it, then end matter, as longer posts end."""
    first, second = rng.sample([tail_fenced_code, tail_image, tail_table, tail_rule, tail_include], 2)
    last = rng.choice([tail_link_definitions, tail_footnotes, tail_html_comment, tail_script, tail_signature])
    return [*first(rng, lang, style), *second(rng, lang, style)[1:], *last(rng, lang, style)[1:]]


TAILS = {
    "plain prose": tail_plain,
    "no terminal punctuation": tail_without_terminal,
    "question or exclamation": tail_question_or_exclamation,
    "fenced code": tail_fenced_code,
    "indented code": tail_indented_code,
    "{% highlight %}": tail_highlight,
    "{% endfigure %}": tail_figure,
    "{% include %}": tail_include,
    "{% raw %}": tail_raw,
    "table": tail_table,
    "link-only line": tail_link_only,
    "link definitions": tail_link_definitions,
    "footnotes": tail_footnotes,
    "HTML block": tail_html_block,
    "iframe": tail_iframe,
    "HTML comment": tail_html_comment,
    "script": tail_script,
    "image": tail_image,
    "attribute list": tail_attribute_list,
    "{::comment}": tail_kramdown_comment,
    "math": tail_math,
    "heading": tail_heading,
    "rule": tail_rule,
    "list": tail_list,
    "blockquote": tail_blockquote,
    "colon, then code": tail_colon_then_code,
    "signature": tail_signature,
    "Liquid": tail_liquid,
    "combined": tail_combined,
}


def body(rng: random.Random, lang: str, style: str) -> list[Part]:
    """The post before its tail: paragraphs, with now and then a heading, a
    list, code, an image, a quotation or a table between them."""
    parts = []
    if rng.random() < 0.2:
        parts.append(line(rng.choice(b.HEADINGS[lang])))
    parts.append(paragraph(rng, lang, style))
    for _ in range(rng.randint(0, 3)):
        roll = rng.random()
        if roll < 0.15:
            parts.append(line(rng.choice(b.HEADINGS[lang])))
        elif roll < 0.25:
            parts.append(line("\n".join("- " + item for item in rng.sample(b.ITEMS[lang], 3))))
        elif roll < 0.35:
            parts += [lead_in(rng, lang), code_fence(rng)]
        elif roll < 0.42:
            parts.append(line(rng.choice(b.IMAGES[lang])))
        elif roll < 0.48:
            parts.append(quotation(rng, lang))
        elif roll < 0.53:
            parts.append(line(rng.choice(b.TABLES[lang])))
        parts.append(paragraph(rng, lang, style))
    return parts
