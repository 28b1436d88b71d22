"""Benchmark: reader pages at 100,000 articles, against two floors, under gunicorn.

    .venv/bin/python -m bench.reader_pages              # seeds once (bench/seed_pages.py), then measures
    BENCH_SECONDS=5 .venv/bin/python -m bench.reader_pages
    # Before and after in one run: an older checkout, on a copy of the database
    # migrated back to that checkout's schema (docs/benchmarks.md says how).
    BENCH_BEFORE=/work/wt-before BENCH_BEFORE_DB=allforces_bench_before .venv/bin/python -m bench.reader_pages

Gunicorn runs 2 sync workers with persistent database connections
(CONN_MAX_AGE), DEBUG off, hashed static files from a collectstatic into a
temporary folder. wrk on 127.0.0.1 drives one page at a time with one
connection per worker, so latency is close to the time a worker spends on
a request. Every page is measured twice in the same run:

- uncached: the dummy cache (``BENCH_PAGE_CACHE=0``), so each request renders
  from the database as the first request after a publish does;
- after a publish (``BENCH_PAGE_CACHE=after-publish``): Redis, but a stored page
  is never found, so each request renders its page as the first one after a
  publish does, with the cards of the articles already shown still cached;
- cached: the Redis page cache, warmed first;
- uncached, copies off (``READER_COPIES=0``, this checkout only): as uncached,
  but no stored copy is read either (rendered bodies, cards, furniture, related
  rankings, listings, newest article per category), so the gap between the two
  is what the copies earn (articles.freshness.copies_in_use);
- uncached, without <copy> (``READER_COPIES_OFF=<copy>``, this checkout only):
  each copy turned off alone, on the pages that read it.

With BENCH_BEFORE, each variant is measured for the older checkout and then
for this one, one after the other, on their own databases of the same rows.

Beside them in each variant, the floors (bench/floor_views.py): a fixed
22 KB page without the database, and one row by primary key through a small
template. The SQL query count per page comes from Django's test client with
CaptureQueriesContext against the same database.
"""

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from . import seed_pages

ROOT = Path(__file__).resolve().parents[1]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WORKERS = 2
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")
SEARCHES = ["投資", "推論", "AI チップ", "NVIDIA"]


def pages():
    """(label, path) of every page measured; the floors first."""
    middle = seed_pages.COUNT // 2
    return [
        ("floor: fixed 22 KB page", "/bench/floor/fixed/"),
        ("floor: one row + template", f"/bench/floor/row/{middle}/"),
        ("article", f"/articles/article-{middle}/"),
        ("home", "/"),
        ("home, page 200", "/?page=200"),
        ("category, page 1", "/category/semiconductors/"),
        ("category, page 200", "/category/semiconductors/?page=200"),
        ("tag", "/tag/tag-4/"),
        # The busiest tag (about 38,000 articles) and an author (about 3,300), deep in their lists.
        ("tag, page 200", "/tag/tag-1/?page=200"),
        ("author, page 100", "/author/author-3/?page=100"),
        *[(f"search 「{query}」", f"/search/?q={quote(query)}") for query in SEARCHES],
    ]


# variant: (BENCH_PAGE_CACHE, more settings)
VARIANTS = {
    "uncached": ("0", {}),
    "uncached, copies off": ("0", {"READER_COPIES": "0"}),
    "after a publish": ("after-publish", {}),
    "cached": ("1", {}),
}
# Each stored copy turned off alone (READER_COPIES_OFF), measured on the pages that read it.
EACH_COPY = {
    "rendering": ["article"],
    "cards": ["home", "home, page 200", "category, page 1", "tag"],
    "furniture": ["article"],
    "related": ["article"],
    "listings": ["category, page 1", "category, page 200", "tag", "tag, page 200", "author, page 100"],
    "newest": ["home"],
}
for _copy in EACH_COPY:
    VARIANTS[f"uncached, without {_copy}"] = ("0", {"READER_COPIES_OFF": _copy})
ALL_VARIANTS = dict(VARIANTS)
if os.environ.get("BENCH_VARIANTS"):  # only these, e.g. BENCH_VARIANTS="after a publish,cached"
    VARIANTS = {name: VARIANTS[name] for name in os.environ["BENCH_VARIANTS"].split(",")}
ONLY_THIS_CHECKOUT = {"uncached, copies off", *(f"uncached, without {copy}" for copy in EACH_COPY)}


