"""Benchmark: importing a whole generated Jekyll site, old importer against new.

Generates a Jekyll site from a seed (``_config.yml`` with a timezone, a
permalink pattern, ``url`` and ``baseurl``; ``_data/authors.yml``; three
``_includes``; a few hundred small PNG and JPEG files under ``assets/images``;
``--posts`` posts in ``_posts`` and ``ja/news/_posts``, in Japanese and
English, using includes, images, ``{% highlight %}``, ``{% post_url %}``,
footnotes, tables and, for a few, passes separated by ``---END---``), then
for each variant, against a fresh database of its own:

- times ``manage.py import_jekyll SITE`` run from the variant's checkout;
- reads back what it made: articles (by stage), bodies still holding
  Liquid, files under MEDIA_ROOT.

For the new importer it then imports the site once more, into a fresh
database, inside ``manage.py shell`` with a query counter on the connection,
and reports the queries per post (mean, and the most any one post took).

    .venv/bin/python bench/import_site.py [--posts 2000] [--before /work/wt-before] [--after PATH]

Prints a Markdown table, the machine and the command.
"""

import argparse
import json
import os
import platform
import random
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASES = {"before": "allforces_bench_before", "after": "allforces_bench_after"}
BASEURL = "/blog"

AUTHORS = {
    "tanaka": ("田中 健一", "半導体と電子部品を担当。"),
    "suzuki": ("鈴木 美咲", "金融政策と為替を担当。"),
    "sato": ("佐藤 大輔", "エネルギーと素材を担当。"),
    "takahashi": ("高橋 由美", "小売と消費を担当。"),
    "watanabe": ("渡辺 翔", "新興市場を担当。"),
    "ito": ("伊藤 彩", "海外市場を担当。"),
    "yamamoto": ("山本 誠", "データ分析を担当。"),
    "nakamura": ("中村 里奈", "インタビューを担当。"),
    "kobayashi": ("小林 拓也", "自動車と EV を担当。"),
    "kato": ("加藤 真理", "不動産と REIT を担当。"),
    "jsmith": ("John Smith", "US markets correspondent."),
    "desk": ("ALLFORCES編集部", "編集部の共同執筆。"),
}
CATEGORIES_JA = ["マーケット", "半導体", "エネルギー", "金融政策", "企業分析", "テクノロジー", "コラム"]
CATEGORIES_EN = ["markets", "analysis", "interview", "technology", "column", "weekly"]
COMMON_TAGS = [
    "AI", "半導体", "日銀", "円安", "決算", "EV", "電力", "金利", "米国株", "データセンター",
    "生成AI", "原油", "REIT", "IPO", "銀行", "海運", "インフレ", "配当", "NISA", "為替",
    "machine learning", "earnings", "Fed", "semiconductors", "python", "pandas", "energy",
    "batteries", "cloud", "chips", "bonds", "ETF", "commodities", "startups",
]  # fmt: skip
JA_SUBJECTS = [
    "半導体大手の決算", "日銀の金融政策", "円相場", "電力各社の設備投資", "生成AIの需要",
    "EV向け電池の供給", "東証プライムの売買代金", "米国の長期金利", "国内の設備投資",
    "データセンターの電力需要", "素材メーカーの受注", "海運株の値動き", "地方銀行の利ざや",
    "新興市場の資金流入", "原油価格",
]  # fmt: skip
JA_PREDICATES = [
    "は予想を上回りました", "が市場の注目を集めています", "は先月から大きく変わりました",
    "は年末にかけて伸びる見通しです", "の影響が広がっています", "について慎重な見方が増えています",
    "は前年同期比で{n}%伸びました", "をめぐる議論が続いています", "は{n}カ月ぶりの水準になりました",
]  # fmt: skip
JA_OPENERS = ["", "", "一方で、", "その結果、", "ただし、", "特に", "また、", "市場関係者によると、"]
EN_SUBJECTS = [
    "Chipmakers' earnings", "The Bank of Japan's policy", "The yen", "Utility capital spending",
    "Demand for generative AI", "Battery supply for EVs", "Trading volume in Tokyo",
    "US long-term yields", "Data-centre power demand", "Shipping stocks", "Regional banks' margins",
]  # fmt: skip
EN_PREDICATES = [
    "beat expectations this quarter", "drew most of the market's attention", "changed sharply from last month",
    "are expected to grow into the year end", "rose {n}% on the year", "remain the subject of debate",
    "hit a {n}-month high",
]  # fmt: skip
EN_OPENERS = ["", "", "Meanwhile, ", "As a result, ", "However, ", "In particular, ", "Analysts say "]
HEADINGS_JA = ["概要", "背景", "市場の動き", "数字で見る", "今後の見通し", "まとめ", "参考資料"]
HEADINGS_EN = ["Overview", "Background", "What changed", "By the numbers", "Outlook", "Wrap-up"]
COMPANIES = ["大和精機", "北斗電機", "さくら化学", "みなと海運", "あおば銀行", "東雲電力", "光洋半導体"]
SLUG_WORDS = [
    "market", "review", "chips", "earnings", "boj", "yen", "power", "ev", "battery", "ai", "data",
    "outlook", "interview", "rates", "energy", "shipping", "banks", "ipo", "dividends", "tokyo",
    "semiconductor", "inflation", "oil", "reit", "nisa", "cloud", "bonds", "etf", "startup", "fed",
    "guidance", "capex", "demand", "supply", "margin", "rally", "selloff", "forecast", "q1", "q3",
]  # fmt: skip
SERIES_SLUGS = ["weekly-market-review", "monthly-outlook"]
CODE_SNIPPETS = [
    'import pandas as pd\n\nprices = pd.read_csv("prices.csv", parse_dates=["date"])\n'
    'weekly = prices.resample("W", on="date")["close"].mean()\nprint(weekly.tail())',
    "def cagr(start, end, years):\n    return (end / start) ** (1 / years) - 1\n\n"
    'print(f"{cagr(100, 180, 5):.1%}")',
    'returns = {"7203": 0.12, "6758": 0.08, "9984": -0.03}\n'
    "best = max(returns, key=returns.get)\nprint(best, returns[best])",
]
INCLUDES = {
    "note.html": (
        '<div class="note">\n  <p><strong>注意:</strong> '
        '{{ include.text | default: "この記事は投資の勧誘を目的としたものではありません。" }}</p>\n</div>\n'
    ),
    "ad.html": (
        '<aside class="ad">\n  <a href="{{ site.url }}{{ site.baseurl }}/newsletter/">'
        "メールマガジンの登録はこちら</a>\n</aside>\n"
    ),
    "signature.html": '<p class="signature">— {{ page.author | default: site.author }}</p>\n',
}


