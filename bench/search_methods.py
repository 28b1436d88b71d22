"""Benchmark: three ways to search Japanese in PostgreSQL, on the same articles.

    .venv/bin/pip install -r requirements-bench.txt     # SudachiPy, for (c) only
    .venv/bin/python -m bench.search_methods            # uses bench/seed_pages.py's database

(a) bigrams: the app's ``search_vector`` (character bigrams and single
    characters, GIN) matched with ``@@``, re-checked with LIKE (articles/search.py);
(b) pg_trgm: a GIN ``gin_trgm_ops`` index on ``search_text``, queried with LIKE;
(c) SudachiPy: morphological tokens (normalised forms, split mode C) as a
    ``tsvector`` with GIN, queried with the query's own tokens.

For each: index size, build time, latency (p50 and max of repeated runs) of
what a results page asks (the number of matches and the newest 20), and the
number of matches against the exact substring count. (a) and (b) are
measured on all articles. SudachiPy tokenises about 10 articles a second on
this machine, hours for 100,000, so (c) is measured on a sample of the newest
articles, with (a) and (b) rebuilt on the same sample beside it.
"""

import os
import statistics
import sys
import time

import psycopg

from . import seed_pages

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
SAMPLE = int(os.environ.get("BENCH_SUDACHI_SAMPLE", "2000"))

# (kind, query); terms are separated by spaces, as readers type them.
QUERIES = [
    ("2 characters", "投資"),
    ("2 characters", "推論"),
    ("longer Japanese", "半導体製造装置"),
    ("longer Japanese", "データセンター"),
    ("mixed", "AI チップ"),
    ("English", "NVIDIA"),
    ("English", "gpu"),
    ("inside a word", "信託"),
    ("inside a word", "センター"),
    ("inside a word", "配当株"),
    ("inside a word", "導体"),
]

PUBLISHED = "status = 'published' AND published_at <= now()"


def terms_of(query):
    from articles.search import terms_of

    return terms_of(query)


def bigram_where(query):
    """The app's condition (articles/search.py): bigrams with @@, then the exact substring."""
    from articles.search import _lexeme

    clauses, params = [], []
    for term in terms_of(query):
        needed = {term} if len(term) == 1 else {term[i : i + 2] for i in range(len(term) - 1)}
        clauses.append("search_vector @@ %s::tsquery")
        params.append(" & ".join(_lexeme(gram) for gram in sorted(needed)))
        if len(term) > 2:  # a shorter term is itself an indexed gram: the index answer is exact
            clauses.append("search_text LIKE %s")
            params.append(f"%{_like(term)}%")
    return " AND ".join(clauses), params


def trigram_where(query):
    clauses, params = [], []
    for term in terms_of(query):
        clauses.append("search_text LIKE %s")
        params.append(f"%{_like(term)}%")
    return " AND ".join(clauses), params


def substring_where(query):
    """Ground truth: every term is a substring (no index can help: a sequential scan)."""
    clauses, params = [], []
    for term in terms_of(query):
        clauses.append("strpos(search_text, %s) > 0")
        params.append(term)
    return " AND ".join(clauses), params


_TOKENIZER = None


def sudachi_tokens(text):
    global _TOKENIZER
    if _TOKENIZER is None:
        from sudachipy import Dictionary, SplitMode

        _TOKENIZER = (Dictionary(dict="core").create(), SplitMode.C)
    tokenizer, mode = _TOKENIZER
    return {
        morpheme.normalized_form().lower()
        for morpheme in tokenizer.tokenize(text, mode)
        if morpheme.part_of_speech()[0] not in ("補助記号", "空白")
    }


def sudachi_where(query):
    from articles.search import _lexeme

    tokens = set()
    for term in terms_of(query):
        tokens |= sudachi_tokens(term)
    if not tokens:
        return "false", []
    return "sudachi_vector @@ %s::tsquery", [" & ".join(_lexeme(token) for token in sorted(tokens))]


def _like(term):
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


CAP = 200  # the search page's SEARCH_COUNT_CAP


def count(connection, table, where, params):
    return connection.execute(
        f"SELECT count(*) FROM {table} WHERE {PUBLISHED} AND {where}", params
    ).fetchone()[0]


