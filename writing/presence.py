"""Who else has an article open: a heartbeat from each open change form.

Each form says "still here" every ``HEARTBEAT_SECONDS``; a person not heard
from for ``GONE_AFTER_SECONDS`` has left (a closed laptop sends no goodbye).
The record of one article is a small map in the cache, written back whole, so
two heartbeats at the same instant can drop one of them: it is back at that
person's next heartbeat. Nobody is ever blocked: this only tells.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache

from editorial.people import display_name

HEARTBEAT_SECONDS = 20
GONE_AFTER_SECONDS = 50


def timedelta_gone() -> timedelta:
    return timedelta(seconds=GONE_AFTER_SECONDS)


@dataclass(frozen=True)
class Present:
    user_id: int
    name: str
    since: float


def _key(article_id) -> str:
    return f"writing:presence:{article_id}"


def _live(entries: dict, now: float) -> dict:
    return {user_id: entry for user_id, entry in entries.items() if now - entry["seen"] < GONE_AFTER_SECONDS}


def heartbeat(article_id, user) -> list[Present]:
    """Record ``user`` as having ``article_id`` open; return the others who have it open."""
    now = time.time()
    entries = _live(cache.get(_key(article_id)) or {}, now)
    mine = entries.get(user.pk)
    entries[user.pk] = {"name": display_name(user), "seen": now, "since": mine["since"] if mine else now}
    cache.set(_key(article_id), entries, timeout=GONE_AFTER_SECONDS * 2)
    return others(entries, user.pk)


def leave(article_id, user) -> None:
    entries = cache.get(_key(article_id)) or {}
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(article_id), entries, timeout=GONE_AFTER_SECONDS * 2)


def others(entries: dict, user_id) -> list[Present]:
    return sorted(
        (
            Present(other_id, entry["name"], entry["since"])
            for other_id, entry in entries.items()
            if other_id != user_id
        ),
        key=lambda present: present.since,
    )


def present_on(article_ids, user) -> dict[int, list[Present]]:
    """For each of ``article_ids``, the others who have it open now: one cache read for a list page."""
    now = time.time()
    found = cache.get_many([_key(article_id) for article_id in article_ids])
    result = {}
    for article_id in article_ids:
        entries = _live(found.get(_key(article_id)) or {}, now)
        if people := others(entries, user.pk):
            result[article_id] = people
    return result
