"""@mentions: naming a colleague in a comment tells them.

A name is written after "@" as the office knows the person, without spaces:
their 姓名 (``@山田太郎``), the name they write under, or their login id.
Japanese has no spaces between words, so a name ends at a space, a Japanese
or Latin punctuation mark, or the next "@"; and what follows a name without a
break (``@山田太郎さん``, ``@山田太郎の件``) is allowed: the longest name the
written word starts with is the one meant.
"""

import re

from django.contrib.auth import get_user_model

from ..people import full_name

MENTION = re.compile(r"@([^\s@、。，,．.！!？?：:；;「」『』（）()]+)")


def _keys(user) -> set[str]:
    keys = {user.get_username()}
    keys.add(full_name(user).replace(" ", ""))
    profile = getattr(user, "author_profile", None)
    if profile is not None:
        keys.add(profile.name.replace(" ", "").replace("\u3000", ""))
    return {key.casefold() for key in keys if key}


def mentioned_in(text: str) -> list:
    """The active staff users ``text`` names with "@", in the order first named."""
    written = [name.casefold() for name in MENTION.findall(text)]
    if not written:
        return []
    people = get_user_model().objects.filter(is_active=True, is_staff=True).select_related("author_profile")
    by_key = {}
    for user in people:
        for key in _keys(user):
            by_key.setdefault(key, user)
    found = {}
    for word in written:
        names = [key for key in by_key if word.startswith(key)]
        if names:
            user = by_key[max(names, key=len)]
            found.setdefault(user.pk, user)
    return list(found.values())
