"""Benchmark: Python-Markdown against markdown-it-py on hostile and ordinary bodies.

    .venv/bin/python -m bench.markdown_renderers > /tmp/markdown.md
    .venv/bin/python -m bench.markdown_renderers --fidelity    # the last part only

Both candidates are measured as the app would run them, sanitiser included:
"Python-Markdown" is the set-up the app used until issue 12 (extensions
``extra``, ``sane_lists`` and ``toc``, then nh3), "markdown-it-py" is
``articles.markdown.render`` (markdown-it-py with mdit-py-plugins, then
nh3). Each render runs in a child process with a time cap (BENCH_MD_CAP
seconds, 30 by default: gunicorn's worker timeout), so an input that takes
minutes is reported as "> 30 s" instead of holding the bench; a renderer
that ran out of time on a size is not run on the larger sizes of that input.

Printed as Markdown: the machine, a table of seconds per input, size and
renderer (the fastest of up to BENCH_MD_RUNS renders in one process), how
each time grows from one size to the next (x4 in size: about x4 is linear,
x16 quadratic), then what each renderer makes of the fixtures that differ
in meaning (nested lists, fences in list items, math).
"""

import os
import platform
import subprocess
import sys
import time

import nh3

CAP = float(os.environ.get("BENCH_MD_CAP", "30"))
RUNS = int(os.environ.get("BENCH_MD_RUNS", "3"))
SIZES = [int(size) for size in os.environ.get("BENCH_MD_SIZES", "12500,50000,200000").split(",")]
RENDERERS = ["Python-Markdown", "markdown-it-py"]


