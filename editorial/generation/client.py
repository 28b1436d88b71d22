"""Asking an OpenAI-compatible chat-completions endpoint for one reply.

What can pass with time (a timeout, a refused connection, 429, 5xx) raises
``Transient`` for the task to retry with backoff; a reply that cannot be used
(empty, not the protocol's JSON, a 4xx about the request) raises ``Unusable``,
which is recorded and changes nothing; an endpoint that refuses who we are or
what we ask for (401, 403, 404, a URL or key that cannot be sent) raises
``Misconfigured``: not the article's fault, and no retry will help. None of
them ever carries the key.
"""

import json
import re
import time
from dataclasses import dataclass

import httpx

from .config import GeneratorConfig

# A reply longer than this is not a pass: reading stops there, so a runaway
# endpoint cannot fill the worker's memory (ARTICLE_BODY_MAX_CHARS applies after).
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
# The counts a row can hold; an endpoint's nonsense beyond them is not kept.
MAX_TOKENS = 2**31 - 1
CONFIGURATION_STATUSES = {401, 403, 404}
# Reasoning models (on vLLM, Ollama …) may put their thinking before the text.
_THINKING = re.compile(r"\A\s*<think>.*?</think>\n?", re.DOTALL)


@dataclass
class Reply:
    text: str
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_ms: int


class Transient(Exception):
    def __init__(self, detail: str, retry_after: float | None = None):
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after
        self.ticket = None  # set by the runner: the lease the retry goes on under


class Unusable(Exception):
    def __init__(self, outcome: str, detail: str, latency_ms: int | None = None):
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail
        self.latency_ms = latency_ms


class Misconfigured(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def _retry_after(response: httpx.Response) -> float | None:
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None  # an HTTP date, or nothing: the backoff decides
    return seconds if 0 <= seconds <= 3600 else None


def _count(usage: dict, name: str) -> int | None:
    value = usage.get(name)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TOKENS:
        return value
    return None


def _redacted(text: str, config: GeneratorConfig) -> str:
    # Some gateways echo the credentials they refused; a record shown to editors must not.
    return text.replace(config.api_key, "＊＊＊") if config.api_key else text


def _read(config: GeneratorConfig, payload: dict, headers: dict) -> tuple[int, dict, bytes]:
    """Status, headers and body, read within one deadline for the whole exchange:
    httpx's timeout bounds each read, and an endpoint trickling bytes would outlast it."""
    deadline = time.monotonic() + config.timeout_seconds
    timeout = f"応答が {config.timeout_seconds:g} 秒以内に返りませんでした。"
    try:
        with httpx.stream(
            "POST", config.url, json=payload, headers=headers, timeout=config.timeout_seconds
        ) as response:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_RESPONSE_BYTES:
                    raise Unusable("malformed", f"返答が大きすぎます（{MAX_RESPONSE_BYTES:,} バイト超）。")
                if time.monotonic() > deadline:
                    raise Transient(timeout)
            return response.status_code, response.headers, bytes(body)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeEncodeError, ValueError) as error:
        raise Misconfigured(f"URL か API キーをそのまま送れません（{type(error).__name__}）。") from error
    except httpx.TimeoutException as error:
        raise Transient(timeout) from error
    except httpx.TransportError as error:
        raise Transient(f"接続できませんでした（{type(error).__name__}）。") from error
    except httpx.HTTPError as error:
        raise Transient(f"通信に失敗しました（{type(error).__name__}）。") from error


def ask(config: GeneratorConfig, messages: list[dict]) -> Reply:
    headers = {"Content-Type": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    payload = {"model": config.model, "messages": messages}
    started = time.monotonic()
    status, response_headers, content = _read(config, payload, headers)
    latency_ms = round((time.monotonic() - started) * 1000)
    shown = _redacted(content[:300].decode("utf-8", "replace"), config)
    if status == 429 or status >= 500:
        retry_after = _retry_after(httpx.Response(status, headers=response_headers))
        raise Transient(f"HTTP {status} が返りました。", retry_after)
    if status in CONFIGURATION_STATUSES:
        raise Misconfigured(
            f"HTTP {status} が返りました（URL、モデル名、API キーを確認してください）: {shown}"
        )
    if status != 200:
        raise Unusable("malformed", f"HTTP {status} が返りました: {shown}", latency_ms)
    try:
        data = json.loads(content)
        text = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise Unusable(
            "malformed", f"chat completions の形式ではない返答です: {shown}", latency_ms
        ) from error
    if not isinstance(text, str):
        raise Unusable("malformed", "返答の content が文字列ではありません。", latency_ms)
    text = _THINKING.sub("", text)
    if "\x00" in text:  # no text field takes it (PostgreSQL refuses NUL)
        raise Unusable("malformed", "返答に NUL 文字が含まれています。", latency_ms)
    if not text.strip():
        raise Unusable("empty", "返答の本文が空でした。", latency_ms)
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return Reply(
        text=text,
        prompt_tokens=_count(usage, "prompt_tokens"),
        completion_tokens=_count(usage, "completion_tokens"),
        latency_ms=latency_ms,
    )
