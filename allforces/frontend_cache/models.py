from django.db import models
from django.utils import timezone


class PendingPurge(models.Model):
    """Surrogate keys still to be dropped from the front-end caches.

    Written in the transaction that changed what readers see, so a rollback
    forgets it and a crash after the commit does not; deleted once every
    configured purger has purged the keys. The oldest row says how far purging
    lags behind (/readyz).
    """

    keys = models.JSONField("キー")
    purged_by = models.JSONField("パージ済みの purger", default=list)
    created_at = models.DateTimeField("記録日時", default=timezone.now, db_index=True)
    # Set when the batch is queued, tried or queued again: the sweep re-queues batches left untouched.
    touched_at = models.DateTimeField("最終処理日時", default=timezone.now)
    attempts = models.PositiveIntegerField("試行回数", default=0)
    last_error = models.TextField("直近のエラー", blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "未完了のパージ"
        verbose_name_plural = "未完了のパージ"

    def __str__(self):
        return f"{' '.join(self.keys)[:80]}（{self.created_at:%Y-%m-%d %H:%M:%S}）"
