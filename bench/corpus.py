"""Generated Japanese articles for the reader benchmarks, and a fast seeder.

The text is built from a vocabulary of investment and technology words,
particles and sentence patterns, so character bigrams repeat across articles
the way they do in real Japanese: particles and common words are in nearly
every article, topic words (投資, 推論, 半導体 …) in some, rare words in few.
Each article draws a topic (a weighted handful of words) and writes about it.

Seeding writes rows with COPY, filling ``search_text``, ``search_vector`` and ``body_text``
exactly as ``Article.save()`` would (checked against the app's own rendering
on a sample), because 100,000 ORM saves would take an hour.
"""

import random
from datetime import UTC, datetime, timedelta

# Topic words, most frequent first (weights fall off as 1/rank).
TOPIC_WORDS = [
    "投資",
    "市場",
    "企業",
    "半導体",
    "金利",
    "株価",
    "成長",
    "決算",
    "需要",
    "データセンター",
    "チップ",
    "生成",
    "推論",
    "学習",
    "電力",
    "為替",
    "円安",
    "日銀",
    "政策",
    "投資信託",
    "生成AI",
    "半導体製造装置",
    "米国株",
    "高配当株",
    "AIチップ",
    "利回り",
    "配当",
    "長期",
    "分散",
    "リスク",
    "収益",
    "売上高",
    "営業利益",
    "設備投資",
    "供給網",
    "製造",
    "装置",
    "素材",
    "先端",
    "微細化",
    "露光",
    "メモリ",
    "演算",
    "並列",
    "省電力",
    "冷却",
    "光通信",
    "ネットワーク",
    "規制",
    "輸出",
    "関税",
    "地政学",
    "台湾",
    "米国",
    "中国",
    "欧州",
    "インド",
    "物価",
    "賃金",
    "消費",
    "雇用",
    "景気",
    "債券",
    "国債",
    "社債",
    "株式",
    "指数",
    "先物",
    "信託",
    "年金",
    "保険",
    "銀行",
    "証券",
    "資産",
    "運用",
    "評価",
    "割安",
    "割高",
    "成長株",
    "バリュー株",
    "小型株",
    "大型株",
    "新興国",
    "先進国",
    "通貨",
    "暗号資産",
    "不動産",
    "商品",
    "原油",
    "天然ガス",
    "金",
    "自動運転",
    "ロボット",
    "量子",
    "計算機",
    "検索",
    "広告",
    "動画",
    "通信",
    "携帯",
    "端末",
    "スマホ",
    "家電",
    "自動車",
    "電池",
    "蓄電",
    "太陽光",
    "風力",
    "送電",
    "原子力",
    "水素",
    "脱炭素",
    "排出量",
    "気候",
    "人材",
    "研究開発",
    "特許",
    "買収",
    "合併",
    "上場",
    "増資",
    "自社株買い",
    "株主",
    "還元",
    "統治",
    "開示",
    "監査",
    "会計",
    "減損",
    "在庫",
    "受注",
    "出荷",
    "稼働率",
    "単価",
    "値上げ",
    "値下げ",
    "競争",
    "寡占",
    "参入",
    "撤退",
    "提携",
]

ENGLISH_TERMS = [
    "AI",
    "GPU",
    "NVIDIA",
    "TSMC",
    "ETF",
    "LLM",
    "API",
    "CPU",
    "HBM",
    "EUV",
    "NISA",
    "iDeCo",
    "ASML",
    "Apple",
    "Microsoft",
    "Google",
]

GENERAL_WORDS = [
    "見通し",
    "動向",
    "背景",
    "要因",
    "影響",
    "課題",
    "可能性",
    "水準",
    "局面",
    "転換点",
    "構造",
    "戦略",
    "展望",
    "視点",
    "前提",
    "論点",
    "変化",
    "傾向",
]

VERBS = [
    "拡大している",
    "見込まれる",
    "注目を集めている",
    "縮小した",
    "加速させる",
    "押し上げた",
    "左右する",
    "示している",
    "上回った",
    "下回った",
    "懸念される",
    "期待される",
    "再評価された",
    "急増した",
    "鈍化した",
    "続いている",
    "問われている",
    "意識されている",
]

CONNECTORS = [
    "一方で",
    "さらに",
    "ただし",
    "その結果",
    "このため",
    "とはいえ",
    "加えて",
    "実際に",
    "中長期的には",
    "短期的には",
]

