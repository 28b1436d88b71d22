"""Benchmark: the content API's article detail beside the article page, under gunicorn (issue 17).

    .venv/bin/python -m bench.content_api
    BENCH_SECONDS=5 BENCH_ARTICLES=1000 .venv/bin/python -m bench.content_api

Target (issue 17): the content API's article detail is as fast as the article page.

The articles are bench/seed_pages.py's (bodies of about 6,700 Japanese
characters, authors, categories, tags), seeded by it into a database of this
benchmark's own (``allforces_bench_api_content``, BENCH_ARTICLES articles,
1,000 by default; reused when complete). One article in the middle is asked
for three ways through the same gunicorn: its page (``/articles/<slug>/``) and
the content API's detail by slug and by id (``/api/v1/content/articles/<…>``),
with bench/floor_views.py's two floors for scale. Gunicorn, wrk and the
variants are bench/reader_pages.py's:

- cached: the Redis store of pages and answers, warmed (production between changes);
- after a publish (bench/cache.py): every stored page and answer is found stale,
  so each request builds its page or answer and stores it, as the first after a
  publish does; what is kept on the article (its rendering, furniture) stays;
- uncached: Django's dummy cache, nothing stored at all.

SQL queries per request are counted through Django's test client against the
same database. The stored page and answers are also timed in one process through
the test client (the whole middleware stack, no gunicorn), asked for in turn
BENCH_ROUNDS times (2,000 by default): wrk measures one URL after another, so on
a shared machine a change of load between them moves its ratios; in turn, it
weighs on each alike. Prints Markdown for docs/benchmarks.md and writes
var/bench-content-api.json.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from .reader_pages import ALL_VARIANTS, SECONDS, WORKERS, gunicorn, server_env, warm, wrk

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "allforces_bench_api_content"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE_URL = SERVER.rsplit("/", 1)[0] + f"/{BENCH_DB}"
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2000"))
REDIS = os.environ.get("BENCH_API_REDIS", "redis://127.0.0.1:6379/7")
PREFIX = "bench-api-content"
VARIANTS = ["cached", "after a publish", "uncached"]
SETTINGS = [
    f"{name}={os.environ[name]}"
    for name in ("BENCH_SECONDS", "BENCH_ARTICLES", "BENCH_ROUNDS")
    if name in os.environ
]
COMMAND = " ".join([*SETTINGS, ".venv/bin/python -m bench.content_api"])


def seed():
    """bench/seed_pages.py's articles in this benchmark's database; reused when complete."""
    env = {**os.environ, "BENCH_PAGES_DB": BENCH_DB, "BENCH_ARTICLES": str(ARTICLES)}
    subprocess.run([sys.executable, "-m", "bench.seed_pages"], cwd=ROOT, env=env, check=True)


def the_article():
    """(slug, id) of the article in the middle of the timeline."""
    with psycopg.connect(DATABASE_URL) as connection:
        return connection.execute(
            "SELECT slug, id FROM articles_article WHERE slug = %s", (f"article-{ARTICLES // 2}",)
        ).fetchone()


def pages(slug, pk):
    return [
        ("floor: fixed 22 KB page", "/bench/floor/fixed/"),
        ("floor: one row + template", f"/bench/floor/row/{pk}/"),
        ("article page", f"/articles/{slug}/"),
        ("content API, by slug", f"/api/v1/content/articles/{slug}"),
        ("content API, by id", f"/api/v1/content/articles/{pk}"),
    ]


def env_for(variant, static_root):
    return {
        **server_env(variant=variant, static_root=static_root, database_url=DATABASE_URL),
        "REDIS_URL": REDIS,
        "CACHE_KEY_PREFIX": PREFIX,
    }


_REDIS = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
IN_PROCESS_CACHES = {
    "uncached": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "cached": {**_REDIS, "KEY_PREFIX": f"{PREFIX}-counts"},
    "after a publish": {
        **_REDIS,
        "KEY_PREFIX": f"{PREFIX}-counts",
        "BACKEND": "bench.cache.PagesNeverFoundCache",
    },
}


def query_counts(paths):
    """SQL queries per request in each variant, a worker's second request (its first also looks
    up what it keeps for its lifetime)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    def count(path):
        client = Client(HTTP_HOST="127.0.0.1")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        return len(queries)

    counts = {path: {} for path in paths}
    for variant in VARIANTS:
        with override_settings(CACHES={"default": IN_PROCESS_CACHES[variant]}):
            for path in paths:
                count(path)
                counts[path][variant] = count(path)
    return counts


