"""Asking an OpenAI-compatible chat-completions endpoint for one reply.

What can pass with time (a timeout, a refused connection, 429, 5xx) raises
``Transient`` for the task to retry with backoff; a reply that cannot be used
(empty, not the protocol's JSON, another 4xx) raises ``Unusable``, which is
recorded and changes nothing. Neither ever carries the key.
"""

import time
from dataclasses import dataclass

import httpx

from .config import GeneratorConfig

# A reply longer than this is not a pass; refusing it here keeps a runaway
# endpoint from filling the worker's memory (ARTICLE_BODY_MAX_CHARS still applies after).
MAX_RESPONSE_BYTES = 4 * 1024 * 1024


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


class Unusable(Exception):
    def __init__(self, outcome: str, detail: str, latency_ms: int | None = None):
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail
        self.latency_ms = latency_ms


def _retry_after(response: httpx.Response) -> float | None:
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None  # an HTTP date, or nothing: the backoff decides
    return seconds if 0 <= seconds <= 3600 else None


def _count(usage: dict, name: str) -> int | None:
    value = usage.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def ask(config: GeneratorConfig, messages: list[dict]) -> Reply:
    headers = {"Content-Type": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    payload = {"model": config.model, "messages": messages}
    started = time.monotonic()
    try:
        response = httpx.post(config.url, json=payload, headers=headers, timeout=config.timeout_seconds)
    except httpx.TimeoutException as error:
        raise Transient(f"応答が {config.timeout_seconds:g} 秒以内に返りませんでした。") from error
    except httpx.TransportError as error:
        raise Transient(f"接続できませんでした（{type(error).__name__}）。") from error
    latency_ms = round((time.monotonic() - started) * 1000)
    if response.status_code == 429 or response.status_code >= 500:
        raise Transient(f"HTTP {response.status_code} が返りました。", _retry_after(response))
    if response.status_code != 200:
        raise Unusable(
            "malformed", f"HTTP {response.status_code} が返りました: {response.text[:300]}", latency_ms
        )
    if len(response.content) > MAX_RESPONSE_BYTES:
        raise Unusable("malformed", f"返答が大きすぎます（{len(response.content):,} バイト）。", latency_ms)
    try:
        data = response.json()
        text = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise Unusable(
            "malformed", f"chat completions の形式ではない返答です: {response.text[:300]}", latency_ms
        ) from error
    if not isinstance(text, str):
        raise Unusable("malformed", "返答の content が文字列ではありません。", latency_ms)
    if not text.strip():
        raise Unusable("empty", "返答の本文が空でした。", latency_ms)
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return Reply(
        text=text,
        prompt_tokens=_count(usage, "prompt_tokens"),
        completion_tokens=_count(usage, "completion_tokens"),
        latency_ms=latency_ms,
    )
