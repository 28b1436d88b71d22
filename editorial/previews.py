"""Signed, expiring preview links for people without an account."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from articles.links import absolute_url

SALT = "editorial.preview-link"


def preview_token(article) -> str:
    return signing.dumps({"article": article.pk}, salt=SALT, compress=True)


def preview_url(article) -> str:
    return absolute_url(reverse("editorial:shared_preview", kwargs={"token": preview_token(article)}))


def article_id_from_token(token: str) -> int:
    """The article a token grants; raises signing.SignatureExpired or BadSignature."""
    data = signing.loads(token, salt=SALT, max_age=settings.PREVIEW_LINK_MAX_AGE)
    try:
        return int(data["article"])
    except (KeyError, TypeError, ValueError):
        # A validly signed payload of another shape (an older format) is a bad link, not a 500.
        raise signing.BadSignature("not a preview token") from None


def link_max_age_seconds() -> int:
    return settings.PREVIEW_LINK_MAX_AGE