def timed(connection, table, where, params):
    """Milliseconds for what the search page asks: a count up to the cap, then the newest 20.

    Past the cap the page is read along the date index (articles/search.py,
    walk_the_date_index); the same for every method, so they are compared on
    what their indexes do.
    """
    started = time.perf_counter()
    capped = connection.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {PUBLISHED} AND {where} LIMIT {CAP + 1}) AS m",
        params,
    ).fetchone()[0]
    with connection.transaction():
        if capped > CAP:
            connection.execute(
                "SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)"
            )
        connection.execute(
            f"SELECT id FROM {table} WHERE {PUBLISHED} AND {where} ORDER BY published_at DESC, id DESC LIMIT 20",
            params,
        ).fetchall()
    return (time.perf_counter() - started) * 1000


def latency(connection, table, where, params):
    timed(connection, table, where, params)  # warm the cache, as a busy site's would be
    times = sorted(timed(connection, table, where, params) for _ in range(RUNS))
    return statistics.median(times), times[-1]


def build_index(connection, name, table, using):
    connection.execute("SET maintenance_work_mem = '1GB'")
    connection.execute(f"DROP INDEX IF EXISTS {name}")
    started = time.perf_counter()
    connection.execute(f"CREATE INDEX {name} ON {table} USING {using}")
    seconds = time.perf_counter() - started
    size = connection.execute("SELECT pg_relation_size(%s)", (name,)).fetchone()[0]
    return seconds, size


def report_methods(connection, table, methods, title):
    print(f"\n### {title}\n")
    print(
        "| query | kind | substring matches | " + " | ".join(f"{name} p50 / max, matches" for name in methods)
    )
    print("| --- | --- | ---: |" + " ---: |" * len(methods))
    for kind, query in QUERIES:
        truth = count(connection, table, *substring_where(query))
        cells = []
        for where in methods.values():
            p50, worst = latency(connection, table, *where(query))
            cells.append(f"{p50:.1f} / {worst:.1f} ms, {count(connection, table, *where(query)):,}")
        print(f"| {query} | {kind} | {truth:,} | " + " | ".join(cells) + " |", flush=True)


def explain(connection, table, where, params):
    plan = connection.execute(
        f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM {table} WHERE {PUBLISHED} AND {where}", params
    ).fetchall()
    return "\n".join(row[0] for row in plan)


