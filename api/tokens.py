"""Issuing, checking and revoking API tokens, rate limits and the audit trail."""

import hashlib
import hmac
import math
import secrets
import time

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.cache import cache
from django.utils import timezone

from .models import ApiToken

TOKEN_PREFIX = "afk"
WRITES_PER_MINUTE = 60


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(*, name, user, scopes, by, expires_at=None) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its secret, which exists nowhere else: show it once."""
    token = ApiToken(name=name, user=user, scopes=list(scopes), expires_at=expires_at, created_by=by)
    secret = fill_new(token)
    token.save()
    return token, secret


def fill_new(token: ApiToken) -> str:
    """Give an unsaved token its prefix and digest; return the secret."""
    token.prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token.secret_hash = _digest(secret)
    return f"{TOKEN_PREFIX}_{token.prefix}_{secret}"


def revoke(tokens) -> int:
    """Revoke ``tokens`` (a queryset); revoked ones keep their first date."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def find(presented: str) -> ApiToken | None:
    """The token a request presents, usable or not; None if it names none."""
    scheme, _, rest = presented.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != TOKEN_PREFIX or not prefix or not secret:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    # Compared in constant time, so response timing does not reveal the digest.
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(secret)):
        return None
    return token


def touch(token: ApiToken) -> None:
    # At most once a minute: every request writing the row would serialise a busy pipeline.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def take_write(token: ApiToken) -> int | None:
    """Count one write against the token's minute; the seconds to wait if over the limit."""
    now = time.time()
    window = int(now // 60)
    key = f"api:writes:{token.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this write starts the count
        cache.set(key, 1, timeout=120)
        count = 1
    if count > WRITES_PER_MINUTE:
        # Rounded up: a client that waits exactly Retry-After must arrive in the next minute.
        return max(1, math.ceil(60 - now % 60))
    return None


def audit(token: ApiToken, article, message: str) -> None:
    """A row in the article's admin history naming the token that made the change."""
    LogEntry.objects.log_actions(
        user_id=token.user_id,
        queryset=[article],
        action_flag=CHANGE,
        change_message=f"APIトークン「{token.name}」({token.prefix}) で{message}",
        single_object=True,
    )