class SiteWriter:
    """Writes one generated site; every choice comes from one seeded generator."""

    def __init__(self, root: Path, *, posts: int, seed: int):
        self.root = root
        self.count = posts
        self.rng = random.Random(seed)
        self.images: list[str] = []  # site paths, "/assets/images/…"
        self.referenced: set[str] = set()
        self.written: list[str] = []  # post_url names of the posts written so far
        self.names: set[tuple[str, str]] = set()
        self.unique_tags = 0

    def write(self):
        self._config()
        self._images(png=220, jpeg=90)
        dates = sorted(self._date() for _ in range(self.count))
        for number, moment in enumerate(dates):
            self._post(number, moment)
        (self.root / "about.md").write_text(
            "---\nlayout: page\ntitle: このサイトについて\n---\n\n投資と技術のメディアです。\n"
        )
        (self.root / "README.md").write_text(
            "# allforces.example\n\n`bundle exec jekyll serve` で確認できます。\n"
        )

    def _config(self):
        (self.root / "_config.yml").write_text(
            "title: ALLFORCES\nurl: https://allforces.example\n"
            f'baseurl: "{BASEURL}"\ntimezone: Asia/Tokyo\n'
            "permalink: /:categories/:year/:month/:day/:title/\n"
            "author: ALLFORCES編集部\nmarkdown: kramdown\nhighlighter: rouge\n",
            encoding="utf-8",
        )
        (self.root / "_data").mkdir()
        entries = "".join(
            f"{handle}:\n  name: {name}\n  bio: {bio}\n  twitter: {handle}_af\n"
            for handle, (name, bio) in AUTHORS.items()
        )
        (self.root / "_data" / "authors.yml").write_text(entries, encoding="utf-8")
        (self.root / "_includes").mkdir()
        for name, text in INCLUDES.items():
            (self.root / "_includes" / name).write_text(text, encoding="utf-8")

    def _images(self, *, png: int, jpeg: int):
        rng = self.rng
        for number in range(png + jpeg):
            if number < png:
                relative = f"assets/images/{2012 + number % 14}/chart-{number:03d}.png"
            else:
                relative = f"assets/images/photos/photo-{number:03d}.jpg"
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            image = Image.new("RGB", (96, 64), tuple(rng.randrange(256) for _ in range(3)))
            draw = ImageDraw.Draw(image)
            for bar in range(6):
                height = rng.randint(5, 60)
                draw.rectangle([8 + bar * 14, 64 - height, 18 + bar * 14, 63], fill=(20, 60, 120))
            image.save(path, "PNG" if number < png else "JPEG", quality=80)
            self.images.append("/" + relative)

    def _date(self) -> datetime:
        start = datetime(2012, 1, 1)
        return start + timedelta(minutes=self.rng.randrange(int(13.5 * 365 * 24 * 60)))

    def _post(self, number: int, moment: datetime):
        rng = self.rng
        english = rng.random() < 0.3
        in_news = not english and rng.random() < 0.15
        slug = self._slug(moment)
        day = f"{moment:%Y}-{moment.month}-{moment.day}" if rng.random() < 0.1 else f"{moment:%Y-%m-%d}"
        ext = ".markdown" if rng.random() < 0.05 else ".md"
        folder = self.root / ("ja/news/_posts" if in_news else "_posts")
        folder.mkdir(parents=True, exist_ok=True)
        front = self._front_matter(moment, slug, english=english, in_news=in_news)
        body = self._body(english=english, passes=rng.random() < 0.03)
        (folder / f"{day}-{slug}{ext}").write_text(front + body, encoding="utf-8")
        self.written.append(f"{day}-{slug}")

    def _slug(self, moment: datetime) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.02:
            slug = "notitle"
        elif roll < 0.05:
            slug = rng.choice(SERIES_SLUGS)
        else:
            slug = "-".join(rng.sample(SLUG_WORDS, rng.randint(3, 5)))
        while (moment.date().isoformat(), slug) in self.names:
            slug += f"-{rng.randint(2, 9)}"
        self.names.add((moment.date().isoformat(), slug))
        return slug

    def _tags(self) -> list[str]:
        rng = self.rng
        weights = [1 / (rank + 1) for rank in range(len(COMMON_TAGS))]
        tags = rng.choices(COMMON_TAGS, weights=weights, k=rng.randint(1, 4))
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            self.unique_tags += 1
            tags.append(rng.choice([f"銘柄{self.unique_tags:04d}", f"topic-{self.unique_tags}"]))
        return list(dict.fromkeys(tags))

    def _front_matter(self, moment: datetime, slug: str, *, english: bool, in_news: bool) -> str:
        rng = self.rng
        title = self._title(english=english)
        lines = ["---", "layout: post"]
        if slug != "notitle" or rng.random() < 0.5:
            lines.append(f"title: {json.dumps(title, ensure_ascii=False)}")
        roll = rng.random()
        if roll < 0.7:
            lines.append(f"date: {moment:%Y-%m-%d %H:%M:%S} +0900")
        elif roll < 0.85:
            lines.append(f"date: {moment:%Y-%m-%d %H:%M}")
        categories = rng.sample(
            CATEGORIES_EN if english else CATEGORIES_JA, rng.randint(0 if in_news else 1, 2)
        )
        if categories:
            style = rng.random()
            if style < 0.6:
                lines.append(f"categories: [{', '.join(categories)}]")
            elif style < 0.9:
                lines.append(f"categories: {' '.join(categories)}")
            else:
                lines.append(f"category: {categories[0]}")
        tags = self._tags()
        if all(" " not in tag for tag in tags) and rng.random() < 0.2:
            lines.append(f"tags: {' '.join(tags)}")
        else:
            lines.append("tags: [" + ", ".join(json.dumps(tag, ensure_ascii=False) for tag in tags) + "]")
        handles = list(AUTHORS)
        roll = rng.random()
        if roll < 0.85:
            lines.append(f"author: {rng.choice(handles)}")
        elif roll < 0.9:
            lines.append(f"author: [{', '.join(rng.sample(handles, 2))}]")
        if rng.random() < 0.2:
            lines.append(f"excerpt: {json.dumps(self._sentence(english=english), ensure_ascii=False)}")
        if rng.random() < 0.1:
            lines.append(f"last_modified_at: {moment + timedelta(days=rng.randint(1, 90)):%Y-%m-%d}")
        if rng.random() < 0.05:
            lines.append(f"permalink: /{'news' if in_news else 'p'}/{moment:%Y}/{slug}.html")
        if rng.random() < 0.1:
            lines.append(f"image: {rng.choice(self.images)}")
        return "\n".join(lines) + "\n---\n\n"

    def _title(self, *, english: bool) -> str:
        rng = self.rng
        if english:
            return f"{rng.choice(EN_SUBJECTS)}: {rng.choice(HEADINGS_EN).lower()}"
        return f"{rng.choice(JA_SUBJECTS)}、{rng.choice(HEADINGS_JA)}"

    def _sentence(self, *, english: bool) -> str:
        rng = self.rng
        number = rng.randint(2, 40)
        if english:
            opener, subject = rng.choice(EN_OPENERS), rng.choice(EN_SUBJECTS)
            if opener and subject.startswith("The "):
                subject = "the " + subject.removeprefix("The ")
            return f"{opener}{subject} {rng.choice(EN_PREDICATES).format(n=number)}."
        predicate = rng.choice(JA_PREDICATES).format(n=number)
        return f"{rng.choice(JA_OPENERS)}{rng.choice(JA_SUBJECTS)}{predicate}。"

    def _paragraph(self, *, english: bool) -> str:
        joiner = " " if english else ""
        return joiner.join(self._sentence(english=english) for _ in range(self.rng.randint(2, 6)))

    def _image(self, *, english: bool) -> str:
        rng = self.rng
        path = rng.choice(self.images)
        self.referenced.add(path)
        alt = "chart" if english else "図"
        roll = rng.random()
        if roll < 0.5:
            return f"![{alt}]({{{{ site.baseurl }}}}{path})"
        if roll < 0.9:
            return f"![{alt}]({path})"
        return f'![{alt}]({{{{ "{path}" | relative_url }}}})'

    def _body(self, *, english: bool, passes: bool) -> str:
        """Blocks joined by blank lines; with ``passes``, cut after paragraphs into
        passes that each begin by repeating the last sentence of the one before."""
        rng = self.rng
        headings = HEADINGS_EN if english else HEADINGS_JA
        blocks: list[tuple[str, bool]] = []  # (text, is a plain paragraph)
        if rng.random() < 0.05:
            blocks.append(("* 目次\n{:toc}", False))
        blocks.append((self._paragraph(english=english), True))
        if rng.random() < 0.1:
            blocks.append(("{: .lead}", False))
        if rng.random() < 0.4:
            text = rng.choice(["", ' text="数値は執筆時点のものです。"'])
            blocks.append((f"{{% include note.html{text} %}}", False))
        footnotes = []
        for heading in rng.sample(headings, rng.randint(2, 4)):
            blocks.append((f"## {heading}", False))
            for _ in range(rng.randint(1, 3)):
                paragraph = self._paragraph(english=english)
                if rng.random() < 0.1:
                    footnotes.append(len(footnotes) + 1)
                    paragraph += f"[^{footnotes[-1]}]"
                blocks.append((paragraph, "[^" not in paragraph))
            roll = rng.random()
            if roll < 0.3:
                items = [self._sentence(english=english) for _ in range(rng.randint(2, 5))]
                marker = rng.choice(["-", "*", "1."])
                blocks.append(("\n".join(f"{marker} {item}" for item in items), False))
            elif roll < 0.42:
                rows = [
                    f"| {company} | {rng.randint(500, 9000):,} | {rng.uniform(-5, 5):+.1f}% |"
                    for company in rng.sample(COMPANIES, rng.randint(2, 5))
                ]
                blocks.append(
                    ("| 銘柄 | 株価（円） | 前日比 |\n| --- | ---: | ---: |\n" + "\n".join(rows), False)
                )
            elif roll < 0.52:
                code = rng.choice(CODE_SNIPPETS)
                if rng.random() < 0.6:
                    blocks.append((f"{{% highlight python %}}\n{code}\n{{% endhighlight %}}", False))
                else:
                    blocks.append((f"```python\n{code}\n```", False))
            if rng.random() < 0.25:
                blocks.append((self._image(english=english), False))
        if self.written and rng.random() < 0.3:
            target = rng.choice(self.written[-300:])
            label, text = ("Related", "the previous report") if english else ("関連記事", "前回のレポート")
            prefix = "{{ site.baseurl }}" if rng.random() < 0.3 else ""
            blocks.append((f"{label}: [{text}]({prefix}{{% post_url {target} %}})", False))
        if rng.random() < 0.2:
            blocks.append(("{% include ad.html %}", False))
        if footnotes:
            notes = "\n".join(f"[^{n}]: 出典: 各社の決算資料と取材による。" for n in footnotes)
            blocks.append((notes, False))
        if rng.random() < 0.3:
            blocks.append(("{% include signature.html %}", False))
        if not passes:
            return "\n\n".join(text for text, _ in blocks) + "\n"
        cuts = [index for index, (_, plain) in enumerate(blocks[:-1]) if plain]
        cuts = sorted(rng.sample(cuts, min(len(cuts), rng.randint(1, 3))))
        parts, start = [], 0
        for cut in cuts:
            parts.append("\n\n".join(text for text, _ in blocks[start : cut + 1]))
            tail = re.split(r"(?<=[。.])\s*", blocks[cut][0].strip())
            tail = [sentence for sentence in tail if sentence][-1]
            blocks[cut + 1] = (tail + "\n\n" + blocks[cut + 1][0], blocks[cut + 1][1])
            start = cut + 1
        parts.append("\n\n".join(text for text, _ in blocks[start:]))
        return "\n---END---\n".join(parts) + "\n---END---\n"


