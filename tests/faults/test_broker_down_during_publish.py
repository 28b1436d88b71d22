"""An editor approves an article for immediate publication after the Celery broker (a real Redis) was
SIGKILLed: the article is live, the editor gets no error, the failed hand-off to the broker is logged, and
the author's e-mail, kept as a row, goes out once Redis and a worker are back."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from articles.models import Article
from editorial import workflow
from editorial.models import Notification
from tests.celery_worker import ROOT, running_worker, wait_until
from tests.faults.services import PrivateRedis, require_binary, sent_messages

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PUBLISH_NOW = """
import json, django
django.setup()
from django.contrib.auth import get_user_model
from articles.models import Article
from editorial import workflow
article = Article.objects.get(pk={pk})
moved = workflow.approve(article, by=get_user_model().objects.get(username="editor"))
article.refresh_from_db()
print(json.dumps({{"moved": moved, "status": article.status}}))
"""


def test_publishing_after_the_broker_was_killed_publishes_and_emails_once_it_is_back(
    tmp_path, writer, editor, ready_article
):
    require_binary("redis-server")
    workflow.submit(ready_article, by=writer)
    redis = PrivateRedis(tmp_path)
    redis.start()
    redis.kill()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "allforces.settings",
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": redis.url(1),
        "REDIS_URL": redis.url(0),
        "LOG_FORMAT": "json",
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-c", PUBLISH_NOW.format(pk=ready_article.pk)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"moved": True, "status": "published"}
    assert Article.objects.get(pk=ready_article.pk).status == Article.Status.PUBLISHED
    # Django logs the failed side effect with its traceback; the editor saw none.
    failures = [
        json.loads(line)
        for line in result.stderr.splitlines()
        if line.startswith("{") and json.loads(line)["level"] == "ERROR"
    ]
    assert any("Connection" in failure.get("exc_info", "") for failure in failures), result.stderr
    owed = Notification.objects.get(kind=Notification.Kind.PUBLISHED)
    assert (owed.recipient, owed.email_status) == (writer, Notification.Email.PENDING)

    mail = tmp_path / "mail"
    redis.start()  # on the same port, empty: the queued sender never reached it
    try:
        env = {"CELERY_BROKER_URL": redis.url(1), "REDIS_URL": redis.url(0),
               "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail)}  # fmt: skip
        with running_worker(name="broker-back", extra_env=env):
            assert wait_until(lambda: len(sent_messages(mail)) >= 2, timeout=30), (
                "the waiting e-mails were never sent"
            )
            time.sleep(1)  # room for a duplicate to show
    finally:
        redis.stop()
    # The submission's message to the editor was waiting too: the test process has no worker.
    assert sorted(sent_messages(mail)) == [
        ("editor@example.jp", f"[ALLFORCES] レビュー依頼: {ready_article.title}"),
        ("writer@example.jp", f"[ALLFORCES] 公開されました: {ready_article.title}"),
    ]