def trigram_facts(connection):
    print("\n### pg_trgm and short queries\n")
    ctype = connection.execute("SHOW lc_ctype").fetchone()[0]
    print(f"Database LC_CTYPE: {ctype}")
    for text in ("投資", "データセンター"):
        grams = connection.execute("SELECT show_trgm(%s)", (text,)).fetchone()[0]
        print(f"show_trgm({text!r}) = {grams}")
    for term in ("投資", "データセンター"):
        print(f"\nEXPLAIN ANALYZE, LIKE '%{term}%' with only the pg_trgm index:\n")
        with connection.transaction():
            connection.execute("SET LOCAL enable_seqscan = off")  # the planner's best use of the index
            print(explain(connection, "articles_article", *trigram_where(term)))
            connection.execute("SET LOCAL enable_seqscan = on")
        print(
            f"\nThe same, planner free to choose:\n\n{explain(connection, 'articles_article', *trigram_where(term))}"
        )
    c_db = f"{seed_pages.BENCH_DB}_c_locale"
    with psycopg.connect(seed_pages.SERVER, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{c_db}"')
        server.execute(f"CREATE DATABASE \"{c_db}\" TEMPLATE template0 LC_CTYPE 'C' LC_COLLATE 'C'")
    try:
        with psycopg.connect(seed_pages.SERVER.rsplit("/", 1)[0] + f"/{c_db}", autocommit=True) as c_locale:
            c_locale.execute("CREATE EXTENSION pg_trgm")
            grams = c_locale.execute("SELECT show_trgm('投資信託とデータセンター')").fetchone()[0]
            print(f"\nIn a database with LC_CTYPE 'C': show_trgm('投資信託とデータセンター') = {grams}")
    finally:
        with psycopg.connect(seed_pages.SERVER, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{c_db}"')


def make_sample(connection):
    """The newest SAMPLE articles in their own table, with SudachiPy tokens; seconds spent tokenising."""
    connection.execute("DROP TABLE IF EXISTS bench_search_sample")
    connection.execute(
        "CREATE TABLE bench_search_sample AS SELECT id, status, published_at, search_text, search_vector,"
        " NULL::tsvector AS sudachi_vector FROM articles_article ORDER BY published_at DESC LIMIT %s",
        (SAMPLE,),
    )
    from articles.search import _lexeme

    rows = connection.execute("SELECT id, search_text FROM bench_search_sample").fetchall()
    started = time.perf_counter()
    vectors = [(" ".join(sorted(_lexeme(t) for t in sudachi_tokens(text))), pk) for pk, text in rows]
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE bench_search_sample SET sudachi_vector = %s::tsvector WHERE id = %s", vectors
        )
    connection.execute("ANALYZE bench_search_sample")
    return seconds


def size_of(connection, expression, table):
    return connection.execute(f"SELECT sum(pg_column_size({expression})) FROM {table}").fetchone()[0]


def main():
    seed_pages.django_setup()
    seed_pages.ensure_seeded()
    mib = 1024 * 1024
    with psycopg.connect(seed_pages.DATABASE_URL, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        print(f"## {seed_pages.COUNT:,} articles\n")
        bigram_s, bigram_size = build_index(
            connection, "article_search_vector", "articles_article", "gin (search_vector)"
        )
        trigram_s, trigram_size = build_index(
            connection, "bench_search_trigram", "articles_article", "gin (search_text gin_trgm_ops)"
        )
        connection.execute("ANALYZE articles_article")
        text_size = size_of(connection, "search_text", "articles_article")
        vector_size = size_of(connection, "search_vector", "articles_article")
        print("| method | index build | index size | extra column |")
        print("| --- | ---: | ---: | ---: |")
        print(
            f"| (a) bigram tsvector + GIN | {bigram_s:.0f} s | {bigram_size / mib:.0f} MiB"
            f" | search_vector {vector_size / mib:.0f} MiB |"
        )
        print(f"| (b) pg_trgm GIN | {trigram_s:.0f} s | {trigram_size / mib:.0f} MiB | none |")
        print(f"\n(search_text, needed by both: {text_size / mib:.0f} MiB, stored compressed)")
        report_methods(
            connection,
            "articles_article",
            {"(a) bigram": bigram_where, "(b) pg_trgm": trigram_where},
            f"Latency at {seed_pages.COUNT:,} articles (count up to {CAP} + newest 20; {RUNS} runs)",
        )
        trigram_facts(connection)
        connection.execute("DROP INDEX bench_search_trigram")

        print(f"\n## Sample: the newest {SAMPLE:,} articles, all three methods\n")
        tokenise_s = make_sample(connection)
        sizes = {
            "(a) bigram": build_index(
                connection, "bench_sample_bigram", "bench_search_sample", "gin (search_vector)"
            ),
            "(b) pg_trgm": build_index(
                connection, "bench_sample_trigram", "bench_search_sample", "gin (search_text gin_trgm_ops)"
            ),
            "(c) SudachiPy": build_index(
                connection, "bench_sample_sudachi", "bench_search_sample", "gin (sudachi_vector)"
            ),
        }
        connection.execute("ANALYZE bench_search_sample")
        per_article = tokenise_s / SAMPLE
        print(
            f"SudachiPy (core dictionary, mode C) tokenised {SAMPLE:,} articles in {tokenise_s:.0f} s:"
            f" {per_article * 1000:.0f} ms an article, so about {per_article * seed_pages.COUNT / 3600:.1f} h"
            f" of one core for {seed_pages.COUNT:,} (the bigrams: see the seeding time).\n"
        )
        print("| method | index build | index size |")
        print("| --- | ---: | ---: |")
        for name, (seconds, size) in sizes.items():
            print(f"| {name} | {seconds:.2f} s | {size / mib:.1f} MiB |")
        report_methods(
            connection,
            "bench_search_sample",
            {"(a) bigram": bigram_where, "(b) pg_trgm": trigram_where, "(c) SudachiPy": sudachi_where},
            f"Latency and matches on the {SAMPLE:,}-article sample ({RUNS} runs)",
        )
        connection.execute("DROP TABLE bench_search_sample")


if __name__ == "__main__":
    sys.exit(main())
