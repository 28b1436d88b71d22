"""The quick start's embedded setup: SQLite and kombu's filesystem transport,
with a real worker and beat, publishes a scheduled article by itself; its demo
shows what the CMS does; `make run` prints the login last and on the port it
serves; `make login` prints it again."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from urllib.request import urlopen

import pytest

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


PORT = 8123


def _quick_start_env(var_dir, **extra):
    """The environment `make run` gives its commands, on SQLite and files under ``var_dir``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CELERY_", "DJANGO_"))}
    for key in ("DATABASE_URL", "SITE_URL", "PORT", "SECRET_KEY", "MEDIA_BUCKET"):
        env.pop(key, None)
    return {
        **env,
        "VAR_DIR": str(var_dir),
        "MEDIA_ROOT": str(var_dir / "media"),
        "CELERY_BROKER_URL": "filesystem://",
        "REDIS_URL": "",
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def _manage(env, *command):
    return subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def quick_start(tmp_path_factory):
    """A quick start's var/ after `make run`'s migrate and bootstrap_local, run twice."""
    var_dir = tmp_path_factory.mktemp("var")
    (var_dir / "celery" / "queue").mkdir(parents=True)
    (var_dir / "celery" / "control").mkdir()
    env = _quick_start_env(var_dir, SITE_URL=f"http://127.0.0.1:{PORT}", ALLOWED_HOSTS="testserver,127.0.0.1")
    _manage(env, "migrate", "--noinput")
    first = _manage(env, "bootstrap_local").stdout
    counts_after_first = _facts(env)["counts"]
    second = _manage(env, "bootstrap_local").stdout
    return {
        "env": env,
        "var_dir": var_dir,
        "outputs": (first, second),
        "counts_after_first": counts_after_first,
        "facts": _facts(env),
    }


def _run_python(env, code):
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "allforces.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


READ_EVERY_PAGE = """
import django, json
django.setup()
from django.test import Client
from articles.models import Article
article = Article.objects.published().first()
tag = article.tags.first()
urls = ["/", "/?page=2", article.get_absolute_url(), f"/tag/{tag.slug}/", "/search/?q=AI", "/feeds/atom/",
        "/sitemap.xml", article.categories.first().get_absolute_url()]
print(json.dumps({url: Client().get(url).status_code for url in urls}))
"""


def test_the_quick_start_serves_every_reader_page_on_sqlite(quick_start):
    # What `make run` shows first: demo content published through the workflow, on SQLite.
    statuses = _run_python(quick_start["env"], READ_EVERY_PAGE)
    assert set(statuses.values()) == {200}, statuses


DEMO_FACTS = """
import django, json
django.setup()
from django.conf import settings
from django.db.models import Count
from django.test import Client
from django.utils import timezone
from articles.models import Article
from editorial.continuation.segments import assemble, segments_of
from editorial.continuation.truncation import is_truncated
from editorial.models import Comment, Segment
from editorial.roles import is_editor
from collections import Counter

def tree(article):
    segments = segments_of(article)
    children = Counter(segment.parent_id for segment in segments if segment.parent_id)
    assembly = assemble(article)
    return {"segments": len(segments), "branch_points": sum(1 for n in children.values() if n > 1),
            "assembles_to_body": assembly.body == article.body, "path": len(assembly.path),
            "joins_found": all(not join.flagged for join in assembly.joins), "truncated": is_truncated(article.body),
            "status": article.status}

in_passes = Article.objects.filter(pk__in=Segment.objects.values("article")).order_by("slug")
scheduled = Article.objects.filter(status="scheduled")
comments = Comment.objects.filter(article__status="review", thread=None, resolved_at=None, field="body")
home, page_two = Client().get("/"), Client().get("/?page=2")
print(json.dumps({
    "counts": {row["status"]: row["n"] for row in Article.objects.values("status").annotate(n=Count("id"))},
    "total": {model.__name__: model.objects.count() for model in (Article, Segment, Comment)},
    "in_passes": [tree(article) for article in in_passes],
    "scheduled_in_seconds": [(article.publish_at - timezone.now()).total_seconds() for article in scheduled],
    "scheduled_after": settings.DEMO_SCHEDULED_AFTER.total_seconds(),
    "open_comments": [{"editor": is_editor(c.author), "quote_in_body": bool(c.quote) and c.quote in c.article.body}
                      for c in comments],
    "home_links_page_two": '?page=2' in home.content.decode(),
    "page_two": page_two.status_code,
    "page_two_shows_the_rest": all(article.get_absolute_url() in page_two.content.decode()
                                   for article in Article.objects.published().order_by("-published_at", "-id")
                                   [settings.ARTICLES_PER_PAGE:]),
    "per_page": settings.ARTICLES_PER_PAGE,
    "published": Article.objects.published().count(),
    "covers": Article.objects.exclude(cover="").exclude(cover_renditions=None).count(),
}))
"""


def _facts(env):
    return _run_python(env, DEMO_FACTS)


def test_the_demo_shows_articles_written_in_passes(quick_start):
    trees = {tree["status"]: tree for tree in quick_start["facts"]["in_passes"]}
    published, waiting = trees["published"], trees["continuation"]
    # The body is what its segments assemble, joined where each pass repeats the last.
    assert published["assembles_to_body"] and published["joins_found"]
    assert published["path"] >= 3 and not published["truncated"]
    assert published["branch_points"] == 1  # an alternative pass from the same point
    assert published["segments"] == published["path"] + 1
    # Still cut off, waiting for the next pass.
    assert waiting["assembles_to_body"] and waiting["joins_found"] and waiting["segments"] >= 2
    assert waiting["truncated"]


def test_the_demo_has_one_scheduled_minutes_ahead_and_one_in_review_with_an_open_comment(quick_start):
    facts = quick_start["facts"]
    assert facts["counts"]["continuation"] == 1
    assert facts["counts"]["review"] == 1
    [due_in] = facts["scheduled_in_seconds"]
    assert 0 < due_in <= facts["scheduled_after"]
    assert facts["scheduled_after"] == 180  # a few minutes: time to open the site and watch
    assert facts["open_comments"] == [{"editor": True, "quote_in_body": True}]


def test_the_demo_has_more_than_one_page_of_articles(quick_start):
    facts = quick_start["facts"]
    assert facts["published"] > facts["per_page"]
    assert facts["home_links_page_two"]
    assert facts["page_two"] == 200 and facts["page_two_shows_the_rest"]
    assert facts["covers"] >= 4


def test_bootstrapping_again_adds_nothing(quick_start):
    first, second = quick_start["outputs"]
    assert "デモ記事を" in first and "件作成しました" in first
    assert "デモ記事はそろっています" in second
    assert quick_start["facts"]["counts"] == quick_start["counts_after_first"]


def test_make_login_prints_the_admin_url_on_the_port_and_logins_that_work(quick_start):
    var_dir = quick_start["var_dir"]
    env = _quick_start_env(var_dir)
    printed = subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", "login", f"PORT={PORT}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"http://127.0.0.1:{PORT}/admin/" in printed
    assert ":8000" not in printed
    passwords = {name: (var_dir / f"local-{name}.txt").read_text().strip() for name in ("admin", "writer")}
    for name, password in passwords.items():
        assert f"ユーザー名: {name}  パスワード: {password}" in printed
    check = (
        "import django, json; django.setup(); from django.contrib.auth.models import User;"
        f"print(json.dumps([User.objects.get(username=n).check_password(p) for n, p in {sorted(passwords.items())!r}]))"
    )
    assert _run_python(env, check) == [True, True]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _login_block(output, port):
    """The login block's lines, prefixes cut, if printed after the web server started on ``port``."""
    started = output.find(f"Starting development server at http://127.0.0.1:{port}/")
    if started == -1:
        return []
    lines = [line.split("| ", 1)[-1] for line in output[started:].splitlines()]
    rules = [index for index, line in enumerate(lines) if line == "=" * 64]
    return lines[rules[0] + 1 : rules[1]] if len(rules) >= 2 else []


CELERY_BANNERS = ("[tasks]", "-------------- celery@", "LocalTime ->", "beat: Starting", "[config]")


def test_make_run_prints_the_login_last_and_publishes_the_scheduled_demo_article(tmp_path):
    # The real `make run` on a port of its own; its article scheduled 50 s after bootstrap goes live while it runs.
    port = _free_port()
    env = _quick_start_env(tmp_path, DEMO_SCHEDULED_AFTER_SECONDS="50")
    log = tmp_path / "make-run.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            ["make", "-o", ".venv/.installed", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        assert wait_until(lambda: _login_block(log.read_text(), port), timeout=90), log.read_text()

        def status():
            with sqlite3.connect(tmp_path / "db.sqlite3") as db:
                return db.execute(
                    "SELECT status FROM articles_article WHERE slug = 'earnings-season-three-things-first'"
                ).fetchone()[0]

        printed = log.read_text()
        assert status() == "scheduled"
        assert wait_until(lambda: status() == "published", timeout=60, interval=1)
        home = urlopen(f"http://127.0.0.1:{port}/", timeout=10).read().decode()
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "決算発表シーズンの歩き方" in home
    lines = _login_block(printed, port)
    assert f"  管理画面:   http://127.0.0.1:{port}/admin/" in lines
    assert any(line.startswith("    編集者（管理者）  ユーザー名: admin  パスワード: ") for line in lines)
    assert any(line.startswith("    ライター（佐伯 遥）  ユーザー名: writer  パスワード: ") for line in lines)
    assert any("自動で公開されます" in line for line in lines)
    assert not [banner for banner in CELERY_BANNERS if banner in printed]
    mail = list((tmp_path / "mail").iterdir())
    assert mail and f"http://127.0.0.1:{port}/" in "".join(path.read_text() for path in mail)
