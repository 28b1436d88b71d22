"""The 100,000-article PostgreSQL database the reader benchmarks share.

    .venv/bin/python -m bench.seed_pages            # create it, or reuse it if complete
    .venv/bin/python -m bench.seed_pages --fresh    # drop and seed again

Migrated by ``manage.py migrate``, then filled with COPY: articles with
bodies of about 6,000 Japanese characters (bench/corpus.py), 1–2 categories
and 1–2 authors each, 5 tags each from a pool of 300. ``search_text``,
``search_vector``, ``body_text`` and ``reading_time`` are what ``Article.save()`` stores;
the first articles are checked against the app's own rendering. A table
``bench_seed`` records the count and the corpus version, so a re-run with
the same ones reuses the database (seeding takes several minutes).
"""

import os
import random
import subprocess
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import psycopg

from . import corpus

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = os.environ.get("BENCH_PAGES_DB", "allforces_bench_pages")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE_URL = SERVER.rsplit("/", 1)[0] + f"/{BENCH_DB}"
COUNT = int(os.environ.get("BENCH_ARTICLES", "100000"))
CORPUS_VERSION = 4  # 3: body_text; 4: search_text made from body_text
CHECKED_AGAINST_APP = 20
# Generating text is most of the seeding time: each distinct body is shared by
# COUNT / BODIES articles (far apart in time), each with its own title and excerpt.
BODIES = 20_000
CHUNK = 100


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["DATABASE_URL"] = DATABASE_URL
    import django

    django.setup()


def article_rows(number, body=None):
    """COPY rows for article ``number`` and its links (1 is the newest).

    ``body`` is what :func:`body_parts` gives for the article's body, when
    the caller already has it.
    """
    from articles import search

    rng = random.Random(number)
    text = corpus.ArticleText(random.Random(f"body-{body_of(number)}"), rng)
    body_grams, reading_time, body_text = body or body_parts(text)
    search_text = search.normalise(f"{text.title}\n{text.excerpt}\n{body_text}")
    # The three parts are separated by whitespace, so the grams of the whole are the union.
    grams = body_grams | search.grams(search.normalise(f"{text.title}\n{text.excerpt}"))
    vector = " ".join(sorted(search._lexeme(gram) for gram in grams))
    when = corpus.published_at(number, NOW)
    article = (
        number,
        text.title,
        f"article-{number}",
        text.body,
        text.excerpt,
        "published",
        when,
        when,
        when,
        when,
        reading_time,
        1,
        search_text,
        vector,
        "",
        "",
        body_text,
    )
    # The author links carry a copy of when the article went live (ArticleAuthor.live_since).
    authors = [(number, author, position, when) for position, author in enumerate(_some(rng, corpus.AUTHORS))]
    categories = [(number, category, when) for category in _some(rng, len(corpus.CATEGORIES))]
    tag_ids = set()
    while len(tag_ids) < corpus.TAGS_PER_ARTICLE:
        tag_ids.add(rng.choices(range(1, corpus.TAGS + 1), _TAG_WEIGHTS)[0])
    tags = [(number, tag, when) for tag in sorted(tag_ids)]
    return article, authors, categories, tags


def body_of(number):
    """Which of the BODIES distinct bodies article ``number`` has."""
    return (number - 1) % BODIES


def body_parts(text):
    from articles import search
    from articles.text import reading_time_minutes

    body_text = text.reader_text
    return search.grams(search.normalise(body_text)), reading_time_minutes(text.plain_text), body_text


_TAG_WEIGHTS = [1 / rank**0.8 for rank in range(1, corpus.TAGS + 1)]
NOW = corpus.epoch_now()


def _some(rng, size):
    return rng.sample(range(1, size + 1), rng.choice((1, 1, 2)))


def _init_worker(now):
    global NOW
    NOW = now
    django_setup()


def _chunk(bounds):
    """Rows of every article whose body is one of the bodies in ``bounds``."""
    rows = []
    for body in range(*bounds):
        numbers = range(body + 1, COUNT + 1, BODIES)
        parts = body_parts(corpus.ArticleText(random.Random(f"body-{body}")))
        rows += [article_rows(number, parts) for number in numbers]
    return rows


def check_against_app():
    """The seeder's search columns equal what Article.save() computes, on a sample."""
    from articles import search
    from articles.markdown import render
    from articles.text import plain_text_from_html, reader_text, reading_time_minutes

    for number in range(1, CHECKED_AGAINST_APP + 1):
        text = corpus.ArticleText(random.Random(f"body-{body_of(number)}"), random.Random(number))
        rendered = render(text.body).html
        plain = plain_text_from_html(rendered)
        expected = search.normalise(f"{text.title}\n{text.excerpt}\n{reader_text(rendered)}")
        article = article_rows(number)[0]
        vector = " ".join(sorted(search._lexeme(gram) for gram in search.grams(expected)))
        found = (article[12], article[13], article[10], article[16])
        if found != (expected, vector, reading_time_minutes(plain), reader_text(rendered)):
            raise SystemExit(f"seeder disagrees with Article.save() on article {number}")


