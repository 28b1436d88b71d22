"""Benchmark: how late scheduled articles go live, with real workers and beat.

Runs against a fresh PostgreSQL database and a Redis broker on 127.0.0.1,
with two Celery workers and one beat at the production defaults
(SWEEP_INTERVAL_SECONDS=10). Scenarios, all in one run so they can be
compared as ratios on the same (noisy) machine:

1. burst: 1,000 articles scheduled for the same instant;
2. spread: 1,000 articles spread evenly over one minute;
3. spread, periodic sweep only (armed sweeps off): the same load, to show what
   the armed sweeps buy;
4. outage: all workers stopped for 60 s while 1,000 articles fall due, then
   restarted; time from the first worker being ready until the last is live.

    .venv/bin/python bench/scheduled_publishing.py

Lateness is published_at minus publish_at, read from the database.
"""

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "allforces_bench_schedule"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE_URL = SERVER.rsplit("/", 1)[0] + f"/{BENCH_DB}"
BROKER = os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/9")
COUNT = 1000


def env(**extra):
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": BROKER,
        "REDIS_URL": "redis://127.0.0.1:6379/8",
        "SECRET_KEY": "bench-only",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
        **extra,
    }


QUEUE = f"bench-{uuid.uuid4().hex[:8]}"


@contextmanager
def celery(kind, name, log_dir, **extra):
    log = log_dir / f"{name}.log"
    args = [sys.executable, "-m", "celery", "-A", "allforces", kind, "--loglevel=INFO"]
    if kind == "worker":
        args += ["-Q", QUEUE, "-n", f"{name}@%h", "--concurrency=2", "--without-gossip", "--without-mingle"]
    else:
        args += ["--schedule", str(log_dir / f"{name}-schedule")]
    ready = "ready." if kind == "worker" else "beat: Starting"
    with open(log, "w") as out:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env(**extra), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        while ready not in log.read_text():
            if process.poll() is not None:
                raise RuntimeError(log.read_text())
            time.sleep(0.05)
        yield process
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def sql(query, params=()):
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        return (
            connection.execute(query, params).fetchall()
            if query.lstrip().upper().startswith("SELECT")
            else connection.execute(query, params)
        )


def schedule(times, label):
    rows = [
        (f"{label} {n}", f"{label}-{n}", "本文です。", "抜粋。", "scheduled", when, 1, 1)
        for n, when in enumerate(times)
    ]
    with psycopg.connect(DATABASE_URL, autocommit=True) as connection, connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO articles_article (title, slug, body, excerpt, status, publish_at, reading_time, version,"
            " created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, now(), now())",
            rows,
        )


def wait_all_published(label, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = sql(
            "SELECT count(*) FROM articles_article WHERE slug LIKE %s AND status = 'scheduled'",
            (f"{label}-%",),
        )[0][0]
        if left == 0:
            return time.monotonic()
        time.sleep(0.05)
    raise RuntimeError(f"{label}: not all published within {timeout}s")


def lateness(label):
    rows = sql(
        "SELECT EXTRACT(EPOCH FROM (published_at - publish_at)) FROM articles_article WHERE slug LIKE %s",
        (f"{label}-%",),
    )
    values = sorted(float(row[0]) for row in rows)
    duplicates = sql(
        "SELECT count(*) - count(DISTINCT t.article_id) FROM editorial_transition t JOIN articles_article a"
        " ON a.id = t.article_id WHERE a.slug LIKE %s AND t.to_status = 'published'",
        (f"{label}-%",),
    )[0][0]
    p99 = values[int(len(values) * 0.99) - 1]
    return statistics.median(values), p99, values[-1], duplicates


def row(name, stats):
    median, p99, worst, duplicates = stats
    return f"| {name} | {median:.2f} s | {p99:.2f} s | {worst:.2f} s | {duplicates} |"


def main():
    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp)
        for arming in ("1", "0"):
            with ExitStack() as stack:
                for name in ("worker1", "worker2"):
                    stack.enter_context(celery("worker", f"{name}-{arming}", logs, SCHEDULE_ARMING=arming))
                stack.enter_context(celery("beat", f"beat-{arming}", logs, SCHEDULE_ARMING=arming))
                start = datetime.now(UTC)
                if arming == "1":
                    schedule([start + timedelta(seconds=15)] * COUNT, "burst")
                    wait_all_published("burst")
                    results.append(row("1,000 at one instant", lateness("burst")))
                    start = datetime.now(UTC)
                label = f"spread{arming}"
                schedule([start + timedelta(seconds=15 + 60 * n / COUNT) for n in range(COUNT)], label)
                wait_all_published(label)
                name = "1,000 over a minute" + (
                    "" if arming == "1" else ", periodic sweep only (no armed sweeps)"
                )
                results.append(row(name, lateness(label)))

        # Outage: beat keeps running, every worker is down for 60 s.
        with celery("beat", "beat-outage", logs):
            start = datetime.now(UTC)
            schedule([start + timedelta(seconds=5 + 50 * n / COUNT) for n in range(COUNT)], "outage")
            time.sleep(60)
            with celery("worker", "worker1-outage", logs):
                restarted = time.monotonic()  # the first worker back is ready
                with celery("worker", "worker2-outage", logs):
                    done = wait_all_published("outage")
    print("| scenario | median lateness | p99 | max | duplicates |")
    print("| --- | --- | --- | --- | --- |")
    print("\n".join(results))
    print(
        f"\nAfter a 60 s outage of all workers: 1,000 overdue articles live {done - restarted:.2f} s after the first worker was ready."
    )
    print(f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
