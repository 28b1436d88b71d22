"""Notifications go through a real Celery worker on Redis, after the commit."""

import email
from email import policy

import pytest

from editorial import workflow
from tests.celery_worker import running_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

SEPARATOR = "-" * 79


def sent_messages(directory):
    """(recipient, subject, body) of every message the file backend wrote."""
    messages = []
    for path in sorted(directory.glob("*.log")):
        for chunk in path.read_text().split(SEPARATOR):
            if chunk.strip():
                message = email.message_from_bytes(chunk.strip().encode(), policy=policy.default)
                messages.append((message["To"], message["Subject"].strip(), message.get_content()))
    return sorted(messages)


def test_workflow_emails_are_sent_by_the_worker_to_the_right_people(tmp_path, writer, editor, ready_article):
    mail_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    with running_worker(extra_env=mail_env):
        workflow.submit(ready_article, by=writer)
        assert wait_until(lambda: len(sent_messages(tmp_path)) == 1)
        workflow.request_changes(ready_article, by=editor, comment="出典を追記してください。")
        assert wait_until(lambda: len(sent_messages(tmp_path)) == 2)
        workflow.submit(ready_article, by=writer)
        workflow.approve(ready_article, by=editor)
        assert wait_until(lambda: len(sent_messages(tmp_path)) == 4)

    messages = sent_messages(tmp_path)
    subjects = [(to, subject) for to, subject, _ in messages]
    assert subjects == [
        ("editor@example.jp", "[ALLFORCES] レビュー依頼: 推論モデルの台頭"),
        ("editor@example.jp", "[ALLFORCES] レビュー依頼: 推論モデルの台頭"),
        ("writer@example.jp", "[ALLFORCES] 公開されました: 推論モデルの台頭"),
        ("writer@example.jp", "[ALLFORCES] 差し戻し: 推論モデルの台頭"),
    ]
    changes_requested = next(body for _, subject, body in messages if "差し戻し" in subject)
    assert "出典を追記してください。" in changes_requested
