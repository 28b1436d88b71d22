"""Review checks: what an editor should look at before an article goes to review.

Each finding has a level (blocking findings stop the move to review) and a
place (a paragraph number, counted from 1) so the editor can find it.
"""

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from django.conf import settings

from articles.models import Category

from .continuation.truncation import is_truncated
from .jekyll.leftovers import import_findings

BLOCKING = "blocking"
WARNING = "warning"

NEAR_DUPLICATE_SIMILARITY = 0.8
# The same as the fraction it is written as (4/5), for exact comparisons of sizes.
_NEAR = Fraction(str(NEAR_DUPLICATE_SIMILARITY))
MIN_PARAGRAPH_FOR_DUPLICATES = 40
MIN_SENTENCE_FOR_DUPLICATES = 25

_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_END_MARKER = re.compile(r"^\s*-{3}END-{3}\s*$", re.MULTILINE)
_LEADING_ELLIPSIS = re.compile(r"^\s*(?:\.{3,}|…|‥)")
_PSEUDO_HEADING = re.compile(r"^\s*(\*\*|__)[^*_\n]+\1\s*[:：]?\s*$")
_POLITE = re.compile(r"(?:です|ます|でした|ました|ません|でしょう|ください|ましょう)[。！？!?]$")
_PLAIN = re.compile(r"(?:だ|である|だった|であった|のだ|だろう|ではない|じゃない|ないか)[。！？!?]$")
_BOILERPLATE_EXCERPT = re.compile(
    r"(について(詳細に|詳しく)?(分析|解説|紹介|考察)します|を(詳しく|詳細に)?(見ていきます|解説します)|本記事では)"
)


@dataclass(frozen=True)
class Finding:
    code: str
    level: str
    message: str
    paragraph: int | None = None

    @property
    def blocking(self):
        return self.level == BLOCKING

    @property
    def where(self):
        return f"第{self.paragraph}段落" if self.paragraph else ""


def paragraphs(body: str) -> list[str]:
    return [block.strip() for block in re.split(r"\n\s*\n", body) if block.strip()]


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _shingles(text: str, size: int = 3) -> set[str]:
    return {text[i : i + size] for i in range(max(1, len(text) - size + 1))}


# Each pass to an article is checked with every paragraph (and sentence) before it: all but a
# few come back.
_normalised_block = lru_cache(maxsize=8192)(_normalise)
# A paragraph's set takes about 15 KB: 512 cover two long articles' paragraphs (a worker is
# sent the passes of a few at a time) for about 8 MB a worker.
_block_shingles = lru_cache(maxsize=512)(lambda normalised: frozenset(_shingles(normalised)))


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _as_bits(shingle_sets: list[set[str]]) -> list[int]:
    """Each set as an integer with a bit per shingle: the similarity of two is then a few
    operations on machine words, not on sets (every pair of paragraphs is compared)."""
    bit_of: dict[str, int] = {}
    masks = []
    for shingles in shingle_sets:
        mask = 0
        for shingle in shingles:
            mask |= 1 << bit_of.setdefault(shingle, len(bit_of))
        masks.append(mask)
    return masks


def _similarity_of_bits(a: int, b: int) -> float:
    """``_similarity`` of the sets ``a`` and ``b`` stand for."""
    return (a & b).bit_count() / (a | b).bit_count() if a and b else 0.0


def _duplicates(blocks: list[str]) -> list[Finding]:
    findings = []
    seen: dict[str, int] = {}
    normalised_blocks = [_normalised_block(block) for block in blocks]
    long_blocks = [text for text in normalised_blocks if len(text) >= MIN_PARAGRAPH_FOR_DUPLICATES]
    shingle_sets = [_block_shingles(text) for text in long_blocks]
    bits = dict(zip(long_blocks, _as_bits(shingle_sets), strict=True))
    sizes = {text: len(shingles) for text, shingles in zip(long_blocks, shingle_sets, strict=True)}
    candidates = []
    above, below = _NEAR.numerator, _NEAR.denominator
    for number, normalised in enumerate(normalised_blocks, start=1):
        if len(normalised) < MIN_PARAGRAPH_FOR_DUPLICATES:
            continue
        if normalised in seen:
            findings.append(
                Finding(
                    "duplicate_paragraph",
                    BLOCKING,
                    f"第{seen[normalised]}段落と同じ段落が繰り返されています。",
                    number,
                )
            )
            continue
        seen[normalised] = number
        shingles, size = bits[normalised], sizes[normalised]
        for earlier_number, earlier, earlier_size in candidates:
            # Two sets' similarity is at most the smaller size over the larger: below the
            # threshold there, they cannot be near duplicates and are not compared.
            if size * below < earlier_size * above or earlier_size * below < size * above:
                continue
            if _similarity_of_bits(shingles, earlier) >= NEAR_DUPLICATE_SIMILARITY:
                findings.append(
                    Finding(
                        "near_duplicate_paragraph",
                        WARNING,
                        f"第{earlier_number}段落とほぼ同じ段落です（言い回しの違いだけの重複の可能性）。",
                        number,
                    )
                )
                break
        candidates.append((number, shingles, size))
    sentence_seen: dict[str, int] = {}
    for number, block in enumerate(blocks, start=1):
        for sentence in _SENTENCE_END.split(block):
            normalised = _normalised_block(sentence)
            if len(normalised) < MIN_SENTENCE_FOR_DUPLICATES:
                continue
            repeated = normalised in sentence_seen and sentence_seen[normalised] != number
            # One finding per paragraph is enough to send the editor there.
            if repeated and not any(f.paragraph == number for f in findings):
                findings.append(
                    Finding(
                        "duplicate_sentence",
                        WARNING,
                        f"第{sentence_seen[normalised]}段落と同じ文があります:「{sentence.strip()[:30]}…」",
                        number,
                    )
                )
            sentence_seen.setdefault(normalised, number)
    return findings


