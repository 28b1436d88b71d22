"""Benchmark: the slowest bodies at ``ARTICLE_BODY_MAX_CHARS``, as preview and save do them.

    .venv/bin/python -m bench.markdown_limit          # every hostile input at the limit
    BENCH_MD_SIZE=200000 .venv/bin/python -m bench.markdown_limit

"preview" is ``articles.markdown.render`` (what the live preview, a pasted
continuation and an import render); "save" adds what ``Article.save()``
derives from the rendering (plain text, reading time, the search text and its
index grams), without the database. Each is the fastest of three runs, in CPU
seconds of this process (``time.process_time``), which other jobs on a shared
machine disturb far less than wall time; wall seconds are printed beside. The
target (issue 13) is 1 s for every body up to the limit.
"""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allforces.settings")
django.setup()

from django.conf import settings  # noqa: E402

from articles import search  # noqa: E402
from articles.markdown import render  # noqa: E402
from articles.text import plain_text_from_html, reading_time_minutes  # noqa: E402
from bench.markdown_renderers import PATHOLOGICAL, _cpu  # noqa: E402

RUNS = 3
TARGET_SECONDS = 1.0


def save_work(text):
    rendered = render(text)
    plain = plain_text_from_html(rendered.html)
    reading_time_minutes(plain)
    # What search.index_value() stores, without the database it needs for the cast.
    " ".join(sorted(search._lexeme(gram) for gram in search.grams(search.normalise(f"題\n\n{plain}"))))


def fastest(work, text):
    cpu, wall = [], []
    for _ in range(RUNS):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        work(text)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    return min(cpu), min(wall)


def main():
    size = int(os.environ.get("BENCH_MD_SIZE", settings.ARTICLE_BODY_MAX_CHARS))
    render("warm up")
    print(f"- {os.cpu_count()} cores, {_cpu()}; load average before: {os.getloadavg()[0]:.1f}")
    print(f"- bodies of {size:,} characters (ARTICLE_BODY_MAX_CHARS = {settings.ARTICLE_BODY_MAX_CHARS:,})\n")
    print("| input | preview CPU s | save CPU s | save wall s |")
    print("| --- | ---: | ---: | ---: |")
    rows = []
    for kind, make in PATHOLOGICAL.items():
        text = make(size)[:size]
        preview_cpu, _ = fastest(render, text)
        save_cpu, save_wall = fastest(save_work, text)
        rows.append((save_cpu, kind, preview_cpu, save_wall))
    for save_cpu, kind, preview_cpu, save_wall in sorted(rows, reverse=True):
        print(f"| {kind} | {preview_cpu:.3f} | {save_cpu:.3f} | {save_wall:.3f} |")
    slowest = max(rows)
    over = [kind for save_cpu, kind, *_ in rows if save_cpu > TARGET_SECONDS]
    print(
        f"\nslowest: {slowest[1]} at {slowest[0]:.3f} CPU s; over {TARGET_SECONDS} s: {len(over)} of {len(rows)}"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
