"""A gateway in front of the live server that loses answers, as a load balancer does in a deploy.

It forwards every request to the real server over HTTP; for the requests it is told to spoil, it
lets the server act and then answers 502 instead, so the client cannot know what was done.
"""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

# Not passed on: hop-by-hop headers, and the encoding httpx has already undone.
DROPPED = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding", "host"}


class Gateway(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, port: int = 0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.upstream = upstream
        self.spoil = []  # (method, path ending) still to answer 502, each once
        self.seen = []  # (method, path, status the server gave)
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def spoiled(self, method: str, path: str) -> bool:
        with self.lock:
            for rule in self.spoil:
                if rule[0] == method and path.endswith(rule[1]):
                    self.spoil.remove(rule)
                    return True
        return False


class _Handler(BaseHTTPRequestHandler):
    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name: value for name, value in self.headers.items() if name.lower() not in DROPPED}
        upstream = httpx.request(
            self.command, self.server.upstream + self.path, headers=headers, content=body, timeout=60
        )
        self.server.seen.append((self.command, self.path, upstream.status_code))
        if self.server.spoiled(self.command, self.path):
            self._send(502, {"Content-Type": "text/html"}, b"<html><body>502 Bad Gateway</body></html>")
        else:
            kept = {name: value for name, value in upstream.headers.items() if name.lower() not in DROPPED}
            self._send(upstream.status_code, kept, upstream.content)

    def _send(self, status, headers, content):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = _forward

    def log_message(self, *args):
        pass


@contextmanager
def gateway(upstream: str, port: int = 0):
    server = Gateway(upstream, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