def generate(root: Path, *, posts: int, seed: int) -> SiteWriter:
    writer = SiteWriter(root, posts=posts, seed=seed)
    writer.write()
    return writer


# Run by the new importer's checkout, in ``manage.py shell``: the whole import
# with every statement counted (savepoints included), and where each post ends.
COUNT_QUERIES = textwrap.dedent(
    r"""
    import json, os, re
    from collections import Counter
    from pathlib import Path
    from django.db import connection
    from editorial.jekyll.importer import import_files
    from editorial.jekyll.site import collect

    shapes = Counter()
    def counting(execute, sql, params, many, context):
        verb = re.match(r"\s*(\w+(?: TO)?(?: SAVEPOINT)?)", sql.upper())
        table = re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql)
        shapes[(verb.group(1) if verb else "?") + (" " + table.group(1) if table else "")] += 1
        return execute(sql, params, many, context)

    sources = collect([Path(os.environ["BENCH_SITE"])])
    ends = []
    with connection.execute_wrapper(counting):
        report = import_files(
            sources, progress=lambda result: ends.append((shapes.total(), result.source.key))
        )
    each = [(later - earlier, key) for (earlier, _), (later, key) in zip(ends, ends[1:])]
    print(json.dumps({
        "total": shapes.total(), "posts": len(ends), "before_first_end": ends[0][0] if ends else 0,
        "max_one": max(each, default=(0, "")), "shapes": shapes.most_common(12),
        "summary": report.summary(),
    }, ensure_ascii=False))
    """
)


