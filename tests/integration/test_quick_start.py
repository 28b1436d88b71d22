"""The quick start's embedded setup: SQLite and kombu's filesystem transport,
with a real worker and beat, publishes a scheduled article by itself."""

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from tests.celery_worker import ROOT, celery_env, running_beat, running_worker, wait_until


def test_scheduled_article_goes_live_on_sqlite_with_the_filesystem_broker(tmp_path):
    database = tmp_path / "db.sqlite3"
    queue = tmp_path / "celery"
    (queue / "queue").mkdir(parents=True)
    (queue / "control").mkdir()
    embedded = {
        "DATABASE_URL": f"sqlite:///{database}",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_QUEUE_DIR": str(queue),
        "REDIS_URL": "",
        "SWEEP_INTERVAL_SECONDS": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=celery_env(embedded),
        check=True,
        capture_output=True,
    )

    def status():
        with sqlite3.connect(database) as db:
            return db.execute("SELECT status, published_at FROM articles_article").fetchone()

    with running_worker(extra_env=embedded), running_beat(tmp_path, extra_env=embedded):
        # Scheduled once both run: a slow start on a busy machine cannot eat the lead time.
        due = (datetime.now(UTC) + timedelta(seconds=3)).strftime("%Y-%m-%d %H:%M:%S.%f")
        with sqlite3.connect(database) as db:
            db.execute(
                "INSERT INTO articles_article (title, slug, body, excerpt, status, publish_at, reading_time, version,"
                " created_at, updated_at) VALUES ('予約', 'yoyaku', '本文。', '抜粋。', 'scheduled', ?, 1, 1, ?, ?)",
                (due, due, due),
            )
        assert status()[0] == "scheduled"
        assert wait_until(lambda: status()[0] == "published", timeout=30)
    with sqlite3.connect(database) as db:
        transitions = db.execute(
            "SELECT from_status, to_status, actor_id FROM editorial_transition"
        ).fetchall()
    assert transitions == [("scheduled", "published", None)]
    assert status()[1] >= due


READ_EVERY_PAGE = """
import django, json
django.setup()
from django.test import Client
from articles.models import Article
article = Article.objects.published().first()
tag = article.tags.first()
urls = ["/", article.get_absolute_url(), f"/tag/{tag.slug}/", "/search/?q=AI", "/feeds/atom/",
        "/sitemap.xml", article.categories.first().get_absolute_url()]
print(json.dumps({url: Client().get(url).status_code for url in urls}))
"""


def test_the_quick_start_serves_every_reader_page_on_sqlite(tmp_path):
    # What `make run` shows first: demo content published through the workflow, on SQLite.
    embedded = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_QUEUE_DIR": str(tmp_path / "celery"),
        "REDIS_URL": "",
        "DEBUG": "1",
        "ALLOWED_HOSTS": "testserver",
    }
    (tmp_path / "celery" / "queue").mkdir(parents=True)
    (tmp_path / "celery" / "control").mkdir()
    for command in (["migrate", "--noinput"], ["bootstrap_local"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=celery_env(embedded),
            check=True,
            capture_output=True,
        )
    result = subprocess.run(
        [sys.executable, "-c", READ_EVERY_PAGE],
        cwd=ROOT,
        env={**celery_env(embedded), "DJANGO_SETTINGS_MODULE": "allforces.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(statuses.values()) == {200}, statuses
