"""An editor approves an article for immediate publication while the Celery broker is unreachable: the article is
live, the editor gets no error, and the lost notification is logged."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from articles.models import Article
from editorial import workflow
from tests.celery_worker import ROOT
from tests.faults.services import free_port

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


def test_publishing_while_the_broker_is_down_still_publishes_and_says_so_in_the_log(editor, ready_article):
    workflow.submit(ready_article, by=None)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "allforces.settings",
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{connection.settings_dict['NAME']}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
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
    assert failures, result.stderr
    assert any("Connection" in failure.get("exc_info", "") for failure in failures)
