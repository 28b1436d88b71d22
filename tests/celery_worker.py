"""A real Celery worker process for tests, on Redis, against the test database."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def running_worker(*, extra_env=None, concurrency=1, ready_timeout=30):
    """Start ``celery worker`` on this test process's queue and database; stop it after."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        raise RuntimeError(f"worker tests need a Redis broker, not {broker}")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "PYTHONUNBUFFERED": "1",
        **(extra_env or {}),
    }
    log_path = ROOT / "test-artifacts" / f"worker-{settings.CELERY_TASK_DEFAULT_QUEUE}.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "allforces", "worker",
                "--loglevel=INFO", f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
                "-Q", settings.CELERY_TASK_DEFAULT_QUEUE, "-n", f"{settings.CELERY_TASK_DEFAULT_QUEUE}@%h",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + ready_timeout
            while "ready." not in log_path.read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Celery worker did not start:\n{log_path.read_text()}")
                time.sleep(0.1)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until(predicate, *, timeout=20, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()