PATTERNS = [
    "{a}の{b}は{c}を{v}。",
    "{k}、{a}と{b}の{g}が{v}。",
    "{e}の{a}は前年比{n}%{ud}となり、{g}が{v}。",
    "{a}における{e}の{g}について、{b}は{v}。",
    "{a}が{b}に与える{g}は大きく、{c}の{g}も{v}。",
    "{k}、{e}と{a}の関係を見ると、{b}の{g}が{v}ことがわかる。",
    "{a}や{b}、{c}といった分野で{g}が{v}。",
    "投資家にとって{a}の{g}は、{b}を考えるうえで欠かせない。",
]

TITLE_PATTERNS = [
    "{a}と{b}：{e}時代の{c}を読む",
    "{a}の{g}　{b}はどこへ向かうか",
    "{e}が変える{a}と{b}の{g}",
    "いま{a}を見直す理由：{b}と{c}",
]

BODY_CHARS = 6000
SECTIONS = 8


def _weights(words):
    return [1 / rank for rank in range(1, len(words) + 1)]


_TOPIC_WEIGHTS = _weights(TOPIC_WORDS)
_ENGLISH_WEIGHTS = _weights(ENGLISH_TERMS)


class ArticleText:
    """Title, excerpt and Markdown body of one generated article, and its plain text."""

    def __init__(self, rng: random.Random, head_rng: random.Random | None = None):
        topic = sorted(set(rng.choices(TOPIC_WORDS, _TOPIC_WEIGHTS, k=14)))
        english = sorted(set(rng.choices(ENGLISH_TERMS, _ENGLISH_WEIGHTS, k=3)))
        self._rng, self._topic, self._english = rng, topic, english
        sections, size = [], 0
        per_section = BODY_CHARS // SECTIONS
        for _ in range(SECTIONS):
            heading = f"{self._word()}と{self._word()}の{rng.choice(GENERAL_WORDS)}"
            paragraphs, section_size = [], 0
            while section_size < per_section:
                paragraph = "".join(self._sentence() for _ in range(rng.randint(3, 6)))
                paragraphs.append(paragraph)
                section_size += len(paragraph)
            sections.append((heading, paragraphs))
            size += section_size
        self.sections = sections
        # Articles that share a body (see seed_pages.py) still have their own title and excerpt.
        self._rng = head_rng or rng
        self.title = self._fill(self._rng.choice(TITLE_PATTERNS))
        self.excerpt = self._sentence() + self._sentence()

    def _word(self):
        rng = self._rng
        roll = rng.random()
        if roll < 0.12 and self._english:
            return rng.choice(self._english)
        if roll < 0.85:
            return rng.choice(self._topic)
        return rng.choice(TOPIC_WORDS)

    def _fill(self, pattern):
        rng = self._rng
        return pattern.format(
            a=self._word(),
            b=self._word(),
            c=self._word(),
            e=rng.choice(self._english or ENGLISH_TERMS),
            g=rng.choice(GENERAL_WORDS),
            v=rng.choice(VERBS),
            k=rng.choice(CONNECTORS),
            n=rng.randint(2, 60),
            ud=rng.choice(("増", "減")),
        )

    def _sentence(self):
        return self._fill(self._rng.choice(PATTERNS))

    @property
    def body(self) -> str:
        blocks = []
        for heading, paragraphs in self.sections:
            blocks.append(f"## {heading}")
            blocks.extend(paragraphs)
        return "\n\n".join(blocks)

    @property
    def plain_text(self) -> str:
        """What ``plain_text_from_html(render(body))`` gives, up to the blanks that
        ``search.normalise`` folds: headings keep their "#" permalink."""
        lines = []
        for heading, paragraphs in self.sections:
            lines.append(f"{heading}#")
            lines.extend(paragraphs)
        return "\n".join(lines)

    @property
    def reader_text(self) -> str:
        """What ``reader_text(render(body))`` gives (``Article.body_text``)."""
        return " ".join(" ".join([heading, *paragraphs]) for heading, paragraphs in self.sections)


CATEGORIES = [
    ("投資分析", "investment"),
    ("テクノロジー", "technology"),
    ("半導体", "semiconductors"),
    ("AI", "ai"),
    ("マーケット", "markets"),
    ("マクロ経済", "macro"),
    ("企業分析", "companies"),
    ("エネルギー", "energy"),
]
AUTHORS = 40
TAGS = 300
TAGS_PER_ARTICLE = 5
MINUTES_APART = 50


def tag_names():
    """Tag names: every topic and English word, then numbered series to reach TAGS."""
    names = list(dict.fromkeys(TOPIC_WORDS + ENGLISH_TERMS))
    names += [f"連載{n}" for n in range(1, TAGS - len(names) + 1)]
    return names[:TAGS]


def published_at(number: int, now: datetime) -> datetime:
    """Article ``number`` (1 = newest) went live this long ago: 100,000 span about ten years."""
    return now - timedelta(minutes=MINUTES_APART * number)


def epoch_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
