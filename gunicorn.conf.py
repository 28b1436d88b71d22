"""gunicorn settings for the web container; each can be overridden from the environment.

Sync workers: every page is a few short queries, and a slow client is the
reverse proxy's to buffer, not ours (docs/deploy.md).
"""

import os

# Loopback unless told otherwise: the reverse proxy is in front, never the internet
# (the image sets 0.0.0.0:8000, since a container's published port is its own interface).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory: a container's overlay filesystem can stall them.
worker_tmp_dir = "/dev/shm"
# Only the reverse proxy on the private network may say the request was HTTPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access lines in gunicorn's combined format; the application's own logs are
# JSON (LOGGING in allforces/settings.py).
accesslog = "-"
