"""Benchmark: the article page alone, through Django's test client, on a few thousand articles.

    .venv/bin/python -m bench.article_page
    BENCH_ARTICLES=5000 BENCH_RENDERS=1000 .venv/bin/python -m bench.article_page

A stand-in for bench/reader_pages.py where its 100,000-article database is
not at hand: a fresh database (dropped and created each run, migrated),
published articles in batches of three sharing one ``published_at`` as the
scheduler's batch gives them, each with an author, a category and five of 50
tags. No page cache (``BENCH_PAGE_CACHE=0``); what the page keeps on the
article (its rendering, furniture, related ranking) is made by a first view
of every sampled page, as in production. Then, for a page with its copies
made: BENCH_RENDERS renders cycling over 100 articles, five rounds, each with
the CPU time of this process (the view, the template, the ORM; less moved by
other work on a shared machine than wall time), the wall time, and the SQL
queries and their time (``connection.execute_wrapper``); best and median.
"""

import os
import platform
import statistics
import time

import psycopg

BENCH_DB = os.environ.get("BENCH_ARTICLE_DB", "allforces_bench_article_page")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
COUNT = int(os.environ.get("BENCH_ARTICLES", "5000"))
RENDERS = int(os.environ.get("BENCH_RENDERS", "1000"))
SAMPLE = 100
ROUNDS = 5
BODY = "\n\n".join(
    f"## 第{n}節\n\n推論の需要が伸びています。GPU の供給は{n}四半期続けて逼迫しました。" * 3
    for n in range(1, 8)
)


def django_setup():
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_PAGE_CACHE="0",
        DATABASE_URL=SERVER.rsplit("/", 1)[0] + f"/{BENCH_DB}",
        SECRET_KEY="bench-only",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # As the test suite does: hashed names need a collectstatic this benchmark does not run.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()


def seed():
    from datetime import timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from articles.markdown import render
    from articles.models import Article, ArticleAuthor, Author, Category, body_digest, refresh_live_copies

    rendered = render(BODY)
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            title=f"記事 {number}",
            slug=f"article-{number}",
            body=BODY,
            excerpt="抜粋です。",
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=number // 3),
            rendered_html=rendered.html,
            rendered_toc=rendered.toc,
            rendered_from=body_digest(BODY),
        )
        for number in range(COUNT)
    )
    authors = [Author.objects.create(name=f"著者{n}", slug=f"author-{n}") for n in range(5)]
    categories = [Category.objects.create(name=f"分野{n}", slug=f"category-{n}") for n in range(3)]
    tags = Tag.objects.bulk_create(Tag(name=f"タグ{n}", slug=f"tag-{n}") for n in range(50))
    kind = ContentType.objects.get_for_model(Article)
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=article, author=authors[index % 5]) for index, article in enumerate(articles)
    )
    Article.categories.through.objects.bulk_create(
        Article.categories.through(article=article, category=categories[index % 3])
        for index, article in enumerate(articles)
    )
    TaggedItem.objects.bulk_create(
        TaggedItem(content_type=kind, object_id=article.pk, tag=tags[(index * 7 + k * 11) % 50])
        for index, article in enumerate(articles)
        for k in range(5)
    )
    refresh_live_copies([article.pk for article in articles])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return articles


def main():
    with psycopg.connect(SERVER, autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        server.execute(f"CREATE DATABASE {BENCH_DB}")
    django_setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    articles = seed()
    print(f"seeded {COUNT} articles in {time.monotonic() - started:.1f} s")
    urls = [articles[index].get_absolute_url() for index in range(1, COUNT - 1, COUNT // SAMPLE)][:SAMPLE]
    client = Client()
    timed = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - started) * 1000)

    with connection.execute_wrapper(timer):
        for url in urls:  # a first view makes what the page keeps on the article
            assert client.get(url).status_code == 200, url
        first_views, timed[:] = len(timed) / len(urls), []
        rounds = []
        for _ in range(ROUNDS):
            timed.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            for number in range(RENDERS):
                client.get(urls[number % len(urls)])
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            rounds.append(
                (cpu / RENDERS * 1000, wall / RENDERS * 1000, sum(timed) / RENDERS, len(timed) / RENDERS)
            )
    print(f"{platform.node()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"first view of an article: {first_views:.1f} SQL queries")
    print("round: CPU ms a render (this process), wall ms a render, SQL ms a render, SQL queries a render")
    for cpu, wall, sql, queries in rounds:
        print(f"  {cpu:.2f}  {wall:.2f}  {sql:.2f}  {queries:.1f}")
    best = min(rounds)
    print(
        f"{RENDERS} renders over {len(urls)} articles, best of {ROUNDS}: {best[0]:.2f} ms CPU a render, "
        f"{best[1]:.2f} ms wall, {best[2]:.2f} ms in {best[3]:.0f} SQL queries; "
        f"median CPU {statistics.median(r[0] for r in rounds):.2f} ms"
    )


if __name__ == "__main__":
    main()
