"""The container's health check: ask this process's probe over loopback, naming a host it accepts.

``python -m allforces.probe /readyz`` exits 0 on a 2xx answer and 1 otherwise.
The request goes to 127.0.0.1, but its Host header is one ALLOWED_HOSTS
accepts (SITE_URL's name in production): a plain request to 127.0.0.1 is
refused with 400 wherever ALLOWED_HOSTS lists only the public name, and an
orchestrator would restart a healthy container forever.
"""

import sys
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

ADDRESS = "127.0.0.1:8000"


def probe_host() -> str:
    """SITE_URL's host if ALLOWED_HOSTS accepts it, else the first name it accepts."""
    from django.conf import settings
    from django.http.request import validate_host

    allowed = settings.ALLOWED_HOSTS
    candidates = [
        urlsplit(settings.SITE_URL).hostname or "",
        *(name.lstrip(".") for name in allowed),
        "localhost",
    ]
    accepted = [host for host in candidates if host and "*" not in host and validate_host(host, allowed)]
    return accepted[0] if accepted else "localhost"


def probe(path: str, *, address: str = ADDRESS, timeout: float = 4) -> int:
    """The probe's HTTP status; a refused connection or an error status raises OSError."""
    request = Request(f"http://{address}{path}", headers={"Host": probe_host()})
    with urlopen(request, timeout=timeout) as response:
        return response.status


def main(argv: list[str]) -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allforces.settings")
    path = argv[1] if len(argv) > 1 else "/healthz"
    try:
        probe(path)
    except OSError as error:  # urllib's HTTPError and URLError are OSErrors
        print(f"{path}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