def _style_mix(blocks: list[str]) -> list[Finding]:
    polite, plain = [], []
    for number, block in enumerate(blocks, start=1):
        if block.startswith((">", "|", "```", "    ")):
            continue
        for sentence in _SENTENCE_END.split(re.sub(r"[」』）)]+", "", block)):
            sentence = sentence.strip()
            if _POLITE.search(sentence):
                polite.append(number)
            elif _PLAIN.search(sentence):
                plain.append(number)
    if len(plain) <= len(polite):
        minority, name, usual = plain, "だ・である調", "です・ます調"
    else:
        minority, name, usual = polite, "です・ます調", "だ・である調"
    majority = len(polite) + len(plain) - len(minority)
    if len(minority) >= 2 and len(minority) / (majority + len(minority)) >= 0.1:
        # One finding per paragraph, each placed by its own number (Finding.where says it once).
        return [
            Finding("style_mix", WARNING, f"文末に{name}が混ざっています（記事の大半は{usual}）。", number)
            for number in sorted(set(minority))
        ]
    return []


def _policy(article, body: str) -> list[Finding]:
    findings = []
    folded = _normalise(body)
    category_slugs = _category_slugs(article)
    for rule in settings.EDITORIAL_REQUIRED_PASSAGES:
        scoped = rule.get("categories")
        if scoped and not category_slugs & set(scoped):
            continue
        if not any(_normalise(phrase) in folded for phrase in rule["any_of"]):
            findings.append(Finding("required_passage", BLOCKING, f"必要な記載がありません: {rule['label']}"))
    normalised_blocks = [_normalised_block(block) for block in paragraphs(body)]
    for phrase in settings.EDITORIAL_FORBIDDEN_PHRASES:
        for number, normalised in enumerate(normalised_blocks, start=1):
            if _normalise(phrase) in normalised:
                findings.append(
                    Finding("forbidden_phrase", BLOCKING, f"使えない表現があります:「{phrase}」", number)
                )
                break
    return findings


def _has_any(related) -> bool:
    # An article's relation, or a pending version's list (of ids, of tag names).
    return bool(related) if isinstance(related, list) else related.exists()


def _category_slugs(article) -> set[str]:
    if isinstance(article.categories, list):  # a pending version keeps the ids
        return set(Category.objects.filter(pk__in=article.categories).values_list("slug", flat=True))
    return {category.slug for category in article.categories.all()} if article.pk else set()


def review_findings(article) -> list[Finding]:
    """Every finding for ``article`` as it is now (or for a live article's pending version,
    what would go live), blocking ones first."""
    body = article.body or ""
    blocks = paragraphs(body)
    findings = []
    if body.strip() and is_truncated(body):
        findings.append(
            Finding(
                "truncated", BLOCKING, "本文が文の途中で終わっています。続きを追加してください。", len(blocks)
            )
        )
    for number, block in enumerate(blocks, start=1):
        if _END_MARKER.search(block):
            findings.append(
                Finding("end_marker", BLOCKING, "区切り記号「---END---」が残っています。", number)
            )
        if _LEADING_ELLIPSIS.match(block):
            findings.append(
                Finding(
                    "leading_ellipsis", WARNING, "段落が「...」で始まっています（つなぎ目の残り）。", number
                )
            )
        if _PSEUDO_HEADING.match(block):
            findings.append(
                Finding(
                    "pseudo_heading", WARNING, "太字だけの段落です。見出し（## など）にしませんか。", number
                )
            )
    # What a Jekyll import could not convert stays in the body as a comment until an editor deals with it.
    findings += [
        Finding("import_leftover", WARNING, message, number) for number, message in import_findings(blocks)
    ]
    findings += _duplicates(blocks)
    if blocks and _normalise(blocks[0].lstrip("# ")) == _normalise(article.title):
        findings.append(Finding("title_repeated", WARNING, "本文の最初の行がタイトルの繰り返しです。", 1))
    excerpt = (article.excerpt or "").strip()
    if not excerpt:
        findings.append(Finding("excerpt_missing", BLOCKING, "抜粋がありません。"))
    elif _BOILERPLATE_EXCERPT.search(excerpt) or _normalise(excerpt) == _normalise(article.title):
        findings.append(
            Finding("excerpt_boilerplate", WARNING, "抜粋が定型文です。記事の要点を書いてください。")
        )
    if article.pk and not _has_any(article.categories):
        findings.append(Finding("category_missing", BLOCKING, "カテゴリーが指定されていません。"))
    if article.pk and not _has_any(article.tags):
        findings.append(Finding("tags_missing", WARNING, "タグがありません。"))
    findings += _style_mix(blocks)
    findings += _policy(article, body)
    return sorted(findings, key=lambda finding: (not finding.blocking, finding.paragraph or 0))