@dataclass(frozen=True)
class Checkout:
    name: str
    root: Path
    database_url: str


def checkouts() -> list[Checkout]:
    """The older checkout to compare with (BENCH_BEFORE), if any, then this one."""
    this = Checkout("after" if os.environ.get("BENCH_BEFORE") else "this", ROOT, seed_pages.DATABASE_URL)
    if not os.environ.get("BENCH_BEFORE"):
        return [this]
    database = seed_pages.DATABASE_URL.rsplit("/", 1)[0] + "/" + os.environ["BENCH_BEFORE_DB"]
    return [Checkout("before", Path(os.environ["BENCH_BEFORE"]).resolve(), database), this]


def server_env(*, variant, static_root, database_url=None):
    cache, more = ALL_VARIANTS[variant]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url or seed_pages.DATABASE_URL,
        "CONN_MAX_AGE": "600",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on 127.0.0.1, as behind a TLS proxy
        "SECRET_KEY": "bench-only-not-secret",
        "STATIC_ROOT": static_root,
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": "bench-pages",
        "BENCH_PAGE_CACHE": cache,
        "LOG_LEVEL": "WARNING",
        **more,
    }
    return env


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env, root=ROOT):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "allforces.wsgi",
            f"--config={root / 'bench' / 'gunicorn_conf.py'}",
            f"--workers={WORKERS}",
            "--worker-class=sync",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=root,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/bench/floor/fixed/", timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def warm(base, path):
    for _ in range(2 * WORKERS):
        with urllib.request.urlopen(base + path, timeout=60) as response:
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
            response.read()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(url):
    result = subprocess.run(
        ["wrk", "-t1", f"-c{WORKERS}", f"-d{SECONDS}s", "--latency", "--timeout=10s", url],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout

    def percentile(label):
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * _UNITS[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": percentile(50),
        "p99_ms": percentile(99),
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def query_counts(paths):
    """SQL queries per page: uncached (dummy cache), and cached once warm (Redis)."""
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

    # A worker's first requests also look up what it keeps for its lifetime (taggit's content
    # type): counted on a second request, as every request after a worker's first sees it.
    for path in paths:
        count(path)
    counts = {path: {"uncached": count(path)} for path in paths}
    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "bench-pages-counts",
        }
    }
    with override_settings(CACHES=redis):
        for path in paths:
            count(path)
            counts[path]["cached"] = count(path)
    with override_settings(
        CACHES={"default": {**redis["default"], "BACKEND": "bench.cache.PagesNeverFoundCache"}}
    ):
        for path in paths:
            count(path)
            counts[path]["after a publish"] = count(path)
    return counts


