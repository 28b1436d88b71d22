"""How a line of prose ends: as a finished sentence, or cut off.

Two judgements. ``sentence_is_complete`` is strict: the last sentence of a
body must end in terminal punctuation (also inside closing brackets or
quotes), an emoji or laugh, or one of the Japanese endings that finish a
sentence without 。 (ます, です, ください, 願います, でしょう …).
``lead_in_is_complete`` is lenient, for list items and for a line that shown
content (code, a table, an image) follows: a noun phrase or a colon is fine,
only a line left hanging on a particle, a comma or a conjunction is not.
"""

import re
import unicodedata

TERMINAL_PUNCTUATION = set("。．.！!？?…‥")
JAPANESE_CLOSERS = set("」』）】〕〉》］｝〗〙")
WESTERN_CLOSERS = set(")\"'”’»")
EMPHASIS_MARKS = "*_~`"

_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")

# Sentence endings that finish a Japanese sentence without 。: the polite
# forms, requests, questions and the sentence-final particles that only come
# at the end. Plain forms (…た, …る, …だ) are left out on purpose: they end
# too many cut-off clauses (した結果, するため, ただ).
COMPLETE_JAPANESE_ENDINGS = (
    # polite and formal
    "ます",
    "です",
    "ました",
    "でした",
    "ません",
    "ましょう",
    "でしょう",
    "ください",
    "下さい",
    "なさい",
    "である",
    "のだ",
    "んだ",
    # the polite trailing-off of conversational Japanese: 「喜んでくれるといいのですが」
    "のですが",
    "んですが",
    "のですけど",
    "んですけど",
    "のですけれど",
    # questions
    "ですか",
    "ますか",
    "でしょうか",
    "ませんか",
    "ましょうか",
    "だろうか",
    "のか",
    # sentence-final particles
    "ね",
    "ですよ",
    "ますよ",
    "だよ",
    "いいよ",
    "んよ",
    # かな only after a verb or adjective: わずかな, 静かな, つかない are not endings
    "るかな",
    "うかな",
    "たかな",
    "いいかな",
    "ないかな",
    "のかな",
    "だな",
    "よな",
    "かも",
    "しよう",
    "みよう",
    "ろう",
    "ましょ",
    # set phrases
    "ありがとう",
    "おめでとう",
    "よろしく",
    "宜しく",
    "どうぞ",
    "ごめんなさい",
    "お疲れさま",
    "お疲れ様",
    "お楽しみに",
    "乞うご期待",
)
_JAPANESE_BRACKETS = ("「」", "『』", "（）", "【】", "〔〕")
# Long vowels and waves a casual writer adds after an ending: "ですー", "よろしく〜".
_DRAWL = "ー〜～"
_LAUGH = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]\s*(?:[wｗＷ]+|笑)$")
_EMOTICON = re.compile(r"(?:[:;]-?[)(DPp]|<3|\^_?\^|\bx[dD])$")
# Abbreviations that a sentence does not end on.
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|eg|ie|mr|mrs|ms|dr|prof|vs|cf|fig|approx)\.$", re.IGNORECASE)

# A lead-in or list item may not end on these.
_JAPANESE_DANGLING = set("をにがはのとでへもやかてば、，,")
_JAPANESE_DANGLING_WORDS = (
    "ので",
    "から",
    "けど",
    "けれど",
    "および",
    "及び",
    "または",
    "又は",
    "並びに",
    "かつ",
    "ながら",
    "つつ",
    "より",
)
_ENGLISH_DANGLING = re.compile(
    r"\b(?:a|an|the|and|or|but|nor|of|to|in|on|for|with|by|from|into|than|that|which|who|whose|as|at|"
    r"is|are|was|were|be|been|has|have|had|will|would|should|could|this|these|those|its|their|our|your|"
    r"because|if|while|when|where|such|very)$",
    re.IGNORECASE,
)

# A URL written out in the text; ASCII only, since Japanese runs on without spaces.
BARE_URL = r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"
# A line that ends on a link or a URL: "詳しくは[こちら](https://…)".
_ENDS_ON_A_LINK = re.compile(
    rf"(?:\]\([^()\s]*(?:\s+\"[^\"]*\")?\)|\]\[[^[\]]*\]|<https?://[^<>\s]+>|{BARE_URL})[*_]*$"
)
_INLINE_LINK = re.compile(r"!?\[([^[\]]*)\](?:\([^()]*\)|\[[^[\]]*\])")
_FOOTNOTE_REFERENCE = re.compile(r"\[\^[^[\]]+\]")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_INLINE_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
_INLINE_ATTRIBUTES = re.compile(r"\{:[^{}]*\}")
_INLINE_COMMENT = re.compile(r"<!--.*?-->")
# Markup a cut leaves unfinished: "[リンク](https://exa", "[注", "<a hr", an open `code span.
_UNFINISHED_MARKUP = re.compile(r"\]\([^()]*$|\[[^[\]]*$|<[a-zA-Z/!][^<>]*$")


