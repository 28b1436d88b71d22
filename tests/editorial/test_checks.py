import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editorial import checks
from editorial.checks import review_findings
from tests.factories import READY_BODY, make_article

pytestmark = pytest.mark.django_db

LONG_PARAGRAPH = "装置メーカーの受注は三四半期連続で増加しており、在庫調整の終わりが近いことを示しています。"


def codes(article):
    return {finding.code: finding for finding in review_findings(article)}


@pytest.fixture
def article(author, category):
    return make_article(
        title="装置受注の回復",
        body=READY_BODY,
        excerpt="受注の回復から循環を読みます。",
        authors=[author],
        categories=[category],
        tags=["半導体"],
    )


def save_body(article, body):
    article.body = body
    article.save()
    return article


def test_a_clean_article_has_no_findings(article):
    assert review_findings(article) == []


def test_truncated_ending_and_end_marker_block(article):
    found = codes(save_body(article, READY_BODY + "\n\n---END---\n\n続きは次の"))
    assert found["truncated"].blocking
    assert found["end_marker"].blocking and found["end_marker"].paragraph == 4


def test_leading_ellipsis_paragraph(article):
    assert (
        codes(save_body(article, READY_BODY + "\n\n…ここから続きです。"))["leading_ellipsis"].paragraph == 4
    )


def test_exact_duplicate_paragraph_blocks_and_near_duplicate_warns(article):
    near = LONG_PARAGRAPH.replace("示しています", "示唆しています")
    found = codes(save_body(article, f"{LONG_PARAGRAPH}\n\n{READY_BODY}\n\n{LONG_PARAGRAPH}\n\n{near}"))
    assert found["duplicate_paragraph"].blocking and found["duplicate_paragraph"].paragraph == 5
    assert not found["near_duplicate_paragraph"].blocking
    assert found["near_duplicate_paragraph"].paragraph == 6


def test_ordinary_related_paragraphs_are_not_near_duplicates(article):
    body = (
        "半導体の在庫は三四半期連続で減少しており、需給の改善が続いています。\n\n"
        "一方で装置メーカーの受注は、顧客の投資計画の見直しを受けて伸び悩んでいます。\n\n"
        "在庫と受注の動きがそろうまでには、まだ半年ほどかかるとみられます。\n\n" + READY_BODY
    )
    assert "near_duplicate_paragraph" not in codes(save_body(article, body))


def test_repeated_sentence_in_another_paragraph(article):
    sentence = "受注残は過去最高の水準に達しており、装置各社の生産能力は逼迫しています。"
    first = f"前期の決算では、売上高が市場予想を上回り、通期の見通しも引き上げられました。{sentence}"
    later = f"{sentence}ただし中国向けの出荷は規制の影響で減少が続き、地域ごとの差は広がっています。"
    found = codes(save_body(article, f"{first}\n\n{READY_BODY}\n\n{later}"))
    assert found["duplicate_sentence"].paragraph == 5
    assert "near_duplicate_paragraph" not in found


def test_title_repeated_as_first_line(article):
    assert codes(save_body(article, "# 装置受注の回復\n\n" + READY_BODY))["title_repeated"].paragraph == 1


def test_boilerplate_and_missing_excerpt(article):
    article.excerpt = "装置受注について詳細に分析します。"
    assert "excerpt_boilerplate" in codes(article)
    article.excerpt = ""
    assert codes(article)["excerpt_missing"].blocking


def test_missing_category_blocks_and_missing_tags_warn(article):
    article.categories.clear()
    article.tags.clear()
    found = codes(article)
    assert found["category_missing"].blocking
    assert not found["tags_missing"].blocking


def test_bold_only_paragraph_is_a_pseudo_heading(article):
    assert codes(save_body(article, "**市場の見通し**\n\n" + READY_BODY))["pseudo_heading"].paragraph == 1


def test_mixed_polite_and_plain_endings(article):
    body = "需要は伸びています。供給も増えています。価格は下がるだろう。利益は減るのだ。\n\n" + READY_BODY
    assert "style_mix" in codes(save_body(article, body))
    consistent = "需要は伸びています。供給も増えています。価格は下がるでしょう。\n\n" + READY_BODY
    assert "style_mix" not in codes(save_body(article, consistent))


def test_one_style_warning_per_paragraph_each_naming_its_paragraph_once(article):
    body = (
        "需要は伸びています。供給も増えています。\n\n価格は下がるだろう。\n\n在庫は減っています。\n\n"
        "利益は減るのだ。\n\n見通しは明るいです。\n\n" + READY_BODY
    )
    mixed = [finding for finding in review_findings(save_body(article, body)) if finding.code == "style_mix"]
    assert [finding.paragraph for finding in mixed] == [2, 4]
    for finding in mixed:
        shown = f"{finding.message}（{finding.where}）"  # as the workflow panel shows it
        assert shown.count("段落") == 1, shown
        assert "だ・である調" in finding.message and not finding.blocking


def test_required_disclaimer_for_investment_articles(article, settings):
    found = codes(save_body(article, "装置受注は回復しています。"))
    assert found["required_passage"].blocking
    assert "投資助言ではない旨の注意書き" in found["required_passage"].message
    article.categories.clear()
    assert "required_passage" not in codes(article)


