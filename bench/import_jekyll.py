"""Benchmark: importing generated multi-segment Jekyll files.

Generates N posts (default 10,000) whose bodies come in 3 to 5 passes, each
repeating the tail of the one it continues (some after a leading "..."), one
in four with an alternative pass, then times `manage.py import_jekyll` on the
whole directory against a fresh PostgreSQL database.

    .venv/bin/python bench/import_jekyll.py [--files 10000]

In the same run it imports --baseline files (default 2,000) whose bodies are
the same kind of text in a single pass, so the cost of the passes (parent
detection and stitching) shows as a ratio on the same machine.

Prints Markdown table rows for docs/benchmarks.md.
"""

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "allforces_bench"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")

KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん"
KANJI = "市場投資半導体需要供給価格企業利益成長技術電力設備受注在庫金利株式資本経済政策規制開発製品顧客"


def sentence(rng):
    words = [
        "".join(rng.choice(KANJI) for _ in range(rng.randint(2, 4)))
        + rng.choice(["は", "が", "を", "に", "の"])
        for _ in range(rng.randint(3, 6))
    ]
    return "".join(words) + rng.choice(
        ["増えています。", "続くでしょう。", "注目されます。", "変わりました。"]
    )


def paragraph(rng):
    return "".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def body_in_passes(rng, *, single=False):
    text = "\n\n".join(paragraph(rng) for _ in range(rng.randint(8, 14)))
    if single:
        return text + "\n"
    passes, start = [], 0
    count = rng.randint(3, 5)
    for index in range(count):
        end = (
            len(text)
            if index == count - 1
            else min(len(text), start + len(text) // count + rng.randint(-50, 50))
        )
        lead = rng.choice(["", "", "...", "…"])
        passes.append(lead + text[start:end])
        start = max(start + 1, end - rng.randint(12, 40))
    if rng.random() < 0.25:
        # An alternative take continuing from the same point as the second pass.
        passes.insert(2, passes[1][:40] + paragraph(rng))
    return "\n---END---\n".join(passes) + "\n---END---\n"


def generate(directory: Path, files: int, seed: int = 7, *, single=False):
    rng = random.Random(seed)
    for number in range(files):
        title = "".join(rng.choice(KANJI + KANA) for _ in range(rng.randint(10, 24)))
        front = (
            f'---\nlayout: post\ntitle: "{title}"\ndate: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} '
            f'{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00 +0900\ncategories: ["投資分析"]\n'
            f'tags: ["AI", "半導体"]\nauthor: "ALLFORCES編集部"\nexcerpt: "{title}の要点。"\n---\n\n'
        )
        (directory / f"{number:05d}_bench.md").write_text(
            front + body_in_passes(rng, single=single), encoding="utf-8"
        )


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )


def fresh_database():
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")


def timed_import(files, *, single, env):
    fresh_database()
    manage("migrate", "--noinput", env=env)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        generate(directory, files, single=single)
        started = time.perf_counter()
        result = manage("import_jekyll", str(directory), env=env)
        elapsed = time.perf_counter() - started
    print(result.stdout.strip(), file=sys.stderr)
    return elapsed / files


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=2_000)
    options = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": SERVER.rsplit("/", 1)[0] + f"/{BENCH_DB}",
        "SECRET_KEY": "bench-only",
        "CELERY_BROKER_URL": "memory://",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    passes = timed_import(options.files, single=False, env=env)
    single = timed_import(options.baseline, single=True, env=env)
    machine = (
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, local PostgreSQL"
    )
    print("| files | per file | total |")
    print("| --- | --- | --- |")
    print(
        f"| {options.files:,} files in 3-5 passes | {passes * 1000:.1f} ms | {passes * options.files:.0f} s |"
    )
    print(
        f"| {options.baseline:,} files in one pass (baseline) | {single * 1000:.1f} ms | {single * options.baseline:.0f} s |"
    )
    print(f"\nPasses cost {passes / single:.2f}x a single-pass file. Machine: {machine}.")


if __name__ == "__main__":
    main()
