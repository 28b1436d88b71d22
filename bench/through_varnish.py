"""Benchmark: a cached article page through Varnish against nginx, and a publish reaching readers.

    .venv/bin/python -m bench.through_varnish
    BENCH_SECONDS=5 BENCH_ROUNDS=3 BENCH_PUBLISHES=5 .venv/bin/python -m bench.through_varnish

On the 100,000-article database of bench/seed_pages.py (seed it first with
``.venv/bin/python -m bench.seed_pages``), the two targets of issue 14 item 7:

- a cached article page: varnishd with the repository's VCL (deploy/varnish/)
  in front of bench/reader_pages.py's gunicorn (2 sync workers, the Redis page
  cache, the app sending ``s-maxage`` and xkey), against nginx (one worker)
  serving the same bytes as a static file, with gunicorn's page cache alone for
  reference. wrk as in reader_pages (one thread, two connections); the three
  take turns for BENCH_ROUNDS rounds, and varnishstat shows that every request
  Varnish answered was a hit. Target: Varnish at 0.8× nginx's requests per second or more.
- a publish reaching a reader: with a Celery worker sending the purges, an
  editor approves a new article (submit, approve); from when ``approve``
  returns (it has committed) home is fetched through Varnish every 20 ms until
  it lists the article, and the previous newest article's page until it links
  to it as "next". Both pages are hits in Varnish before the publish. Target: within 1 s.

The articles it creates (slug ``bench-varnish-``) and its editor are deleted
through the ORM, so the database ends as it began. Results are printed and
written to var/bench-through-varnish.json.
"""

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from tests.allforces.frontend_cache.varnish import request, running_varnish
from tests.celery_worker import stop, wait_until

from . import seed_pages
from .reader_pages import SECONDS, WORKERS, free_port, gunicorn, server_env, warm, wrk

ROOT = seed_pages.ROOT
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
PUBLISHES = int(os.environ.get("BENCH_PUBLISHES", "5"))
ARTICLE = f"/articles/article-{seed_pages.COUNT // 2}/"
BROKER = "redis://127.0.0.1:6379/13"
SLUG_PREFIX = "bench-varnish-"
EDITOR = "bench-varnish-editor"
POLL_SECONDS = 0.02
SETTINGS = [
    f"{name}={os.environ[name]}"
    for name in ("BENCH_SECONDS", "BENCH_ROUNDS", "BENCH_PUBLISHES")
    if name in os.environ
]
COMMAND = " ".join([*SETTINGS, ".venv/bin/python -m bench.through_varnish"])


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def wait_started(ready, process, what, log_path, *, timeout=60):
    """Until ``ready()`` is true (an OSError counts as not yet); a process that exits or is slow raises."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if ready():
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start:\n{log_path.read_text() if log_path.exists() else ''}")
        time.sleep(0.1)


@contextmanager
def nginx(directory, page):
    """The base URL of an nginx serving ``page`` at ARTICLE as a static file."""
    site = directory / "site"
    (site / ARTICLE.strip("/")).mkdir(parents=True)
    (site / ARTICLE.strip("/") / "index.html").write_bytes(page)
    port = free_port()
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root, workers would run as nobody
    temporary = " ".join(
        f"{kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = directory / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\npid {directory / 'nginx.pid'};\nevents {{ worker_connections 64; }}\n"
        f"http {{ default_type text/html; access_log off; sendfile on; tcp_nopush on; {temporary}\n"
        f"  server {{ listen 127.0.0.1:{port}; root {site}; index index.html; }} }}\n"
    )
    log_path = directory / "error.log"
    process = subprocess.Popen(
        ["nginx", "-p", f"{directory}/", "-c", str(conf), "-e", str(log_path), "-g", "daemon off;"],
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_started(lambda: fetch(base + ARTICLE) == page, process, "nginx", log_path, timeout=30)
        yield base
    finally:
        stop(process)


@contextmanager
def celery_worker(env, log_path):
    """A worker on the bench's broker, as tests/celery_worker.py starts one: it sends the purges."""
    args = [sys.executable, "-m", "celery", "-A", "allforces", "worker", "--loglevel=INFO", "--concurrency=1",
            "--without-gossip", "--without-mingle", "-Q", env["CELERY_TASK_DEFAULT_QUEUE"], "-n", "bench-varnish@%h"]  # fmt: skip
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_started(lambda: "ready." in log_path.read_text(), process, "celery worker", log_path)
        yield
    finally:
        stop(process)