def in_turn(paths):
    """Median milliseconds of a request for each of ``paths`` from the warm store, in process,
    the paths asked for in turn ROUNDS times."""
    from django.test import Client, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    taken = {path: [] for path in paths}
    with override_settings(CACHES={"default": IN_PROCESS_CACHES["cached"]}):
        for path in paths:
            client.get(path)
        for _ in range(ROUNDS):
            for path in paths:
                started = time.perf_counter()
                client.get(path)
                taken[path].append(time.perf_counter() - started)
    return {path: statistics.median(times) * 1000 for path, times in taken.items()}


def size_of(base, path):
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return len(response.read())


def measure(variant, static_root, measured):
    results = {}
    with gunicorn(env_for(variant, static_root)) as base:
        for label, path in measured:
            warm(base, path)
            results[label] = {**wrk(base + path), "bytes": size_of(base, path)}
            print(f"  {variant} {label}: {results[label]}", flush=True)
    return results


def forget():
    """This run's keys in the shared Redis."""
    import redis

    store = redis.Redis.from_url(REDIS)
    for key in store.scan_iter(match=f"{PREFIX}*"):
        store.delete(key)


def report(results, counts, medians, measured, started_at, load_before):
    cpu = next(
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    )
    lines = [
        f"- {started_at:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores ({cpu}), load average before"
        f" {load_before:.1f}, after {os.getloadavg()[0]:.1f}",
        f"- {ARTICLES:,} articles; wrk -t1 -c{WORKERS} -d{SECONDS}s per URL; gunicorn {WORKERS} sync workers",
        "",
    ]
    for variant in VARIANTS:
        lines += [
            f"#### {variant}",
            "",
            "| URL | req/s | p50 | p99 | bytes | SQL queries |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for label, path in measured:
            result = results[variant][label]
            lines.append(
                f"| {label} | {result['rps']:.0f} | {result['p50_ms']:.2f} ms | {result['p99_ms']:.2f} ms"
                f" | {result['bytes']:,} | {counts[path][variant]} |"
            )
        lines.append("")
    lines += [
        "#### content API ÷ article page (req/s; above 1 is faster)",
        "",
        "| variant | by slug | by id | page p50 | by slug p50 | by id p50 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for variant in VARIANTS:
        page, slug, pk = (results[variant][label] for label in [label for label, _ in measured][2:])
        lines.append(
            f"| {variant} | {slug['rps'] / page['rps']:.2f} | {pk['rps'] / page['rps']:.2f}"
            f" | {page['p50_ms']:.2f} ms | {slug['p50_ms']:.2f} ms | {pk['p50_ms']:.2f} ms |"
        )
    page = medians[measured[2][1]]
    lines += [
        "",
        f"#### cached, in process, asked for in turn ({ROUNDS:,} rounds)",
        "",
        "| URL | median | ÷ article page (time; below 1 is faster) |",
        "| --- | ---: | ---: |",
    ]
    for label, path in measured[2:]:
        lines.append(f"| {label} | {medians[path]:.3f} ms | {medians[path] / page:.2f} |")
    return "\n".join(lines)


def main():
    started_at, load_before = datetime.now(UTC), os.getloadavg()[0]
    seed()
    slug, pk = the_article()
    measured = pages(slug, pk)
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        env = env_for("uncached", static_root)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        os.environ.update(env)
        import django

        django.setup()
        counts = query_counts([path for _, path in measured])
        medians = in_turn([path for _, path in measured[2:]])
        from django.db import connections

        connections.close_all()
        try:
            results = {variant: measure(variant, static_root, measured) for variant in VARIANTS}
        finally:
            forget()
    assert set(VARIANTS) <= set(ALL_VARIANTS)
    text = report(results, counts, medians, measured, started_at, load_before)
    print()
    print(f"Command: `{COMMAND}`")
    print(text)
    out = ROOT / "var" / "bench-content-api.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        json.dumps(
            {"command": COMMAND, "results": results, "counts": counts, "in_turn_ms": medians}, indent=1
        )
    )


if __name__ == "__main__":
    main()
