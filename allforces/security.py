"""Who is asking: the client address behind the reverse proxy."""


def client_ip(request) -> str:
    """The client's address for login limits: the one the trusted proxies saw, not one a client can forge.

    Each proxy appends the address it received the request from to
    X-Forwarded-For, so with N trusted proxies the client is the N-th entry
    from the right; anything further left was written by the client itself.
    """
    from django.conf import settings

    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