def counts_in(checkout, paths, static_root):
    """query_counts() run by ``checkout``'s own code, in a process of its own."""
    script = (
        "import json, sys; from bench import seed_pages; seed_pages.django_setup(); "
        "from bench.reader_pages import query_counts; print(json.dumps(query_counts(sys.argv[1:])))"
    )
    env = {
        **server_env(variant="uncached", static_root=static_root, database_url=checkout.database_url),
        # seed_pages.django_setup() points DATABASE_URL at this database.
        "BENCH_PAGES_DB": checkout.database_url.rsplit("/", 1)[1],
    }
    result = subprocess.run(
        [sys.executable, "-c", script, *paths], cwd=checkout.root, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def copies_off_counts(paths):
    from django.test import override_settings

    with override_settings(READER_COPIES=False):
        return {path: counts["uncached"] for path, counts in query_counts(paths).items()}


def measured_pages(variant):
    """(label, path) of the pages ``variant`` is measured on: all, or those its copy serves."""
    for copy, labels in EACH_COPY.items():
        if variant == f"uncached, without {copy}":
            return [(label, path) for label, path in pages() if label in labels]
    return pages()


def measure(*, variant, static_root, checkout):
    results = {}
    env = server_env(variant=variant, static_root=static_root, database_url=checkout.database_url)
    with gunicorn(env, checkout.root) as base:
        if variant == "after a publish":  # the cards of every list shown before the publish
            for _, path in pages():
                warm(base, path)
        for label, path in measured_pages(variant):
            warm(base, path)
            results[label] = wrk(base + path)
            print(f"  {checkout.name} {variant} {label}: {results[label]}", flush=True)
    return results


def table(results, counts, variant, name):
    fixed = results["floor: fixed 22 KB page"]["rps"]
    row = results["floor: one row + template"]["rps"]
    lines = [
        f"### {variant}: {name}",
        "",
        "| page | req/s | p50 | p99 | × fixed floor | × DB floor | SQL queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, path in pages():
        result = results[label]
        lines.append(
            f"| {label} | {result['rps']:.0f} | {result['p50_ms']:.1f} ms | {result['p99_ms']:.1f} ms"
            f" | {result['rps'] / fixed:.2f} | {result['rps'] / row:.2f}"
            f" | {counts[path].get(variant, '')} |"
        )
    return "\n".join(lines)


def comparison(first, second, heading, names):
    """Two sets of results side by side: req/s each, and the second's as a ratio of the first's."""
    lines = [
        f"### {heading}",
        "",
        f"| page | {names[0]} req/s | {names[1]} req/s | {names[1]} ÷ {names[0]} |"
        f" {names[0]} p50 | {names[1]} p50 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, _ in pages():
        a, b = first[label], second[label]
        lines.append(
            f"| {label} | {a['rps']:.0f} | {b['rps']:.0f} | {b['rps'] / a['rps']:.2f}"
            f" | {a['p50_ms']:.1f} ms | {b['p50_ms']:.1f} ms |"
        )
    return "\n".join(lines)


def each_copy(results):
    """What each copy earns alone: its pages with every copy, and with only it turned off."""
    lines = [
        "### what each copy earns (uncached)",
        "",
        "| copy | page | copies on req/s | this copy off req/s | on ÷ off | on p50 | off p50 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for copy, labels in EACH_COPY.items():
        for label in labels:
            on, off = results["uncached"][label], results[f"uncached, without {copy}"][label]
            lines.append(
                f"| {copy} | {label} | {on['rps']:.0f} | {off['rps']:.0f} | {on['rps'] / off['rps']:.2f}"
                f" | {on['p50_ms']:.1f} ms | {off['p50_ms']:.1f} ms |"
            )
    return "\n".join(lines)


def collect_static(checkout, static_root):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=checkout.root,
        env=server_env(variant="uncached", static_root=static_root, database_url=checkout.database_url),
        check=True,
    )


def main():
    codes = checkouts()
    paths = [path for _, path in pages()]
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_parent:
        statics = {code.name: str(Path(static_parent) / code.name) for code in codes}
        # The settings this process uses for seeding and counting queries: the uncached server's.
        os.environ.update(server_env(variant="uncached", static_root=statics[codes[-1].name]))
        seed_pages.django_setup()
        seed_pages.ensure_seeded()
        for code in codes:
            collect_static(code, statics[code.name])
        counts = {code.name: counts_in(code, paths, statics[code.name]) for code in codes[:-1]}
        counts[codes[-1].name] = query_counts(paths)
        for path, count in copies_off_counts(paths).items():
            counts[codes[-1].name][path]["uncached, copies off"] = count
        results = {code.name: {} for code in codes}
        for variant in VARIANTS:
            for code in codes:
                if variant in ONLY_THIS_CHECKOUT and code is not codes[-1]:
                    continue
                results[code.name][variant] = measure(
                    variant=variant, static_root=statics[code.name], checkout=code
                )
    cpu = next(
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    )
    print()
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores ({cpu}), "
        f"{seed_pages.COUNT:,} articles, wrk -t1 -c{WORKERS} -d{SECONDS}s per page, "
        f"gunicorn {WORKERS} sync workers, checkouts: "
        + ", ".join(f"{code.name} {code.root}" for code in codes)
    )
    print()
    this = codes[-1].name
    if len(codes) > 1:
        for variant in VARIANTS:
            if variant not in ONLY_THIS_CHECKOUT:
                print(
                    comparison(results["before"][variant], results[this][variant], variant, ["before", this])
                )
                print()
    if "uncached, copies off" in results[this]:
        print(
            comparison(
                results[this]["uncached, copies off"],
                results[this]["uncached"],
                "what the stored copies earn (uncached)",
                ["copies off", "copies on"],
            )
        )
        print()
    if all(f"uncached, without {copy}" in results[this] for copy in EACH_COPY):
        print(each_copy(results[this]))
        print()
    for code in codes:
        for variant, measured in results[code.name].items():
            if variant.startswith("uncached, without"):
                continue
            print(table(measured, counts[code.name], variant, code.name))
            print()
    out = ROOT / "var" / "bench-reader-pages.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"results": results, "queries": counts}, indent=2))


if __name__ == "__main__":
    main()