def _repeat(unit, size):
    return (unit * (size // len(unit) + 1))[:size]


def _indented_list(size, step):
    """One item per line, each ``step`` spaces deeper than the one before."""
    lines, total, depth = [], 0, 0
    while total < size:
        line = " " * step * depth + "- 項目\n"
        lines.append(line)
        total += len(line)
        depth += 1
    return "".join(lines)[:size]


def _rows(size, row, head):
    return head + _repeat(row, size - len(head))


PATHOLOGICAL = {
    "`[` repeated": lambda n: _repeat("[", n),
    "`\\` repeated": lambda n: _repeat("\\", n),
    "`<http://a` repeated": lambda n: _repeat("<http://a", n),
    "`> ` repeated, then `x` (nested quotes)": lambda n: _repeat("> ", n - 1) + "x",
    "`- ` repeated, then `x` (nested lists)": lambda n: _repeat("- ", n - 1) + "x",
    "list, 2 more spaces per line": lambda n: _indented_list(n, 2),
    "list, 4 more spaces per line": lambda n: _indented_list(n, 4),
    "`*a ` repeated": lambda n: _repeat("*a ", n),
    "`_` repeated": lambda n: _repeat("_", n),
    "`a**` repeated": lambda n: _repeat("a**", n),
    "`*a _b ` repeated": lambda n: _repeat("*a _b ", n),
    "`` a` `` repeated (backticks)": lambda n: _repeat("a`", n),
    "`` `a`` `` repeated (backticks)": lambda n: _repeat("`a``", n),
    "`[a](` repeated": lambda n: _repeat("[a](", n),
    "`![[a](b` repeated": lambda n: _repeat("![[a](b", n),
    "`<a ` repeated": lambda n: _repeat("<a ", n),
    "`<!--` repeated": lambda n: _repeat("<!--", n),
    "`&#` repeated": lambda n: _repeat("&#", n),
    "`$a` repeated (math)": lambda n: _repeat("$a", n),
    "`~~a` repeated": lambda n: _repeat("~~a", n),
    "table, many rows": lambda n: _rows(n, "| a | b | c |\n", "| x | y | z |\n|:--|:-:|--:|\n"),
    "table, many columns": lambda n: "| a " * (n // 8) + "|\n" + "|---" * (n // 8) + "|\n",
    "link reference definitions": lambda n: "".join(
        f"[r{i}]: https://example.com/{i}\n" for i in range(n // 30)
    ),
    "references to one definition": lambda n: _repeat("[x] ", n - 30) + "\n\n[x]: https://example.com\n",
    "footnote references": lambda n: _repeat("本文[^1]", n - 20) + "\n\n[^1]: 脚注\n",
    "equal headings": lambda n: _repeat("## 見出し\n", n),
    "abbreviation definitions": lambda n: "".join(f"*[A{i}]: 略語{i}\n" for i in range(n // 16)),
    "definition lists": lambda n: _repeat("用語\n: 定義\n\n", n),
    "NUL characters": lambda n: _repeat("\x00", n),
}

ARTICLE = """\
## 半導体市場の見通し

生成AIの**推論**需要が、データセンター向けの*GPU*と広帯域メモリ（HBM）の出荷を押し上げている[^出典]。
各社の決算を並べると、設備投資の山は2026年度に来るとの見方が多い。

### 主要企業の数字

| 企業 | 売上高（億円） | 前年比 |
|:-----|-------------:|:-----:|
| A社 | 12,340 | +18% |
| B社 | 8,765 | +7% |
| C社 | 3,210 | −4% |

### 確認の手順

1. 決算短信を取得する
   ```python
   # 決算短信の一覧（コメント行は見出しではない）
   for filing in filings:
       print(filing.company, filing.revenue)
   ```
2. 数字を表にまとめる
   - 売上高
   - 営業利益
     - 前年比は百分率で
3. 為替の前提を確かめる

> 市場は「推論」に注目している。
> > 引用の中の引用も、そのまま引用として読める。

## 金利と株価

利回り曲線の形は、$r = r_0 + \\beta t$ のように単純には書けない。
~~先月の予想~~は外れた。

$$
P = \\sum_{t=1}^{n} \\frac{C_t}{(1+r)^t}
$$

用語
:   ここでは「長期金利」を10年国債の利回りとする。

*[HBM]: High Bandwidth Memory

## まとめ

- 需要は強い
- 供給は追いつくか
  - 装置メーカーの受注残に注目

[^出典]: 各社の決算資料から集計。
"""

FIXTURES = {
    "Japanese article (the fixture below)": ARTICLE,
    "Japanese article x 260": "\n\n".join(ARTICLE.replace("[^出典]", f"[^出典{n}]") for n in range(260)),
    "generated article (bench/corpus.py) x 33": None,
}

# Inputs whose meaning differs between the renderers, shown as each renders them.
FIDELITY = {
    "list nested by 2 spaces": "- 親\n  - 子\n    - 孫\n- 二つ目",
    "list nested by 4 spaces": "- 親\n    - 子",
    "fenced code inside a list item": "1. 手順\n   ```\n   # コメント\n   x = 1\n   ```\n2. 次",
    "fenced code in a list item, after a blank line": "1. 手順\n\n    ```\n    # コメント\n    ```\n2. 次",
    "math with emphasis characters": "式 $a*b*c$ と $x_1 + y_1$",
    "table with alignment": "| 左 | 右 |\n|:--|--:|\n| 1 | 2 |",
    "heading anchor and footnote": "## 見出し A & B\n\n本文[^1]\n\n[^1]: 脚注",
}


def _corpus_body():
    import random

    from bench.corpus import ArticleText

    return "\n\n".join(ArticleText(random.Random(f"body-{n}")).body for n in range(33))


def _python_markdown():
    import markdown
    from markdown.extensions.toc import slugify_unicode

    from articles.markdown import sanitise_html

    configs = {
        "toc": {"slugify": slugify_unicode, "permalink": "#", "permalink_title": "この見出しへのリンク"},
        "extra": {"tables": {"use_align_attribute": True}},
    }

    def render(text):
        converter = markdown.Markdown(
            extensions=["extra", "sane_lists", "toc"], extension_configs=configs, output_format="html"
        )
        return sanitise_html(converter.convert(text))

    return render


def _markdown_it():
    from articles.markdown import render_markdown

    return render_markdown


def renderer(name):
    return {"Python-Markdown": _python_markdown, "markdown-it-py": _markdown_it}[name]()


def source(kind, size):
    if kind in PATHOLOGICAL:
        return PATHOLOGICAL[kind](size)
    return FIXTURES[kind] or _corpus_body()


def time_one(name, kind, size):
    """In the child: the fastest of RUNS renders (fewer when one is slow)."""
    render, text = renderer(name), source(kind, size)
    render("warm up")
    best = None
    for _ in range(RUNS):
        started = time.perf_counter()
        render(text)
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
        if elapsed > 1:
            break
    print(f"{best:.6f}")


def measure(name, kind, size):
    """Seconds, or None when the cap ran out or the render failed (with why)."""
    command = [sys.executable, "-m", "bench.markdown_renderers", "--one", name, kind, str(size)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CAP + 5)
    except subprocess.TimeoutExpired:
        return None, f"> {CAP:.0f} s"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["error"])[-1]
        return None, last.split(":")[0]
    seconds = float(done.stdout.strip())
    if seconds > CAP:
        return None, f"> {CAP:.0f} s"
    return seconds, f"{seconds:.4f}"


def _cpu():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _versions():
    import markdown
    import markdown_it
    import mdit_py_plugins

    return (
        f"Markdown {markdown.__version__}, markdown-it-py {markdown_it.__version__}, "
        f"mdit-py-plugins {mdit_py_plugins.__version__}, nh3 {getattr(nh3, '__version__', '?')}"
    )


def main():
    print("## Machine\n")
    print(f"- {os.cpu_count()} cores, {_cpu()}")
    print(f"- Python {platform.python_version()} ({platform.python_implementation()}), {platform.system()}")
    print(f"- {_versions()}")
    print(f"- cap {CAP:.0f} s per render, fastest of up to {RUNS} renders")
    print("- load average at the start: " + ", ".join(f"{load:.2f}" for load in os.getloadavg()) + "\n")

    print("## Seconds per render (sanitiser included)\n")
    print("| input | chars | " + " | ".join(f"{name} s" for name in RENDERERS) + " | ratio |")
    print("|---|---:|" + "---:|" * len(RENDERERS) + "---:|")
    growth = {}
    cases = [(kind, size) for kind in PATHOLOGICAL for size in SIZES] + [(kind, None) for kind in FIXTURES]
    gave_up = set()
    for kind, size in cases:
        text = source(kind, size or 0)
        cells, seconds = [], {}
        for name in RENDERERS:
            if (name, kind) in gave_up:
                cells.append(f"> {CAP:.0f} s (not run)")
                continue
            seconds[name], cell = measure(name, kind, size or 0)
            cells.append(cell)
            if seconds[name] is None:
                gave_up.add((name, kind))
            growth.setdefault((kind, name), []).append(seconds[name])
        old, new = seconds.get(RENDERERS[0]), seconds.get(RENDERERS[1])
        ratio = f"{old / new:.1f}" if old and new else ("-" if new is None else f"> {CAP / new:.0f}")
        print(f"| {kind} | {len(text):,} | " + " | ".join(cells) + f" | {ratio} |", flush=True)

    print("\nLoad average at the end: " + ", ".join(f"{load:.2f}" for load in os.getloadavg()))

    print("\n## Growth: time at each size over time at the size before (x4 chars)\n")
    print("| input | " + " | ".join(RENDERERS) + " |")
    print("|---|" + "---|" * len(RENDERERS))
    for kind in PATHOLOGICAL:
        cells = []
        for name in RENDERERS:
            times = growth.get((kind, name), [])
            steps = [
                f"x{later / earlier:.1f}" if earlier and later else "-"
                for earlier, later in zip(times, times[1:], strict=False)
            ]
            cells.append(", ".join(steps) or "-")
        print(f"| {kind} | " + " | ".join(cells) + " |")

    print()
    fidelity()


def fidelity():
    print("## Fidelity: what each renderer makes of it\n")
    for label, text in FIDELITY.items():
        print(f"### {label}\n\n````markdown\n{text}\n````\n")
        for name in RENDERERS:
            print(f"{name}:\n\n```html\n{renderer(name)(text).strip()}\n```\n")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        time_one(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1:2] == ["--fidelity"]:
        fidelity()
    else:
        main()
