"""A private varnishd for tests, running the repository's VCL in front of a local backend.

deploy/varnish/default.vcl includes backend.vcl from Varnish's vcl_path; the
test writes its own (the backend's port, an ACL of 127.0.0.1) into a temporary
directory put first on that path, so the VCL under test is the file production
loads, unchanged. varnishd runs in the foreground (-F) as the current user
(-j none) with a private work directory (-n), listening on free ports.
"""

import http.client
import os
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import pytest

from tests.celery_worker import ROOT
from tests.faults.services import free_port

VCL_DIR = ROOT / "deploy" / "varnish"


def require_varnish():
    """Skip, saying why, when varnishd or its xkey module is missing (.ci/run installs both)."""
    if not shutil.which("varnishd"):
        pytest.skip("varnishd is not installed (.ci/run installs Debian's varnish; apt-get install varnish)")
    if not glob("/usr/lib/*/varnish/vmods/libvmod_xkey.so") + glob("/usr/lib/varnish/vmods/libvmod_xkey.so"):
        pytest.skip(
            "vmod_xkey is not installed (.ci/run installs varnish-modules; apt-get install varnish-modules)"
        )


@dataclass
class Varnish:
    port: int
    internal_port: int
    log_path: Path


@contextmanager
def running_varnish(directory: Path, *, backend_port: int, environment=None):
    require_varnish()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "backend.vcl").write_text(
        f'backend default {{ .host = "127.0.0.1"; .port = "{backend_port}"; }}\nacl purgers {{ "127.0.0.1"; }}\n'
    )
    varnish = Varnish(port=free_port(), internal_port=free_port(), log_path=directory / "varnishd.log")
    args = [
        "varnishd",
        "-F",
        "-j",
        "none",
        "-n",
        str(directory / "work"),
        "-a",
        f"http=127.0.0.1:{varnish.port},HTTP",
        "-a",
        f"internal=127.0.0.1:{varnish.internal_port},HTTP",
        "-T",
        "none",
        "-p",
        f"vcl_path={directory}:{VCL_DIR}:/usr/share/varnish/vcl",
        "-f",
        str(VCL_DIR / "default.vcl"),
        "-s",
        "malloc,32m",
    ]
    with open(varnish.log_path, "w") as log:
        process = subprocess.Popen(
            args,
            env={**os.environ, **(environment or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_listening(process, varnish)
        yield varnish
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_until_listening(process, varnish, *, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd exited:\n{varnish.log_path.read_text()}")
        try:
            request("GET", varnish.port, "/-/listening")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"varnishd did not listen within {timeout} s:\n{varnish.log_path.read_text()}")


def request(method, port, path, *, headers=None, source="127.0.0.1"):
    """(status, headers, body) of one request to 127.0.0.1:``port``, sent from ``source``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
