"""A user's notifications in the admin: the outbox rows addressed to them.

The rows are the ones ``editorial/notifications.py`` writes for e-mail, so
the list in the admin and the messages in the mailbox never disagree. A
row is shown only while its article is one the user may see in the admin:
a writer taken off an article stops seeing news of it.
"""

from django.db.models import F
from django.db.models.functions import Coalesce, Now

from articles.models import Article

from ..models import Notification
from ..roles import is_editor, visible_articles

# What a listed notification needs of its article, transition and actors; not the body.
LISTED_FIELDS = (
    "id",
    "kind",
    "created_at",
    "read_at",
    "article",
    "text",
    "transition",
    "transition__actor",
    "actor",
    "actor__id",
    "actor__username",
    "actor__first_name",
    "actor__last_name",
    "actor__author_profile__id",
    "actor__author_profile__name",
    "article__id",
    "article__title",
    "article__status",
    "transition__id",
    "transition__comment",
    "transition__from_status",
    "transition__to_status",
    "transition__actor__id",
    "transition__actor__username",
    "transition__actor__first_name",
    "transition__actor__last_name",
    # The name an account without 姓 名 is shown by (editorial.people.display_name).
    "transition__actor__author_profile__id",
    "transition__actor__author_profile__name",
)


def inbox(user):
    """The notifications ``user`` is shown, newest first."""
    rows = Notification.objects.filter(recipient=user)
    if not is_editor(user):
        rows = rows.filter(article__in=visible_articles(user, Article.objects.order_by()).values("pk"))
    return rows.order_by("-created_at", "-pk")


def listed(rows):
    """``rows`` with what a list of them shows, in one query."""
    return rows.select_related("article", "transition__actor__author_profile", "actor__author_profile").only(
        *LISTED_FIELDS
    )


def unread_count(user) -> int:
    return inbox(user).filter(read_at__isnull=True).count()


def mark_read(user, *, notification_id: int) -> bool:
    """Mark one of ``user``'s own notifications read (again is harmless);
    False if there is no such notification addressed to them."""
    rows = Notification.objects.filter(pk=notification_id, recipient=user)
    return rows.update(read_at=Coalesce(F("read_at"), Now())) > 0


def mark_all_read(user) -> int:
    """Mark every unread notification of ``user`` read; return how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=Now())