def environment(database: str, media: Path, site: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": SERVER.rsplit("/", 1)[0] + f"/{database}",
        "SECRET_KEY": "bench-only",
        "CELERY_BROKER_URL": "memory://",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "MEDIA_ROOT": str(media),
        "BENCH_SITE": str(site),
    }


def fresh_database(name: str):
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")


def manage(checkout: Path, *args, env, check=True):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=checkout, env=env, capture_output=True, text=True
    )
    if check and result.returncode:
        sys.exit(f"manage.py {args[0]} failed in {checkout}:\n{result.stderr[-3000:]}")
    return result


def read_back(database: str, media: Path) -> dict:
    url = SERVER.rsplit("/", 1)[0] + f"/{database}"
    with psycopg.connect(url) as connection:
        articles, liquid = connection.execute(
            "SELECT count(*), count(*) FILTER (WHERE strpos(body, '{%') > 0 OR strpos(body, '{{') > 0)"
            " FROM articles_article"
        ).fetchone()
        stages = connection.execute(
            "SELECT status, count(*) FROM articles_article GROUP BY status ORDER BY count(*) DESC"
        ).fetchall()
    files = sum(1 for path in media.rglob("*") if path.is_file()) if media.exists() else 0
    return {"articles": articles, "stages": stages, "liquid": liquid, "media_files": files}


