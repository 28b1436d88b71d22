"""Benchmark: the site header's category menu, kept in Redis or read from the database.

    BENCH_ARTICLES=2000 BENCH_RENDERS=300 .venv/bin/python -m bench.header_menu

Every page with the header lists the categories. A page rendered afresh (not served by the
page cache: after a publish forgot it, or for an editor with a session) takes the menu kept
in Redis (articles/templatetags/site_navigation.py); only the first render after a category
changed reads it from the database. This compares the two in one run: the database and
articles of bench/article_page.py, Redis as the site uses it, and the same renders of the
article page and home, alternating between the menu kept and the menu forgotten just
before the render. Each request carries a session cookie, so the page cache never answers;
sessions are signed cookies here, so the cookie costs no query.
"""

import os
import platform
import statistics
import time

import psycopg

from bench import article_page

REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")
ROUNDS = 5


def django_setup():
    os.environ.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX="bench-header-menu")
    article_page.django_setup()
    # django_setup() chose the dummy cache (BENCH_PAGE_CACHE=0): put Redis back, as the site has it.
    from django.conf import settings
    from django.test.utils import override_settings

    redis = {
        "default": {
            "BACKEND": "allforces.cache.OutageTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bench-header-menu",
        }
    }
    override_settings(CACHES=redis, SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies").enable()
    assert settings.CACHES["default"]["LOCATION"] == REDIS_URL


def main():
    with psycopg.connect(article_page.SERVER, autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {article_page.BENCH_DB}")
        server.execute(f"CREATE DATABASE {article_page.BENCH_DB}")
    django_setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from articles.cache import SHOWN
    from articles.templatetags.site_navigation import MENU_KEY

    call_command("migrate", verbosity=0)
    cache.clear()
    articles = article_page.seed()
    count = len(articles)
    urls = ["/", *(articles[i].get_absolute_url() for i in range(1, count - 1, count // 50))]
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-signed-session"
    queries = []

    def counted(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    def render_all(*, menu_kept):
        """CPU ms and wall ms a render, SQL queries a render."""
        queries.clear()
        cpu_total = wall_total = 0.0
        for number in range(article_page.RENDERS):
            if not menu_kept:
                cache.delete(MENU_KEY + SHOWN)
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(urls[number % len(urls)])
            cpu_total += time.process_time() - cpu
            wall_total += time.perf_counter() - wall
            assert response.status_code == 200 and b'class="site-menu"' in response.content
        renders = article_page.RENDERS
        return cpu_total / renders * 1000, wall_total / renders * 1000, len(queries) / renders

    with connection.execute_wrapper(counted):
        for url in urls:  # a first view makes what the page keeps on the article
            assert client.get(url).status_code == 200, url
        rounds = {True: [], False: []}
        for _ in range(ROUNDS):
            for menu_kept in (False, True):
                rounds[menu_kept].append(render_all(menu_kept=menu_kept))
    print(f"{platform.node()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(
        f"{count} articles; {article_page.RENDERS} renders a round over home and {len(urls) - 1} article pages"
    )
    print("round: menu read (CPU ms, wall ms, queries a render) | menu kept (the same) | kept/read CPU")
    for read, kept in zip(rounds[False], rounds[True], strict=True):
        print(
            f"  {read[0]:.2f} {read[1]:.2f} {read[2]:.1f} | {kept[0]:.2f} {kept[1]:.2f} {kept[2]:.1f}"
            f" | {kept[0] / read[0]:.3f}"
        )
    read_cpu = statistics.median(r[0] for r in rounds[False])
    kept_cpu = statistics.median(r[0] for r in rounds[True])
    read_wall = statistics.median(r[1] for r in rounds[False])
    kept_wall = statistics.median(r[1] for r in rounds[True])
    print(
        f"median: menu read {read_cpu:.2f} ms CPU, {read_wall:.2f} ms wall; "
        f"menu kept {kept_cpu:.2f} ms CPU, {kept_wall:.2f} ms wall; "
        f"kept/read {kept_cpu / read_cpu:.3f} CPU, {kept_wall / read_wall:.3f} wall"
    )


if __name__ == "__main__":
    main()
