"""Benchmark: the search page at 100,000 articles, in-process, query by query.

    .venv/bin/python -m bench.search_page                        # the queries below, 20 requests each
    BENCH_REQUESTS=5 .venv/bin/python -m bench.search_page 投資 "AI チップ"
    BENCH_EXPLAIN=1 .venv/bin/python -m bench.search_page        # and what its SQL costs

Django's test client against bench/seed_pages.py's database (it must be seeded
already: this never seeds), uncached (``BENCH_PAGE_CACHE=0``, as
bench/reader_pages.py's "uncached"), DEBUG off. Lighter than reader_pages.py
(no gunicorn, no wrk, one process): for comparing search paths, not for
throughput. Each query gets one request to warm up (a process's first search
also reads PostgreSQL's gram statistics), then BENCH_REQUESTS timed ones:
p50, min and max of the whole request, the SQL statements of one request
(BEGIN and COMMIT included) and what the page says of the count.

With BENCH_EXPLAIN=1, also the median of 5 EXPLAIN ANALYZE runs of the count
through the bigram index (what the page asked first for every query before the
newest-first probe) and of the probe, for queries the statistics call common.
"""

import os
import re
import statistics
import sys
import tempfile
import time
from urllib.parse import quote

from . import seed_pages

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "20"))
QUERIES = [
    # common (asked in the issue), then rare, then none
    "AI チップ",
    "投資",
    "推論",
    "NVIDIA",
    "半導体製造装置",
    "データセンター",
    "gpu",
    "センター",
    "配当株",
    "見直す理由：先端と市場",
    "TSMCが変える決算と寡占",
    "送電はどこへ",
    "量子もつれ",
    "投資家の推論",
]


def setup():
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_PAGE_CACHE="0",
        DATABASE_URL=seed_pages.DATABASE_URL,
        CONN_MAX_AGE="600",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        SECRET_KEY="bench-only-not-secret",
        LOG_LEVEL="WARNING",
        STATIC_ROOT=tempfile.mkdtemp(prefix="bench-search-static-"),
    )
    import django
    from django.conf import settings

    django.setup()
    # No collectstatic here: pages name their static files without the manifest's hashes.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def request(client, path):
    from django.db import connection

    connection.force_debug_cursor = True
    started = len(connection.queries_log)
    response = client.get(path)
    statements = len(connection.queries_log) - started
    connection.force_debug_cursor = False
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    count = re.search(r'class="result-count">([^<]*)<', response.content.decode())
    return statements, count.group(1) if count else "-"


def time_page(client, query):
    path = f"/search/?q={quote(query)}"
    client.get(path)
    statements, count = request(client, path)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), max(times), statements, count


def explain_ms(sql, params, runs=5):
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            last = cursor.fetchall()[-1][0]
            times.append(float(re.search(r"Execution Time: ([\d.]+)", last).group(1)))
    return statistics.median(times)


def explain(query):
    """Milliseconds of the old count and of the probe, and the probe's bound."""
    from django.db import connection

    from articles import search, views
    from articles.models import Article

    published = Article.objects.published()
    wanted = views.SEARCH_COUNT_CAP + 1
    count = search.search(published, query).order_by().values("pk")[:wanted]
    sql, params = count.query.sql_with_params()
    old = explain_ms(f"SELECT count(*) FROM ({sql}) AS counted", params)
    share = search.common_share(query)
    if share < search.COMMON_SHARE:
        return old, None, None, share
    scan = search.scan_for(share, wanted, search.SCAN_MARGIN)
    statements = []

    def remember(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(remember):
        search.newest_matches(published, query, scan=scan, limit=wanted)
    sql, params = statements[-1]
    return old, explain_ms(sql, params), scan, share


def main():
    setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    queries = sys.argv[1:] or QUERIES
    explaining = os.environ.get("BENCH_EXPLAIN") == "1"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"{REQUESTS} requests a query, {when}, load average {os.getloadavg()[0]:.1f}")
    header = "| query | p50 | min | max | SQL statements | count shown |"
    if explaining:
        header += " share (stats) | count via bigram index | probe (rows bound) |"
    print(header)
    print("|" + " --- |" * (header.count("|") - 1))
    for query in queries:
        p50, low, high, statements, count = time_page(client, query)
        row = f"| {query} | {p50:.1f} ms | {low:.1f} | {high:.1f} | {statements} | {count} |"
        if explaining:
            old, probe, scan, share = explain(query)
            row += f" {share:.2f} | {old:.1f} ms | " + (
                f"{probe:.1f} ms ({scan}) |" if probe else "not used |"
            )
        print(row, flush=True)


if __name__ == "__main__":
    main()