def seeded_count():
    try:
        with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
            row = connection.execute("SELECT articles, corpus_version FROM bench_seed").fetchone()
    except psycopg.Error:
        return None
    return row[0] if row and row[1] == CORPUS_VERSION else None


def recreate_database():
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{BENCH_DB}"')
    migrate()


def migrate():
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity=0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": DATABASE_URL, "SECRET_KEY": "bench-only"},
        check=True,
    )


def copy_rows(cursor, statement, rows):
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def seed(count=COUNT):
    started = time.monotonic()
    recreate_database()
    check_against_app()
    with psycopg.connect(DATABASE_URL) as connection, connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("DROP INDEX IF EXISTS article_search_vector")
        copy_rows(
            cursor,
            "COPY articles_category (id, name, slug, description, position) FROM STDIN",
            [(n, name, slug, "", n) for n, (name, slug) in enumerate(corpus.CATEGORIES, 1)],
        )
        copy_rows(
            cursor,
            "COPY articles_author (id, name, slug, bio, is_team) FROM STDIN",
            [(n, f"著者{n}", f"author-{n}", "", n == 1) for n in range(1, corpus.AUTHORS + 1)],
        )
        copy_rows(
            cursor,
            "COPY taggit_tag (id, name, slug) FROM STDIN",
            [(n, name, f"tag-{n}") for n, name in enumerate(corpus.tag_names(), 1)],
        )
        content_type = cursor.execute(
            "SELECT id FROM django_content_type WHERE app_label = 'articles' AND model = 'article'"
        ).fetchone()[0]
        bodies = min(BODIES, count)
        bounds = [(start, min(start + CHUNK, bodies)) for start in range(0, bodies, CHUNK)]
        with Pool(2, initializer=_init_worker, initargs=(NOW,)) as pool:
            for done, chunk in enumerate(pool.imap(_chunk, bounds), 1):
                copy_rows(
                    cursor,
                    "COPY articles_article (id, title, slug, body, excerpt, status, publish_at, published_at,"
                    " created_at, updated_at, reading_time, version, search_text, search_vector, cover,"
                    " cover_alt, body_text) FROM STDIN",
                    [rows[0] for rows in chunk],
                )
                copy_rows(
                    cursor,
                    "COPY articles_articleauthor (article_id, author_id, position, live_since) FROM STDIN",
                    [link for rows in chunk for link in rows[1]],
                )
                copy_rows(
                    cursor,
                    "COPY articles_article_categories (article_id, category_id) FROM STDIN",
                    [link[:2] for rows in chunk for link in rows[2]],
                )
                copy_rows(  # every article is live: each link is also a CategoryListing row
                    cursor,
                    "COPY articles_categorylisting (article_id, category_id, live_since) FROM STDIN",
                    [link for rows in chunk for link in rows[2]],
                )
                copy_rows(
                    cursor,
                    "COPY taggit_taggeditem (object_id, content_type_id, tag_id) FROM STDIN",
                    [(article, content_type, tag) for rows in chunk for article, tag, _ in rows[3]],
                )
                copy_rows(
                    cursor,
                    "COPY articles_taglisting (article_id, tag_id, live_since) FROM STDIN",
                    [link for rows in chunk for link in rows[3]],
                )
                if done % 20 == 0:
                    print(f"  {len(chunk) * done:,} articles, {time.monotonic() - started:.0f} s", flush=True)
        for table in ("articles_category", "articles_author", "taggit_tag", "articles_article"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        connection.commit()
        print(f"  rows copied, {time.monotonic() - started:.0f} s; building the GIN index", flush=True)
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("CREATE INDEX article_search_vector ON articles_article USING gin (search_vector)")
        cursor.execute("CREATE TABLE bench_seed (articles integer, corpus_version integer)")
        cursor.execute("INSERT INTO bench_seed VALUES (%s, %s)", (count, CORPUS_VERSION))
        connection.commit()
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    return time.monotonic() - started


def ensure_seeded(*, fresh=False):
    """The bench database with COUNT articles: reused when it already has them."""
    if not fresh and seeded_count() == COUNT:
        print(f"Reusing {BENCH_DB} ({COUNT:,} articles).")
        migrate()  # migrations added since it was seeded (indexes, tables they fill)
        with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
            # Statistics and the visibility map for what they filled, as after a seed.
            connection.execute("VACUUM ANALYZE")
        return None
    print(f"Seeding {BENCH_DB} with {COUNT:,} articles…", flush=True)
    seconds = seed(COUNT)
    print(f"Seeded in {seconds:.0f} s.")
    return seconds


if __name__ == "__main__":
    django_setup()
    ensure_seeded(fresh="--fresh" in sys.argv)
