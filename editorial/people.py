"""People in the editorial office: the names they are shown by, and the author
profile each staff user writes as.

Django puts the given name first (``get_full_name``) and greets by the given
name alone (``get_short_name``); a Japanese office writes and addresses
people family name first, so every place that names a person asks here.
"""

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from articles.models import Author


def full_name(user) -> str:
    """The user's name in 姓 名 order, or "" when neither part is filled in."""
    parts = (user.last_name.strip(), user.first_name.strip())
    return " ".join(part for part in parts if part)


def display_name(user) -> str:
    """How the office names ``user``: their 姓 名, else the name they write
    under, else their login id. "" for nobody (the system)."""
    if user is None:
        return ""
    if name := full_name(user):
        return name
    profile = getattr(user, "author_profile", None)
    return (profile.name if profile is not None else "") or user.get_username()


def ensure_author_profile(user) -> tuple[Author, bool]:
    """The author profile ``user`` writes as, created on first need; and
    whether it was created now.

    The new profile is named in 姓 名 order (the login id when the account
    has no name) and can be renamed later. Two first saves at once by the
    same person make one profile: the loser of the race reads the winner's.
    """
    existing = Author.objects.filter(user=user).first()
    if existing is not None:
        return existing, False
    real_name = full_name(user)
    name = real_name or user.get_username()
    try:
        with transaction.atomic():
            profile = Author.objects.create(user=user, name=name, slug=_free_slug(real_name, user))
    except IntegrityError:
        return Author.objects.get(user=user), False
    # The cached "no profile" answer on this user object is now wrong.
    user.author_profile = profile
    return profile, True


def _free_slug(real_name, user) -> str:
    # Never the login id: the slug is the public address of the author's page.
    base = slugify(real_name, allow_unicode=True)[: Author._meta.get_field("slug").max_length - 21]
    if base and not Author.objects.filter(slug=base).exists():
        return base
    return f"{base or 'staff'}-{user.pk}"
