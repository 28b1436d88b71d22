"""Production logs are one JSON object per line, with the article and the
move on workflow events and the task's context on Celery failures."""

import json
import logging

import pytest
from django.conf import settings
from django.test import TestCase
from pythonjsonlogger.json import JsonFormatter

from allforces.celery import app
from editorial import workflow


def _as_json(record):
    options = {key: value for key, value in settings.LOGGING["formatters"]["json"].items() if key != "()"}
    return json.loads(JsonFormatter(**options).format(record))


def test_production_logs_json_and_the_quick_start_text():
    # The suite runs with DEBUG off, as production does.
    assert settings.LOG_FORMAT == "json"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"


@pytest.mark.django_db
def test_a_workflow_event_is_one_json_line_with_the_article_and_the_transition(writer, ready_article, caplog):
    caplog.set_level(logging.INFO, logger="editorial.workflow")
    with TestCase.captureOnCommitCallbacks(execute=True):
        workflow.submit(ready_article, by=writer)
    (record,) = caplog.records
    line = _as_json(record)
    assert line["article_id"] == ready_article.pk
    assert line["transition"] == "draft->review"
    assert line["actor"] == "writer"
    assert line["level"] == "INFO"
    assert line["logger"] == "editorial.workflow"
    assert line["message"] == "記事のステージが変わりました"
    assert line["time"].endswith("+00:00")


@app.task(name="tests.always_fails")
def always_fails(article_id):
    raise LookupError(f"記事 {article_id} の処理に失敗")


def test_a_failed_task_is_logged_with_its_name_arguments_and_traceback(caplog):
    caplog.set_level(logging.ERROR, logger="allforces.tasks")
    always_fails.apply(args=[42])
    (record,) = [record for record in caplog.records if record.name == "allforces.tasks"]
    line = _as_json(record)
    assert line["task"] == "tests.always_fails"
    assert line["task_args"] == "[42]"
    assert line["task_id"]
    assert "LookupError: 記事 42 の処理に失敗" in line["exc_info"]
