"""Small HTTP servers on free ports of 127.0.0.1 for the front-end cache tests: stand-ins for
the purge APIs (they record what they are sent and answer from a script) and for the app
behind Varnish (pages with chosen headers, counting how often each is asked for)."""

import threading
from collections import Counter
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Received:
    method: str
    path: str
    headers: Message
    body: bytes
    client: str


CLOUDFLARE_OK = Answer(200, {"Content-Type": "application/json"}, b'{"success": true, "result": {"id": "x"}}')


def purger_settings(*, varnish_url=None, cloudflare_url=None):
    """FRONTEND_CACHE_* settings (and the environment a worker needs for the same) for local servers."""
    names, options, environment = [], {}, {"FRONTEND_CACHE_TIMEOUT_SECONDS": "5"}
    if varnish_url:
        names.append("varnish")
        options["varnish"] = {"urls": [varnish_url]}
        environment["VARNISH_PURGE_URLS"] = varnish_url
    if cloudflare_url:
        names.append("cloudflare")
        options["cloudflare"] = {"zone_id": "zone123", "api_token": "cf-token", "api_url": cloudflare_url}
        environment.update(
            CLOUDFLARE_ZONE_ID="zone123", CLOUDFLARE_API_TOKEN="cf-token", CLOUDFLARE_API_URL=cloudflare_url
        )
    environment["FRONTEND_CACHE_PURGERS"] = ",".join(names)
    return names, options, environment


class RecordingServer:
    """Answers each request with the next scripted answer, else the page for its path, else ``default``."""

    def __init__(self, *, default=None, pages=None):
        self.default = default or Answer()
        self.pages = dict(pages or {})
        self.script = []
        self.received = []
        self.hits = Counter()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def answer_next(self, *answers):
        with self._lock:
            self.script.extend(answers)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()

    def _respond(self, received):
        with self._lock:
            self.received.append(received)
            self.hits[received.path] += 1
            if self.script:
                return self.script.pop(0)
        return self.pages.get(received.path, self.default)

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as gunicorn and the APIs speak to Varnish and urllib.
            protocol_version = "HTTP/1.1"

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                answer = server._respond(
                    Received(self.command, self.path, self.headers, body, self.client_address[0])
                )
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer.body)

            do_GET = do_HEAD = do_POST = do_PURGE = _handle

            def log_message(self, *args):
                pass

        return Handler