def varnish_counters(work):
    out = subprocess.run(
        ["varnishstat", "-n", str(work), "-1", "-f", "MAIN.client_req", "-f", "MAIN.cache_hit"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {name: int(value) for name, value in re.findall(r"^MAIN\.(\w+)\s+(\d+)", out, re.M)}


def through_varnish(port, path):
    """(X-Cache, body) of a page fetched through Varnish."""
    status, headers, body = request("GET", port, path)
    if status != 200:
        raise RuntimeError(f"{path} through Varnish: HTTP {status}")
    return headers.get("X-Cache", ""), body.decode()


def warm_varnish(port, path):
    for _ in range(2):
        state, _ = through_varnish(port, path)
    if state != "HIT":
        raise RuntimeError(
            f"{path}: Varnish answers X-Cache {state!r}, not HIT (does the app send s-maxage?)"
        )


def compare(varnish, work, *, nginx_url, gunicorn_url):
    """Rounds of wrk on ARTICLE: through Varnish, from nginx, from gunicorn's page cache."""
    warm_varnish(varnish.port, ARTICLE)
    warm(gunicorn_url, ARTICLE)
    rounds = []
    for number in range(1, ROUNDS + 1):
        before = varnish_counters(work)
        cached = wrk(f"http://127.0.0.1:{varnish.port}{ARTICLE}")
        after = varnish_counters(work)
        requests = after["client_req"] - before["client_req"]
        cached["hit_share"] = (after["cache_hit"] - before["cache_hit"]) / requests
        static = wrk(nginx_url + ARTICLE)
        page_cache = wrk(gunicorn_url + ARTICLE)
        if any(run["non_2xx"] or run["socket_errors"] for run in (cached, static, page_cache)):
            raise RuntimeError(f"errors under wrk: {cached}, {static}, {page_cache}")
        result = {
            "varnish": cached,
            "nginx": static,
            "gunicorn": page_cache,
            "ratio": cached["rps"] / static["rps"],
        }
        print(
            f"  round {number}: Varnish {cached['rps']:.0f} req/s ({cached['hit_share']:.1%} hits), "
            f"nginx {static['rps']:.0f}, gunicorn {page_cache['rps']:.0f}; Varnish/nginx {result['ratio']:.2f}",
            flush=True,
        )
        rounds.append(result)
    return rounds


def editor():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from editorial.roles import EDITORS, install_role_groups

    install_role_groups(Group, Permission)
    user, _ = get_user_model().objects.get_or_create(username=EDITOR, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def wait_for_purges():
    """Until the worker has sent every purge recorded (a PendingPurge row is deleted once sent)."""
    from allforces.frontend_cache.models import PendingPurge

    if not wait_until(lambda: not PendingPurge.objects.exists(), timeout=30, interval=0.05):
        raise RuntimeError("purges still pending after 30 s: see the worker's log")


def poll(port, wanted, *, since, timeout=10):
    """Seconds from ``since`` until each page in ``wanted`` ({name: (path, text)}) shows its text;
    a page that does not within ``timeout`` is left out."""
    seen = {}
    while len(seen) < len(wanted) and time.monotonic() - since < timeout:
        for name, (path, text) in wanted.items():
            if name not in seen:
                state, body = through_varnish(port, path)
                if text in body:
                    seen[name] = {"seconds": time.monotonic() - since, "x_cache": state}
        time.sleep(POLL_SECONDS)
    return seen


def publish_once(number, port, *, by, author, category, tag):
    from articles.models import Article
    from editorial import workflow
    from tests.factories import READY_BODY, make_article

    newest = Article.objects.published().order_by("-published_at", "-pk").first()
    for path in ("/", newest.get_absolute_url()):
        warm_varnish(port, path)
    title = f"ベンチ速報 {number} {time.time_ns() % 10**9}"
    article = make_article(
        title=title, slug=f"{SLUG_PREFIX}{number}-{time.time_ns()}", body=READY_BODY, excerpt="速報の要約です。",
        authors=[author], categories=[category], tags=[tag],
    )  # fmt: skip
    workflow.submit(article, by=by)
    started = time.monotonic()
    workflow.approve(article, by=by)  # commits, then stamps the page cache and queues the purge
    committed = time.monotonic()
    wanted = {
        "home": ("/", title),
        "next": (newest.get_absolute_url(), f'rel="next" href="{article.get_absolute_url()}"'),
    }
    seen = poll(port, wanted, since=committed)
    if "home" not in seen:
        raise RuntimeError(f"home did not list {title!r} through Varnish within 10 s")
    article.delete()
    wait_for_purges()
    result = {"approve_s": committed - started, "x_cache": {name: seen[name]["x_cache"] for name in seen}}
    result |= {f"{name}_s": seen[name]["seconds"] if name in seen else None for name in wanted}
    # The deleted article's neighbour must stop linking to it, or the next round starts stale.
    result["next_gone_after_delete"] = wanted["next"][1] not in through_varnish(port, wanted["next"][0])[1]
    shown = (
        f"{key} {value:.3f}" if isinstance(value, float) else f"{key} {value}"
        for key, value in result.items()
    )
    print(f"  publish {number}: {', '.join(shown)}", flush=True)
    return result


def remove_leftovers():
    from articles.models import Article

    for article in Article.objects.filter(slug__startswith=SLUG_PREFIX):
        article.delete()


def publishes(port):
    from django.contrib.auth import get_user_model
    from taggit.models import Tag

    from articles.models import Author, Category

    remove_leftovers()  # from a run that was interrupted
    wait_for_purges()
    subjects = {
        "by": editor(),
        "author": Author.objects.order_by("pk").first(),
        "category": Category.objects.order_by("pk").first(),
        "tag": Tag.objects.order_by("pk").first(),
    }
    try:
        return [publish_once(number, port, **subjects) for number in range(1, PUBLISHES + 1)]
    finally:
        remove_leftovers()
        wait_for_purges()
        get_user_model().objects.filter(username=EDITOR).delete()


def row(label, values, digits=0):
    """A table row: each round, then the median and the largest (a round without a figure is —)."""
    known = [value for value in values if value is not None]
    cells = [f"{value:.{digits}f}" if value is not None else "—" for value in values]
    cells += [f"{statistics.median(known):.{digits}f}", f"{max(known):.{digits}f}"] if known else ["—", "—"]
    return f"| {label} | {' | '.join(cells)} |"


def heading(label, rounds):
    return f"| {label} | {' | '.join(map(str, range(1, rounds + 1)))} | median | max |\n|---|{'---:|' * (rounds + 2)}"


def report(speed, published, *, page_bytes):
    cpu = next(
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    )
    figures = {
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "command": COMMAND,
        "article": ARTICLE,
        "page_bytes": page_bytes,
        "cached_article": speed,
        "publish": published,
    }
    lines = [
        f"{figures['date']}, nproc {figures['nproc']} ({cpu}), {seed_pages.COUNT:,} articles, "
        f"`{COMMAND}` (wrk -t1 -c{WORKERS} -d{SECONDS}s per round)",
        "",
        heading(f"cached article page {ARTICLE} ({page_bytes:,} bytes), round", ROUNDS),
        row("Varnish, req/s", [r["varnish"]["rps"] for r in speed]),
        row("nginx static file, req/s", [r["nginx"]["rps"] for r in speed]),
        row("gunicorn + Redis page cache, req/s", [r["gunicorn"]["rps"] for r in speed]),
        row("Varnish p99, ms", [r["varnish"]["p99_ms"] for r in speed], 2),
        row("nginx p99, ms", [r["nginx"]["p99_ms"] for r in speed], 2),
        row("**Varnish / nginx** (target ≥ 0.8)", [r["ratio"] for r in speed], 2),
        row("Varnish hits, %", [100 * r["varnish"]["hit_share"] for r in speed], 1),
        "",
        heading("publish → reader through Varnish, round", PUBLISHES),
        row("**home lists it**, s after approve (target ≤ 1)", [r["home_s"] for r in published], 3),
        row("previous newest links to it, s", [r["next_s"] for r in published], 3),
        row("approve itself, s", [r["approve_s"] for r in published], 3),
    ]
    print()
    print("\n".join(lines))
    out = ROOT / "var" / "bench-through-varnish.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False))


def bench_env(static_root):
    """reader_pages' cached variant, with the page cache, broker and queue of this benchmark's own."""
    return {
        **server_env(variant="cached", static_root=str(static_root)),
        "CACHE_KEY_PREFIX": "bench-varnish",
        # With a purger named, reader pages carry s-maxage and their keys. Gunicorn only
        # answers readers here; the purges come from the worker, which knows Varnish's port.
        "FRONTEND_CACHE_PURGERS": "varnish",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_DEFAULT_QUEUE": "bench-varnish",
        "PYTHONUNBUFFERED": "1",
    }


def publish_to_reader(env, varnish, log_path):
    """The publish rounds, with this process and a worker set up to purge ``varnish``."""
    env = {**env, "VARNISH_PURGE_URLS": f"http://127.0.0.1:{varnish.internal_port}"}
    os.environ.update(env)
    seed_pages.django_setup()
    with celery_worker(env, log_path):
        print(f"Publish to reader through Varnish, {PUBLISHES} rounds", flush=True)
        return publishes(varnish.port)


def main():
    if seed_pages.seeded_count() != seed_pages.COUNT:
        raise SystemExit(f"{seed_pages.BENCH_DB} is not seeded: run .venv/bin/python -m bench.seed_pages")
    with tempfile.TemporaryDirectory(prefix="bench-varnish-") as temporary:
        directory = Path(temporary)
        env = bench_env(directory / "static")
        collectstatic = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"]
        subprocess.run(collectstatic, cwd=ROOT, env=env, check=True)
        with gunicorn(env) as base:
            port = int(base.rsplit(":", 1)[1])
            with running_varnish(directory / "varnish", backend_port=port) as varnish:
                page = fetch(base + ARTICLE)
                with nginx(directory / "nginx", page) as nginx_url:
                    print(
                        f"Cached article page {ARTICLE}: Varnish, nginx, gunicorn, {ROUNDS} rounds",
                        flush=True,
                    )
                    speed = compare(
                        varnish, directory / "varnish" / "work", nginx_url=nginx_url, gunicorn_url=base
                    )
                published = publish_to_reader(env, varnish, directory / "celery-worker.log")
    report(speed, published, page_bytes=len(page))


if __name__ == "__main__":
    main()
