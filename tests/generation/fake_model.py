"""A chat-completions endpoint on 127.0.0.1 for the generator's tests.

The outside model cannot run here, so this server speaks its protocol
(``POST`` a JSON body with ``model`` and ``messages``; a JSON answer with
``choices[0].message.content`` and ``usage``) and answers from a script the
test writes: replies, slow replies, 429 with Retry-After, 5xx, malformed
and empty answers. It records every request it was sent.

``like_the_sample`` answers as the publisher's sample reads: it finds which
pass the article so far ends with, and replies with the pass written after it.
"""

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    text: str | None = None  # the reply's content; None with a raw body
    raw: bytes | None = None  # a body sent as it is (malformed answers)
    delay: float = 0.0
    retry_after: str | None = None
    usage: dict | None = field(default_factory=lambda: {"prompt_tokens": 1200, "completion_tokens": 800})


def reply(text, **fields) -> Answer:
    return Answer(text=text, **fields)


def status(code, *, retry_after=None) -> Answer:
    return Answer(
        status=code, raw=json.dumps({"error": {"message": "busy"}}).encode(), retry_after=retry_after
    )


def slow(seconds, text="") -> Answer:
    return Answer(text=text, delay=seconds)


MALFORMED = Answer(raw=b'{"choices": [{"message": ')
NOT_CHAT = Answer(raw=json.dumps({"object": "list", "data": []}).encode())
EMPTY = Answer(text="")


class FakeChatModel:
    def __init__(self):
        self.script: deque[Answer] = deque()
        self.responder = None  # called with the messages when the script is empty
        self.requests: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address
        return f"http://{host}:{port}/v1/chat/completions"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def then(self, *answers: Answer):
        self.script.extend(answers)
        return self

    def _next(self, messages) -> Answer:
        if self.script:
            return self.script.popleft()
        if self.responder is not None:
            return self.responder(messages)
        return status(500)

    def _handler(self):
        model = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                model.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body, "at": time.monotonic()}
                )
                answer = model._next(body.get("messages", []))
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.raw is not None:
                    payload = answer.raw
                else:
                    payload = json.dumps(
                        {
                            "id": f"chatcmpl-{len(model.requests)}",
                            "object": "chat.completion",
                            "model": body.get("model"),
                            "choices": [
                                {
                                    "index": 0,
                                    "message": {"role": "assistant", "content": answer.text},
                                    "finish_reason": "stop",
                                }
                            ],
                            **({"usage": answer.usage} if answer.usage else {}),
                        },
                        ensure_ascii=False,
                    ).encode()
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", "application/json")
                    if answer.retry_after is not None:
                        self.send_header("Retry-After", answer.retry_after)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler


def like_the_sample(next_after: dict[str, str], *, tail_chars=30):
    """A responder: the pass that follows whichever known pass the article so far
    ends with (found by its last ``tail_chars`` characters, latest in the prompt wins)."""

    def respond(messages):
        prompt = "\n".join(message.get("content", "") for message in messages)
        found = []
        for earlier, following in next_after.items():
            position = prompt.rfind(earlier.strip()[-tail_chars:])
            if position >= 0:
                found.append((position, following))
        if not found:
            return status(500)
        return reply(max(found, key=lambda pair: pair[0])[1])

    return respond