def run_variant(name: str, checkout: Path, site: Path, work: Path) -> dict:
    database = DATABASES[name]
    media = work / f"media-{name}"
    env = environment(database, media, site)
    fresh_database(database)
    manage(checkout, "migrate", "--noinput", env=env)
    load = os.getloadavg()[0]
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = manage(checkout, "import_jekyll", str(site), env=env, check=False)
    seconds = time.perf_counter() - started
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = done.ru_utime + done.ru_stime - used.ru_utime - used.ru_stime
    output = (result.stdout + result.stderr).strip().splitlines()
    summary = next((line for line in reversed(output) if "件" in line), output[-1] if output else "")
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(site))]
    return {
        "seconds": seconds,
        "cpu": cpu,
        "load": load,
        "exit": result.returncode,
        "summary": summary.removeprefix("CommandError: "),
        "problems": problems,
        **read_back(database, media),
    }


def count_queries(checkout: Path, site: Path, work: Path) -> dict:
    database = DATABASES["after"]
    env = environment(database, work / "media-count", site)
    fresh_database(database)
    manage(checkout, "migrate", "--noinput", env=env)
    result = manage(checkout, "shell", "-c", COUNT_QUERIES, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or platform.machine(),
    )
    with psycopg.connect(SERVER) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    return (
        f"{os.cpu_count()} CPUs (nproc), {model}; Python {platform.python_version()}; PostgreSQL {postgres}; "
        f"load average {' '.join(f'{value:.2f}' for value in os.getloadavg())}"
    )


