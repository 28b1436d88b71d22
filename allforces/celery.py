import logging
import os

from celery import Celery, bootsteps
from celery.signals import beat_init, task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allforces.settings")

app = Celery("allforces")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


logger = logging.getLogger("allforces.tasks")

# The scheduler's sweep and the notification sender, by name: the project does
# not import the app that defines them. Both pick up what the database holds.
SWEEP_TASKS = ("editorial.sweep_due_articles", "editorial.send_notifications")


def _sweep_now(app, why):
    for task in SWEEP_TASKS:
        try:
            app.send_task(task)
        except Exception:  # the broker went away again: the periodic runs still come
            logger.warning(
                "すぐの掃き出しを依頼できませんでした", extra={"reason": why, "task": task}, exc_info=True
            )


class SweepOnConnect(bootsteps.StartStopStep):
    """Sweep whenever the worker's consumer (re)connects to the broker: at start and after
    the broker came back, so what fell due or was left unsent meanwhile does not wait for
    beat's next tick."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer):
        _sweep_now(consumer.app, "worker connected")


app.steps["consumer"].add(SweepOnConnect)


@beat_init.connect
def sweep_when_beat_starts(sender=None, **_):
    # beat's first periodic sweep comes one interval after it starts.
    _sweep_now(sender.app, "beat started")


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
