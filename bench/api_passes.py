"""Benchmark: the editorial API's passes over real HTTP, under gunicorn (issue 17).

    .venv/bin/python -m bench.api_passes
    BENCH_ARTICLES=10 .venv/bin/python -m bench.api_passes

Target (issue 17): a pass of 4,000 characters is stitched and answered in
under 100 ms at p50.

A fresh PostgreSQL database (``allforces_bench_api_passes``, dropped and
migrated each run), an editor in the editors' group, an author and a
category; tokens issued with ``api.tokens.issue`` as the admin's form does,
by a superuser. Gunicorn as bench/reader_pages.py starts it (2 sync workers,
bench/gunicorn_conf.py, ``CONN_MAX_AGE``, DEBUG off, the Redis cache, a Redis
broker), and one httpx client with a kept-alive connection, one request at a
time, so a latency is one worker's time on one request plus the loopback.

For each of BENCH_ARTICLES articles: ``POST /api/v1/articles`` with a first
pass of about 4,000 characters cut mid-sentence, then BENCH_PASSES passes of
about 4,000 characters (``POST /api/v1/articles/{id}/passes``, each with its
own ``Idempotency-Key``). Each pass repeats the last 15–40 characters of the
pass it continues, some after a "..." as the publisher's sample does
(/work/shared/samples); the last ends its sentence. One article in four also
gets an alternative pass continuing from the same point as its first pass,
sent after it; the passes after it continue the alternative, as in the sample.
Every pass is sent a second time with the same key (a retry), which must get
the first answer back.

Rate limit: ``api.tokens.WRITES_PER_MINUTE`` (60 a token) has no setting, and
the benchmark does not change it: each article has its own token, as each
pipeline would, so no token writes more than 1 + 2 × (passes + 1) times.

Prints Markdown for docs/benchmarks.md and writes var/bench-api-passes.json.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

from . import corpus
from .reader_pages import gunicorn, server_env

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "allforces_bench_api_passes"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE_URL = SERVER.rsplit("/", 1)[0] + f"/{BENCH_DB}"
REDIS = os.environ.get("BENCH_API_REDIS", "redis://127.0.0.1:6379/7")
BROKER = os.environ.get("BENCH_API_BROKER", "redis://127.0.0.1:6379/8")
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "40"))
PASSES = int(os.environ.get("BENCH_PASSES", "5"))
PASS_CHARS = 4000
WARM_ARTICLES = 2
SETTINGS = [f"{name}={os.environ[name]}" for name in ("BENCH_ARTICLES", "BENCH_PASSES") if name in os.environ]
COMMAND = " ".join([*SETTINGS, ".venv/bin/python -m bench.api_passes"])


def prose(rng):
    """Endless Markdown blocks (headings and paragraphs) of generated Japanese."""
    while True:
        for heading, paragraphs in corpus.ArticleText(rng).sections:
            yield f"## {heading}"
            yield from paragraphs


def fresh_text(blocks, length, *, cut_mid_sentence):
    """About ``length`` characters of new text: cut inside a sentence, or after one."""
    text = ""
    while len(text) < length + 200:
        text += ("\n\n" if text else "") + next(blocks)
    if cut_mid_sentence:
        end = length
        while text[end - 1] in "。\n#" or text[end] in "。\n":
            end += 1
        return text[:end]
    return text[: text.rindex("。", 0, length) + 1]


def continuation(rng, blocks, parent, *, last):
    """A pass of about PASS_CHARS characters repeating the end of ``parent``."""
    tail = parent.rstrip()[-rng.randint(15, 40) :]
    lead = rng.choice(["", "", "", "..."])
    fresh = fresh_text(blocks, PASS_CHARS - len(tail), cut_mid_sentence=not last)
    return f"\n\n{lead}{tail}{fresh}\n\n"


def article_passes(number):
    """The first pass and the passes that follow it, for article ``number``."""
    rng = random.Random(number)
    blocks = prose(rng)
    first = fresh_text(blocks, PASS_CHARS, cut_mid_sentence=True) + "\n\n"
    passes, parent = [], first
    for index in range(PASSES):
        text = continuation(rng, blocks, parent, last=index == PASSES - 1)
        passes.append(text)
        if index == 0 and number % 4 == 1:
            # An alternative take from the same point as the first pass; what follows continues it.
            text = continuation(rng, blocks, first, last=False)
            passes.append(text)
        parent = text
    return first, passes


def fresh_database():
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{BENCH_DB}"')


def bench_env(static_root, queue):
    return {
        **server_env(variant="cached", static_root=static_root, database_url=DATABASE_URL),
        "REDIS_URL": REDIS,
        "CACHE_KEY_PREFIX": "bench-api-passes",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args, "--verbosity=0"], cwd=ROOT, env=env, check=True)


def people_and_tokens(count):
    """An editor, an author and a category; ``count`` tokens for the editor, issued by a superuser."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from api import tokens
    from api.models import ApiToken
    from articles.models import Author, Category
    from editorial.roles import EDITORS, install_role_groups

    install_role_groups(Group, Permission)
    users = get_user_model().objects
    chief = users.create_superuser("bench-chief", "chief@example.jp", "bench-only-password")
    editor = users.create_user("bench-editor", "editor@example.jp", "bench-only-password", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    Author.objects.create(name="ALLFORCES編集部", slug="allforces-editors", is_team=True)
    Category.objects.create(name="投資分析", slug="investment")
    scopes = [scope.value for scope in ApiToken.Scope]
    return [
        tokens.issue(name=f"パイプライン {n}", user=editor, scopes=scopes, by=chief)[1] for n in range(count)
    ]


def forget(queue):
    """Leave the shared Redis as found: this run's cache keys and its (unconsumed) queue."""
    import redis

    store = redis.Redis.from_url(REDIS)
    for key in store.scan_iter(match="bench-api-passes:*"):
        store.delete(key)
    broker = redis.Redis.from_url(BROKER)
    for key in broker.scan_iter(match=f"*{queue}*"):
        broker.delete(key)


def timed(client, method, url, **kwargs):
    started = time.perf_counter()
    response = client.request(method, url, **kwargs)
    return response, (time.perf_counter() - started) * 1000


def run_article(client, number):
    """Create article ``number`` and send its passes, each twice; the timings and what came back."""
    first, passes = article_passes(number)
    payload = {
        "title": f"ベンチマーク記事 {number}",
        "text": first,
        "excerpt": "要約です。",
        "authors": ["allforces-editors"],
        "categories": ["investment"],
        "tags": ["AI", "半導体"],
    }
    response, create_ms = timed(client, "POST", "/articles", json=payload)
    if response.status_code != 201:
        raise RuntimeError(f"create: HTTP {response.status_code} {response.text[:500]}")
    created = response.json()
    rows = []
    for ordinal, text in enumerate(passes, 1):
        key = f"bench-{number}-{ordinal}-{uuid.uuid4().hex}"
        args = {"json": {"text": text}, "headers": {"Idempotency-Key": key}}
        url = f"/articles/{created['id']}/passes"
        response, ms = timed(client, "POST", url, **args)
        if response.status_code != 201:
            raise RuntimeError(f"pass {ordinal}: HTTP {response.status_code} {response.text[:500]}")
        retry, retry_ms = timed(client, "POST", url, **args)
        if retry.status_code != 201 or retry.json() != response.json():
            raise RuntimeError(f"retry of pass {ordinal}: HTTP {retry.status_code}, not the first answer")
        answer = response.json()
        rows.append(
            {
                "ordinal": ordinal,
                "ms": ms,
                "retry_ms": retry_ms,
                "chars": len(text),
                "length": answer["length"],
                "segments": len(answer["segments"]),
                "truncated": answer["truncated"],
                "bytes": len(response.content),
            }
        )
    return {
        "create_ms": create_ms,
        "first_truncated": created["truncated"],
        "first_chars": len(first),
        "passes": rows,
        "alternative": len(passes) > PASSES,
    }


def percentile(values, share):
    """Nearest-rank percentile: the smallest value at or above ``share`` of them."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-len(ordered) * share // 100) - 1))]


def summary(values):
    return {
        "n": len(values),
        "p50_ms": statistics.median(values),
        "p90_ms": percentile(values, 90),
        "p99_ms": percentile(values, 99),
        "max_ms": max(values),
    }


def report(results, started_at, load_before):
    passes = [row for article in results for row in article["passes"]]
    by_ordinal = {}
    for row in passes:
        by_ordinal.setdefault(row["ordinal"], []).append(row)
    figures = {
        "create (first pass)": summary([article["create_ms"] for article in results]),
        "every pass": summary([row["ms"] for row in passes]),
        **{
            f"pass {ordinal}": summary([row["ms"] for row in rows])
            for ordinal, rows in sorted(by_ordinal.items())
            if len(rows) >= 5
        },
        "retry, same Idempotency-Key": summary([row["retry_ms"] for row in passes]),
    }
    lengths = {
        ordinal: statistics.median(row["length"] for row in rows) for ordinal, rows in by_ordinal.items()
    }
    cpu = next(
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    )
    lines = [
        f"- {started_at:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores ({cpu}), load average before"
        f" {load_before:.1f}, after {os.getloadavg()[0]:.1f}",
        f"- {len(results)} articles, {len(passes)} passes of"
        f" {min(r['chars'] for r in passes):,}–{max(r['chars'] for r in passes):,} characters"
        f" ({sum(a['alternative'] for a in results)} articles with an alternative pass);"
        f" first pass flagged as cut off in {sum(a['first_truncated'] for a in results)} of {len(results)},"
        f" finished articles not cut off in {sum(not a['passes'][-1]['truncated'] for a in results)}"
        f" of {len(results)}",
        "",
        "| request | n | article after it (median chars) | p50 | p90 | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, figure in figures.items():
        ordinal = int(label.split()[1]) if label.startswith("pass ") else None
        length = f"{lengths[ordinal]:,.0f}" if ordinal else ""
        lines.append(
            f"| {label} | {figure['n']} | {length} | {figure['p50_ms']:.1f} ms | {figure['p90_ms']:.1f} ms"
            f" | {figure['p99_ms']:.1f} ms | {figure['max_ms']:.1f} ms |"
        )
    every = figures["every pass"]["p50_ms"]
    lines += [
        "",
        f"Target (issue 17): a pass answered in under 100 ms at p50: {'met' if every < 100 else 'not met'}"
        f" ({every:.1f} ms).",
    ]
    return figures, "\n".join(lines)


def main():
    started_at, load_before = datetime.now(UTC), os.getloadavg()[0]
    queue = f"bench-api-passes-{uuid.uuid4().hex[:8]}"
    fresh_database()
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        env = bench_env(static_root, queue)
        manage("migrate", "--noinput", env=env)
        manage("collectstatic", "--noinput", env=env)
        os.environ.update(env)
        import django

        django.setup()
        secrets = people_and_tokens(WARM_ARTICLES + ARTICLES)
        from django.db import connections

        connections.close_all()
        results = []
        with gunicorn(env) as base:
            for number in range(WARM_ARTICLES + ARTICLES):
                with httpx.Client(
                    base_url=f"{base}/api/v1",
                    headers={"Authorization": f"Bearer {secrets[number]}"},
                    timeout=60,
                ) as client:
                    result = run_article(client, number)
                if number >= WARM_ARTICLES:  # the first ones warm both workers
                    results.append(result)
                    print(f"  article {number}: {[round(row['ms']) for row in result['passes']]}", flush=True)
    forget(queue)
    figures, text = report(results, started_at, load_before)
    print()
    print(f"Command: `{COMMAND}`")
    print(text)
    out = ROOT / "var" / "bench-api-passes.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"command": COMMAND, "figures": figures, "articles": results}, indent=1))


if __name__ == "__main__":
    main()
