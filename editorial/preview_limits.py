"""How often one editor's live preview may render: one request at a time, a few a second.

The preview renders whatever is typed, so a burst of previews from one
account could hold every web worker. A request refused here gets a 429
whose body is that editor's last preview with a retry mark, so the pane
keeps what it showed and asks again a moment later (editorial/preview_retry.js).
"""

import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache

LAST_PREVIEW_SECONDS = 600


def _keys(user_id):
    second = int(time.time())
    return f"preview:busy:{user_id}", f"preview:rate:{user_id}:{second}", f"preview:last:{user_id}"


@contextmanager
def preview_slot(user_id):
    """Yields True when ``user_id`` may render a preview now, holding the slot until done."""
    busy, rate, _ = _keys(user_id)
    # The slot expires on its own, so a worker killed mid-render cannot lock the editor out.
    if not cache.add(busy, 1, timeout=settings.PREVIEW_BUSY_TIMEOUT_SECONDS):
        yield False
        return
    try:
        cache.add(rate, 0, timeout=2)
        try:
            count = cache.incr(rate)
        except ValueError:  # the second's counter expired between add and incr
            count = 1
        yield count <= settings.PREVIEW_RATE_PER_SECOND
    finally:
        cache.delete(busy)


def remember_preview(user_id, html: str) -> None:
    cache.set(_keys(user_id)[2], html, timeout=LAST_PREVIEW_SECONDS)


def last_preview(user_id) -> str:
    return cache.get(_keys(user_id)[2]) or ""
