"""Private servers for fault tests, each on a free port, which a test may stop
and start at will: a PostgreSQL cluster, a Redis, gunicorn. The shared
PostgreSQL and Redis are never touched."""

import email
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email import policy
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.celery_worker import ROOT, celery_env, wait_until

# Debian's layout; the newest installed server wins (15 on the CI image).
PG_BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), default=Path("/nonexistent")
)
# Production sits behind a TLS-terminating proxy that sets this header.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def require_binary(path_or_name):
    """Skip, saying why, when a server binary this test drives is not installed."""
    found = Path(path_or_name).exists() or shutil.which(str(path_or_name))
    if not found:
        pytest.skip(f"{path_or_name} is not installed (.ci/run installs it; apt-get install it to run this)")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivatePostgres:
    """A throwaway PostgreSQL 15 cluster. PostgreSQL refuses to run as root, so
    as root the cluster belongs to the ``postgres`` OS user."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="allforces-faults-pg-"))
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.root, "postgres")
        self.data = self.root / "data"
        self.port = free_port()

    def _run(self, *args):
        subprocess.run([*self.as_owner, *args], check=True, capture_output=True, cwd=self.root)

    def init(self):
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        self.start()
        self._run(str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "allforces")

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.root / "server.log"), "-w", "start")  # fmt: skip

    def stop(self, mode="immediate"):
        """``immediate`` is a crash: no checkpoint, open transactions lost, WAL recovery on start."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def kill(self):
        """SIGKILL to the postmaster and every server process at once: no shutdown of any
        kind, uncommitted transactions lost, WAL recovery on the next start."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout
        processes = [postmaster, *map(int, children.split())]
        for pid in processes:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        # The next start refuses while any old process still holds the shared memory.
        wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in processes), timeout=10)

    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/allforces"

    def destroy(self):
        subprocess.run([*self.as_owner, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                        "stop"], capture_output=True, cwd=self.root)  # fmt: skip
        shutil.rmtree(self.root, ignore_errors=True)


class PrivateRedis:
    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        ping = ["redis-cli", "-p", str(self.port), "ping"]
        assert wait_until(lambda: subprocess.run(ping, capture_output=True).returncode == 0, timeout=10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait()

    def kill(self):
        """SIGKILL: no shutdown, and with no persistence whatever was queued is gone."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def url(self, db):
        return f"redis://127.0.0.1:{self.port}/{db}"


@contextmanager
def running_gunicorn(*, static_root, log_path, extra_env=None, workers=2):
    """gunicorn with production settings (DEBUG off, collected static files)."""
    port = free_port()
    env = celery_env({"DEBUG": "0", "STATIC_ROOT": str(static_root), "ALLOWED_HOSTS": "127.0.0.1",
                      **(extra_env or {})})  # fmt: skip
    args = [sys.executable, "-m", "gunicorn", "allforces.wsgi", "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            if not wait_until(lambda: get(port, "/healthz").status == 200, timeout=30):
                raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()}")
            yield port
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@dataclass
class Answer:
    at: float
    path: str
    status: int
    headers: dict
    body: str


def get(port, path, timeout=5):
    """One request on a fresh connection; a refused or broken connection is status 0."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", quote(path, safe="/?=&%"), headers=PROXY_HEADERS)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return Answer(time.monotonic(), path, response.status, dict(response.getheaders()), body)
    except OSError as error:
        return Answer(time.monotonic(), path, 0, {}, repr(error))
    finally:
        connection.close()


class ReaderProbe:
    """A reader clicking through ``paths`` in a loop while the test breaks things.

    ``{n}`` in a path becomes a counter, so such a page (a search) is never in
    the page cache and always reaches the database.
    """

    def __init__(self, port, paths):
        self.port, self.paths = port, paths
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        n = 0
        while not self._stop.is_set():
            for path in self.paths:
                n += 1
                self.answers.append(get(self.port, path.replace("{n}", str(n))))
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)

    def between(self, start, end=float("inf")):
        return [answer for answer in list(self.answers) if start <= answer.at < end]


def sent_messages(directory):
    """(recipient, decoded subject) of every message the file email backend wrote."""
    messages = []
    for path in sorted(directory.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_bytes(chunk.strip().encode(), policy=policy.default)
                messages.append((message["To"], message["Subject"].strip()))
    return messages


def sent_subjects(directory):
    return [subject for _, subject in sent_messages(directory)]
