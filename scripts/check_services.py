"""Stop the test run with one clear line if PostgreSQL or Redis is down."""

import os
import socket
import sys
from urllib.parse import urlsplit

HINT = "start them with `docker compose up -d db redis` (or your system's services)"


def reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def main() -> int:
    services = [
        ("PostgreSQL", os.environ["DATABASE_URL"], 5432),
        ("Redis", os.environ["REDIS_URL"], 6379),
    ]
    down = [f"{name} ({urlsplit(url).netloc})" for name, url, port in services if not reachable(url, port)]
    if down:
        print(f"Tests need {' and '.join(down)}, which did not answer: {HINT}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
