"""`make run PORT=…`: every process it starts writes absolute addresses on that port.

honcho gives each process of the Procfile its own PORT (web PORT, worker
PORT+100, beat PORT+200), so the worker that sends notification e-mails cannot
work the site's address out from PORT: make hands all of them SITE_URL.
"""

import os
import shlex
import subprocess
import sys

from tests.celery_worker import ROOT

BUILD_LINKS = """
import django
django.setup()
from articles.models import Article
from editorial import emails, previews
from editorial.models import Notification, Transition
article = Article(pk=5, title="予約記事", slug="yoyaku")
print(previews.preview_url(article))
submitted = Transition(article=article, from_status="draft", to_status="review")
print(emails.COMPOSE[Notification.Kind.SUBMITTED](Notification(article=article, transition=submitted))[1])
"""


def planned_commands(*make_args, **environment):
    """The commands `make run` would run, each as (its environment assignments, the rest)."""
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", *make_args],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    commands = []
    for line in result.stdout.splitlines():
        words = shlex.split(line)
        assignments = {}
        while words and "=" in words[0] and words[0].split("=", 1)[0].isidentifier():
            name, value = words.pop(0).split("=", 1)
            assignments[name] = value
        commands.append((assignments, " ".join(words)))
    return commands


def of(commands, program):
    (assignments,) = [assignments for assignments, rest in commands if program in rest]
    return assignments


def test_make_run_gives_every_process_site_url_on_its_port():
    commands = planned_commands("PORT=8123")
    for program in ("manage.py migrate", "manage.py bootstrap_local", "honcho start"):
        assert of(commands, program)["SITE_URL"] == "http://127.0.0.1:8123", program
    assert of(commands, "honcho start")["PORT"] == "8123"


def test_make_run_without_a_port_uses_8000():
    assert of(planned_commands(), "honcho start")["SITE_URL"] == "http://127.0.0.1:8000"


def test_a_site_url_set_in_the_environment_wins_over_the_port():
    commands = planned_commands("PORT=8123", SITE_URL="https://cms.example.jp")
    assert of(commands, "honcho start")["SITE_URL"] == "https://cms.example.jp"


def test_the_worker_honcho_starts_writes_links_on_the_web_port():
    honcho = of(planned_commands("PORT=8123"), "honcho start")
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    # What honcho gives the worker: make's variables and a PORT of its own.
    result = subprocess.run(
        [sys.executable, "-c", BUILD_LINKS],
        cwd=ROOT,
        env={**env, **honcho, "PORT": "8223", "DJANGO_SETTINGS_MODULE": "allforces.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    preview_link, email_body = result.stdout.split("\n", 1)
    assert preview_link.startswith("http://127.0.0.1:8123/editorial/preview/"), preview_link
    assert "http://127.0.0.1:8123/admin/articles/article/5/change/" in email_body, email_body