def readable_text(line: str) -> str | None:
    """The words of ``line`` as a reader sees them (links, tags and markers
    removed, trailing emphasis dropped), or None if markup is left unfinished."""
    text = _without_comments(line.rstrip().rstrip("\\"))
    text = _FOOTNOTE_REFERENCE.sub("", text)
    text = _AUTOLINK.sub(r"\1", _INLINE_LINK.sub(r"\1", text))
    text = _INLINE_ATTRIBUTES.sub("", text)
    if _UNFINISHED_MARKUP.search(text) or text.count("`") % 2:
        return None
    text = _INLINE_TAG.sub("", text)
    return text.rstrip().rstrip(EMPHASIS_MARKS).rstrip()


def _without_comments(text: str) -> str:
    # Only up to the last "-->": an unclosed "<!--" after it would make the
    # lazy match rescan the rest of the line from every "<!--".
    end = text.rfind("-->") + 3
    return _INLINE_COMMENT.sub("", text[:end]) + text[end:] if end > 2 else text


def sentence_is_complete(line: str) -> bool:
    """Does ``line`` end a finished sentence?"""
    text = readable_text(line)
    if text is None or _leaves_a_bracket_open(text):
        return False
    if not text:
        return True
    if _ends_in_emoji(text) or text[-1] in JAPANESE_CLOSERS:
        return True
    if text[-1] in WESTERN_CLOSERS:
        return _ends_in_western_closer(text)
    if text[-1] in TERMINAL_PUNCTUATION:
        return not _ABBREVIATION.search(text)
    if _JAPANESE.search(text):
        return _japanese_ending_is_complete(text)
    return bool(_EMOTICON.search(text))


def lead_in_is_complete(line: str) -> bool:
    """Does ``line`` stop without hanging on a particle, comma or conjunction?"""
    text = readable_text(line)
    if text is None or _leaves_a_bracket_open(text):
        return False
    if not text or sentence_is_complete(line):
        return True
    if text[-1] in _JAPANESE_DANGLING or text.endswith(_JAPANESE_DANGLING_WORDS):
        return False
    return not _ENGLISH_DANGLING.search(text)


def ends_on_a_link(line: str) -> bool:
    return bool(_ENDS_ON_A_LINK.search(line.rstrip()))


def ends_in_terminal_punctuation(line: str) -> bool:
    text = readable_text(line)
    return (
        bool(text) and text.rstrip("".join(JAPANESE_CLOSERS | WESTERN_CLOSERS))[-1:] in TERMINAL_PUNCTUATION
    )


def _leaves_a_bracket_open(text: str) -> bool:
    """A quotation or aside still open (「…いいのか) means the sentence around it is not over."""
    return any(text.count(opening) > text.count(closing) for opening, closing in _JAPANESE_BRACKETS)


def _ends_in_emoji(text: str) -> bool:
    last = text.rstrip("\u200d\ufe0f")[-1:]
    return bool(last) and (unicodedata.category(last) == "So" or "\U0001f3fb" <= last <= "\U0001f3ff")


def _ends_in_western_closer(text: str) -> bool:
    """``(See the appendix.)`` and ``"not yet."`` end; ``the "AI winter"`` does
    not, unless it is Japanese (``(笑)``) or an emoticon (``:)``)."""
    if _EMOTICON.search(text):
        return True
    inner = text.rstrip("".join(WESTERN_CLOSERS)).rstrip()
    if inner and inner[-1] in TERMINAL_PUNCTUATION:
        return True
    return bool(_JAPANESE.search(text[-20:]))


def _japanese_ending_is_complete(text: str) -> bool:
    if text.endswith(COMPLETE_JAPANESE_ENDINGS) or _LAUGH.search(text):
        return True
    drawled = text.rstrip(_DRAWL)
    return drawled != text and drawled.endswith((*COMPLETE_JAPANESE_ENDINGS, "よ", "な"))
