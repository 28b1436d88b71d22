import logging
import os

from celery import Celery
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allforces.settings")

app = Celery("allforces")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


logger = logging.getLogger("allforces.tasks")


@task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **_):
    """One structured line per failed task, with what it was asked to do."""
    logger.error(
        "Celery タスクが失敗しました",
        extra={
            "task": getattr(sender, "name", str(sender)),
            "task_id": task_id,
            "task_args": repr(args),
            "task_kwargs": repr(kwargs),
        },
        exc_info=(type(exception), exception, exception.__traceback__) if exception else None,
    )
