"""A private nginx for tests, running the repository's server blocks outside Docker.

deploy/nginx-media.conf (the ``media`` service) and deploy/nginx-proxy.conf (the
host's reverse proxy) are read as the operator installs them and changed only
where this machine differs: the ports, the media volume's path, the certificate
and the upstream addresses. Each change must find exactly the text it replaces
once, so an edit that moves that text fails here instead of silently testing
something else. nginx runs in the foreground (``daemon off``) from a generated
main configuration like the one both the nginx image and Debian's package
ship (``mime.types``, ``default_type application/octet-stream``), with its
pid, logs and temporary files in a private directory.
"""

import http.client
import os
import shutil
import signal
import ssl
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.celery_worker import ROOT
from tests.faults.services import free_port

DEPLOY = ROOT / "deploy"
# What a browser sends for a site on the default HTTPS port; nginx passes it on as $host.
HOST = "127.0.0.1"


def require_nginx():
    """Skip, saying why, when nginx (or openssl, for its certificate) is not installed."""
    for binary, package in (("nginx", "nginx"), ("openssl", "openssl")):
        if not shutil.which(binary):
            pytest.skip(
                f"{binary} is not installed (.ci/run installs Debian's {package}; apt-get install {package})"
            )


def substituted(text: str, replacements: dict[str, str], *, source: str) -> str:
    for old, new in replacements.items():
        found = text.count(old)
        if found != 1:
            raise AssertionError(f"{source}: expected {old!r} once, found it {found} times; update the test")
        text = text.replace(old, new)
    return text


def _certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "1", "-subj", f"/CN={HOST}", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Nginx:
    media_port: int
    https_port: int
    http_port: int
    directory: Path

    def front(self, method, path, *, body=None, headers=None):
        """(status, headers, body) of one request to the reverse proxy, over TLS, as a browser sends it."""
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        connection = http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=30, context=context)
        return _exchange(connection, method, path, body, {"Host": HOST, **(headers or {})})

    def plain(self, port, path, *, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        return _exchange(connection, "GET", path, None, {"Host": HOST, **(headers or {})})


def _exchange(connection, method, path, body, headers):
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@contextmanager
def running_nginx(directory: Path, *, media_root: Path, web_port: int):
    """nginx serving ``media_root`` as the ``media`` service, behind the host's proxy sending
    everything else to 127.0.0.1:``web_port``."""
    require_nginx()
    directory.mkdir(parents=True, exist_ok=True)
    nginx = Nginx(media_port=free_port(), https_port=free_port(), http_port=free_port(), directory=directory)
    cert, key = _certificate(directory)
    (directory / "media.conf").write_text(
        substituted(
            (DEPLOY / "nginx-media.conf").read_text(),
            {
                "listen 8001;": f"listen 127.0.0.1:{nginx.media_port};",
                "alias /srv/media/;": f"alias {media_root}/;",
            },
            source="deploy/nginx-media.conf",
        )
    )
    (directory / "proxy.conf").write_text(
        substituted(
            (DEPLOY / "nginx-proxy.conf").read_text(),
            {
                "listen 443 ssl http2;": f"listen 127.0.0.1:{nginx.https_port} ssl http2;",
                "/etc/letsencrypt/live/cms.example.jp/fullchain.pem": str(cert),
                "/etc/letsencrypt/live/cms.example.jp/privkey.pem": str(key),
                "proxy_pass http://127.0.0.1:8001;": f"proxy_pass http://127.0.0.1:{nginx.media_port};",
                "proxy_pass http://127.0.0.1:8080;": f"proxy_pass http://127.0.0.1:{web_port};",
                "listen 80;": f"listen 127.0.0.1:{nginx.http_port};",
            },
            source="deploy/nginx-proxy.conf",
        )
    )
    temporary = "\n".join(
        f"    {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, workers would run as nobody and could not read pytest's private temporary directories.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"} info;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {directory / "access.log"};
{temporary}
    include {directory / "media.conf"};
    include {directory / "proxy.conf"};
}}
"""
    )
    log_path = directory / "error.log"
    args = ["nginx", "-p", f"{directory}/", "-c", str(directory / "nginx.conf"), "-e", str(log_path)]
    with open(directory / "stderr.log", "w") as stderr:
        process = subprocess.Popen(args, stdout=stderr, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_listening(process, nginx)
        yield nginx
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _log(nginx):
    return "\n".join(
        path.read_text() for name in ("stderr.log", "error.log") if (path := nginx.directory / name).exists()
    )


def _wait_until_listening(process, nginx, *, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited:\n{_log(nginx)}")
        try:
            nginx.plain(nginx.media_port, "/healthz")
            nginx.front("GET", "/healthz")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nginx did not listen within {timeout} s:\n{_log(nginx)}")