def git_head(checkout: Path) -> str:
    result = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    )
    return result.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--before", type=Path, default=Path("/work/wt-before"), help="checkout of the old importer"
    )
    parser.add_argument("--after", type=Path, default=ROOT, help="checkout of the new importer")
    parser.add_argument("--keep-site", type=Path, help="write the site here and keep it")
    options = parser.parse_args()
    command = shlex.join([os.path.relpath(sys.executable), *sys.argv])

    with tempfile.TemporaryDirectory(prefix="bench-import-site-") as tmp:
        work = Path(tmp)
        site = options.keep_site or work / "site"
        site.mkdir(parents=True)
        writer = generate(site, posts=options.posts, seed=options.seed)
        print(
            f"Site: {options.posts:,} posts, {len(writer.images)} images ({len(writer.referenced)} referenced), "
            f"{writer.unique_tags} one-off tags, 2 pages (about.md, README.md).",
            file=sys.stderr,
        )
        runs = {}
        for name, checkout in (("before", options.before), ("after", options.after)):
            print(f"{name}: importing from {checkout} …", file=sys.stderr)
            runs[name] = run_variant(name, checkout, site, work)
        print("after: counting queries …", file=sys.stderr)
        counted = count_queries(options.after, site, work)
        machine_line = machine()

    posts = options.posts
    per_thousand = {name: run["seconds"] / posts * 1000 for name, run in runs.items()}
    mean = counted["total"] / max(counted["posts"], 1)
    queries = {"before": "—", "after": f"{mean:.1f} mean, {counted['max_one'][0]} max"}
    ratio = {"before": "1.00", "after": f"{per_thousand['after'] / per_thousand['before']:.2f}"}
    print(
        "| variant | posts | seconds | s / 1,000 posts | importer CPU s / 1,000 posts "
        "| SQL queries per post | after / before (s) | load at start |"
    )
    print("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
    for name, run in runs.items():
        label = f"{name} ({git_head(options.before if name == 'before' else options.after)})"
        print(
            f"| {label} | {posts:,} | {run['seconds']:.1f} | {per_thousand[name]:.1f} "
            f"| {run['cpu'] / posts * 1000:.1f} | {queries[name]} | {ratio[name]} | {run['load']:.1f} |"
        )
    print()
    for name, run in runs.items():
        print(
            f"- {name}: exit {run['exit']}; {run['summary']}; articles {run['articles']:,} "
            f"({', '.join(f'{stage} {count:,}' for stage, count in run['stages'])}); "
            f"bodies with Liquid left ({{% or {{{{) {run['liquid']:,}; files under MEDIA_ROOT {run['media_files']:,}"
        )
        for line in run["problems"][:3]:
            print(f"  - {line.replace(str(site), 'SITE')}")
        if len(run["problems"]) > 3:
            print(f"  - … {len(run['problems']) - 3} more")
    after = runs["after"]
    checks = {
        "articles = posts": after["articles"] == posts,
        "no Liquid left in bodies": after["liquid"] == 0,
        f"images copied ({len(writer.referenced)} referenced)": after["media_files"] > 0,
        "at most 30 queries for any post": counted["max_one"][0] <= 30,
    }
    print(
        "- after, checks: " + "; ".join(f"{label}: {'yes' if ok else 'NO'}" for label, ok in checks.items())
    )
    print(
        f"- after, queries: {counted['total']:,} in all for {counted['posts']:,} posts "
        f"({counted['before_first_end']} up to the end of the first, reading names in bulk included); {counted['summary']}"
    )
    shapes = ", ".join(f"{shape} {count / posts:.1f}" for shape, count in counted["shapes"])
    print(f"- after, statements per post by kind: {shapes}")
    print(f"- after, the post with the most statements: {counted['max_one'][1]} ({counted['max_one'][0]})")
    print(f"\nMachine: {machine_line}.\nCommand: `{command}` (cwd {os.getcwd()}).")


if __name__ == "__main__":
    main()
