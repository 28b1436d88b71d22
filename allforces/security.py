"""Who is asking: the client address behind the reverse proxy."""

import ipaddress


def client_ip(request) -> str:
    """The client's address for login limits: the one the trusted proxies saw, not one a client can forge.

    Each proxy appends the address it received the request from to
    X-Forwarded-For, so with N trusted proxies the client is the N-th entry
    from the right; anything further left was written by the client itself.
    An entry that is not an IP address (a misconfigured proxy count lets the
    client's own text through) is not used: the connection's address is, so
    failures are still counted against a real address and axes never stores
    text the database's inet column refuses.
    """
    from django.conf import settings

    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        try:
            # Normalised, so two spellings of one IPv6 address are one address to the limit.
            return str(ipaddress.ip_address(forwarded[-proxies]))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR", "")
