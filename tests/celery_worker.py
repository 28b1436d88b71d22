"""A real Celery worker process for tests, on Redis, against the test database."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def celery_env(extra_env=None):
    """The environment a Celery process needs to share this test's database and queue."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        raise RuntimeError(f"worker tests need a Redis broker, not {broker}")
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "REDIS_URL": settings.CACHES["default"].get("LOCATION", ""),
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }


@contextmanager
def celery_process(kind, *, name, extra_env=None, extra_args=(), ready_text, ready_timeout=30):
    """Start ``celery worker`` or ``celery beat``; stop it (SIGTERM, then SIGKILL) after."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    log_path = ROOT / "test-artifacts" / f"{kind}-{queue}-{name}.log"
    log_path.parent.mkdir(exist_ok=True)
    args = [sys.executable, "-m", "celery", "-A", "allforces", kind, "--loglevel=INFO", *extra_args]
    if kind == "worker":
        args += ["--without-gossip", "--without-mingle", "-Q", queue, "-n", f"{name}-{queue}@%h"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=celery_env(extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log_path = log_path
        try:
            deadline = time.monotonic() + ready_timeout
            while ready_text not in log_path.read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"celery {kind} did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
            yield process
        finally:
            stop(process)


def stop(process, *, kill=False):
    """Stop a Celery process and its pool children."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGKILL if kill else signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def running_worker(*, name="worker", extra_env=None, concurrency=1):
    return celery_process(
        "worker",
        name=name,
        extra_env=extra_env,
        extra_args=[f"--concurrency={concurrency}"],
        ready_text="ready.",
    )


def running_beat(tmp_path, *, name="beat", extra_env=None):
    schedule = tmp_path / f"{name}-schedule"
    return celery_process(
        "beat",
        name=name,
        extra_env=extra_env,
        extra_args=["--schedule", str(schedule)],
        ready_text="beat: Starting",
    )


def wait_until(predicate, *, timeout=20, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()
