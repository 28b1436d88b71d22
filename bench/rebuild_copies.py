"""How long ``manage.py rebuild_reader_copies`` takes, and how much memory, on a seeded database.

    .venv/bin/python -m bench.rebuild_copies        # 5,000 articles (BENCH_ARTICLES to change)

The articles come from bench/seed_pages.py (bodies of about 6,700 Japanese
characters, 1–2 authors and categories and 5 tags each) in a database of
their own, copied afresh for each run. The seeder stores no rendering, so the
first run renders every body, as after a renderer upgrade or a restore of a
database from before the renderings were stored. Then every card and every
article page's furniture is stored, as on a site readers have been through,
and the command is timed with nothing to do, and after every author has been
renamed by SQL. Each run is its own process: wall time and its peak RSS.
"""

import os
import subprocess
import sys
import time

import psycopg

os.environ.setdefault("BENCH_ARTICLES", "5000")
os.environ.setdefault("BENCH_PAGES_DB", "allforces_bench_rebuild")

from . import seed_pages  # noqa: E402  (reads the two settings above)

RUN_DB = f"{seed_pages.BENCH_DB}_run"
RUN_URL = seed_pages.SERVER.rsplit("/", 1)[0] + f"/{RUN_DB}"
ENV = {
    **os.environ,
    "DATABASE_URL": RUN_URL,
    "DJANGO_SETTINGS_MODULE": "allforces.settings",
    "SECRET_KEY": "bench-only",
    "SECURE_SSL_REDIRECT": "0",
}

# What list pages and article pages store when readers first see them.
STORE_EVERY_CARD_AND_FURNITURE = """
from articles.cards import rendered_cards
from articles.furniture import furniture_for_page
from articles.models import Article
from articles.views import NOT_ON_CARDS

ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
for start in range(0, len(ids), 500):
    chunk = list(Article.objects.filter(pk__in=ids[start : start + 500]).defer(*NOT_ON_CARDS))
    rendered_cards(chunk)
    for article in chunk:
        furniture_for_page(article)
"""


def copy_database():
    with psycopg.connect(seed_pages.SERVER, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{RUN_DB}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{RUN_DB}" TEMPLATE "{seed_pages.BENCH_DB}"')


def sql(statement):
    with psycopg.connect(RUN_URL, autocommit=True) as connection:
        connection.execute(statement)


def manage(*args):
    """Run manage.py; (wall seconds, its CPU seconds, peak RSS in MB, output)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=seed_pages.ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if status:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output}")
    scale = 1024 if sys.platform != "darwin" else 1024 * 1024
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / scale, output


def timed(label, *args):
    seconds, cpu, megabytes, output = manage("rebuild_reader_copies", *args)
    print(
        f"\n## {label}: {seconds:.1f} s ({cpu:.1f} s CPU in the command's process),"
        f" peak RSS {megabytes:.0f} MB, load {os.getloadavg()[0]:.1f}\n{output.rstrip()}",
        flush=True,
    )


def main():
    seed_pages.ensure_seeded()
    copy_database()
    print(f"{seed_pages.COUNT:,} articles; nproc {os.cpu_count()}; load {os.getloadavg()[0]:.1f}")
    timed("dry run, no rendering stored", "--dry-run")
    timed("first run: every body rendered")
    manage("shell", "-c", STORE_EVERY_CARD_AND_FURNITURE)
    timed("every card and furniture stored, nothing to do")
    sql("UPDATE articles_author SET name = name || '（改名）'")
    timed("every author renamed by SQL: dry run", "--dry-run")
    timed("every author renamed by SQL")


if __name__ == "__main__":
    main()