def test_forbidden_phrase_blocks(article):
    found = codes(save_body(article, READY_BODY + "\n\nこの銘柄は必ず儲かる。"))
    assert found["forbidden_phrase"].blocking and found["forbidden_phrase"].paragraph == 4


def test_what_an_import_could_not_convert_is_a_warning_until_the_editor_deals_with_it(article):
    marker = "<!-- 取り込み時に変換できなかった Liquid: {% youtube abc %} -->"
    save_body(article, f"{READY_BODY}\n\n{marker}\n")
    finding = codes(article)["import_leftover"]
    assert not finding.blocking and "youtube" in finding.message and finding.paragraph
    save_body(article, READY_BODY)
    assert "import_leftover" not in codes(article)


def _near_duplicates_pair_by_pair(blocks):
    """(paragraph, the first earlier one it nearly repeats) by comparing every pair, as checks did."""
    found, seen, earlier_sets = [], set(), []
    for number, block in enumerate(blocks, start=1):
        normalised = checks._normalise(block)
        if len(normalised) < checks.MIN_PARAGRAPH_FOR_DUPLICATES or normalised in seen:
            continue
        seen.add(normalised)
        shingles = checks._shingles(normalised)
        for earlier_number, earlier in earlier_sets:
            if checks._similarity(shingles, earlier) >= checks.NEAR_DUPLICATE_SIMILARITY:
                found.append((number, earlier_number))
                break
        earlier_sets.append((number, shingles))
    return found


@st.composite
def paragraphs_with_near_repeats(draw):
    """Paragraphs of a few sentences, some rewritten from an earlier one by a few edits."""
    sentences = [
        LONG_PARAGRAPH[:30],
        "在庫と受注の動きがそろうまでには時間がかかる。",
        "一方で受注は伸び悩む。",
    ]
    blocks = []
    for _ in range(draw(st.integers(1, 14))):
        if blocks and draw(st.booleans()):
            block = list(draw(st.sampled_from(blocks)))
            for _ in range(draw(st.integers(0, 12))):
                block[draw(st.integers(0, len(block) - 1))] = draw(st.sampled_from("のはが、。増減"))
            blocks.append("".join(block))
        else:
            blocks.append("".join(draw(st.lists(st.sampled_from(sentences), min_size=1, max_size=5))))
    return blocks


@settings(max_examples=300, deadline=None)
@given(paragraphs_with_near_repeats())
def test_near_duplicates_are_those_every_pair_compared_finds(blocks):
    found = [
        (finding.paragraph, int(finding.message[1 : finding.message.index("段落")]))
        for finding in checks._duplicates(blocks)
        if finding.code == "near_duplicate_paragraph"
    ]
    assert found == _near_duplicates_pair_by_pair(blocks)


def test_near_duplicates_among_400_paragraphs_are_found_in_well_under_a_second():
    # With sets compared pair by pair this took about 0.75 s, in every answer to an API pass.
    rng = random.Random(3)
    words = ["受注", "在庫", "半導体", "装置", "投資", "電力", "需要", "市場", "金利", "企業"]
    blocks = [
        "".join(
            f"{rng.choice(words)}の{rng.choice(words)}は{rng.choice(words)}に左右されます。" for _ in range(8)
        )
        for _ in range(400)
    ]
    started = time.perf_counter()
    checks._duplicates(blocks)
    assert time.perf_counter() - started < 0.3


def test_a_paragraph_exactly_as_similar_as_the_threshold_is_a_near_duplicate():
    # 52 different characters give 50 shingles; their first 42 give 40 of them: 40/50 = 0.8,
    # which pairs are compared only if their sizes allow (exactly: 40/50 is not below 4/5).
    earlier = "".join(chr(0x4E00 + offset) for offset in range(52))
    later = earlier[:42]
    found = [(f.code, f.paragraph) for f in checks._duplicates([earlier, later])]
    assert found == [("near_duplicate_paragraph", 2)]
    assert found == [
        ("near_duplicate_paragraph", n) for n, _ in _near_duplicates_pair_by_pair([earlier, later])
    ]


def test_the_checks_of_a_long_article_find_what_comparing_every_pair_finds():
    # Generated Japanese whose phrases recur as a long article's do, with near repeats added.
    from bench.api_passes import article_passes
    from editorial.continuation.segments import assemble_texts

    rng = random.Random(7)
    first, passes = article_passes(1)
    blocks = checks.paragraphs(assemble_texts([first, *passes]))
    for _ in range(20):
        block = list(rng.choice(blocks))
        for _ in range(rng.randint(0, 6)):
            block[rng.randrange(len(block))] = rng.choice("のはが、。増減")
        blocks.insert(rng.randrange(len(blocks)), "".join(block))
    found = [
        (finding.paragraph, int(finding.message[1 : finding.message.index("段落")]))
        for finding in checks._duplicates(blocks)
        if finding.code == "near_duplicate_paragraph"
    ]
    assert found and found == _near_duplicates_pair_by_pair(blocks)
