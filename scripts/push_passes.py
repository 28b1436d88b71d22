"""Push a multi-pass article to the editorial API, as a generation pipeline does.

    ALLFORCES_API_TOKEN=afk_… python scripts/push_passes.py --api https://cms.example.jp/api/v1 \\
        --author yamada [--category investment] [--submit] FILE...

Each FILE is in the publisher's pass format (a Jekyll front matter, passes separated by
``---END---`` lines) and is read by the importer's own parser (``editorial.jekyll.posts``), so a
file gives the API the passes ``import_jekyll`` would take from it. The first pass creates the
article (title, excerpt, categories and tags from the front matter); each later pass is sent with
an ``Idempotency-Key``; ``--submit`` sends the article to review at the end if no check blocks.

Running the script again is always safe. Beside each file a state file
(``FILE.push-state.json``, or in ``--state-dir``) keeps the article's id, the file's digest and how
many passes were answered; it is written before the article is created and after every answer.
The keys are derived from the article, the file's digest and the pass number, so a pass whose
answer was lost (a crash between the server's commit and the state's write, a timeout) is sent
again with the same key and the API returns its first answer instead of adding it twice. The
creation carries a key derived from the file's digest, so a creation whose answer was lost is sent
again and gets the article the first send made.

The token is read from an environment variable (``--token-env``), never from an argument, so it is
not shown by ``ps``.

Exit codes: 0 done; 2 wrong usage or no token; 3 the file cannot be read, or it changed since the
state file was written; 4 the API refused (its Japanese ``detail`` is printed); 5 gave up after
retries (re-run once the API answers; nothing is added twice);
6 every pass is in but ``--submit`` was not sent because a check blocks it.
"""

import argparse
import hashlib
import json
import os
import random
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent

EXIT_OK, EXIT_USAGE, EXIT_INPUT, EXIT_REFUSED, EXIT_GAVE_UP, EXIT_NOT_SUBMITTED = 0, 2, 3, 4, 5, 6
MAX_WAIT_SECONDS = 300
# Errors after which the request never reached the server: safe to send again, whatever it is.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Errors after which the server may have acted: only a request with an idempotency key, or a read,
# may be sent again.
OUTCOME_UNKNOWN = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


class Stop(Exception):
    """Stop pushing, with a Japanese message for the operator and the exit code."""

    def __init__(self, message: str, code: int, *, maybe_done: bool = False, then: str = ""):
        super().__init__(message + then)
        self.message = message
        self.code = code
        self.maybe_done = maybe_done  # the server may have acted on the last request


@dataclass
class Draft:
    path: Path
    digest: str
    title: str
    excerpt: str
    categories: list[str]
    tags: list[str]
    passes: list[str]


def read_draft(path: Path) -> Draft:
    """The file as the importer reads it: its front matter and its passes, the title line dropped."""
    _load_django()
    from articles.text import slug_candidate
    from editorial.jekyll.posts import NotAPost, PostError, read_post
    from editorial.jekyll.site import SiteError, collect

    try:
        post = read_post(collect([path])[0])
    except (PostError, NotAPost, SiteError) as error:
        raise Stop(f"{path}: {error}", EXIT_INPUT) from None
    if not post.segments:
        raise Stop(f"{path}: 本文がありません。", EXIT_INPUT)
    return Draft(
        path=path,
        digest=hashlib.sha256(path.read_bytes()).hexdigest(),
        title=post.title,
        excerpt=post.excerpt or "",
        # The slug the importer gives a category it creates from this name (Japanese is kept).
        categories=[slug_candidate(name, max_length=100) for name in post.categories],
        tags=post.tags,
        passes=post.segments,
    )


def _load_django():
    # The parser reads the CMS's limits (file size, body length) from its settings. This process
    # parses files and signs nothing, but the settings refuse to load without a key, so a random
    # one is made for it: never a literal that would sit in the repository.
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allforces.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


class State:
    """What earlier runs did for one file, saved atomically after every step."""

    def __init__(self, path: Path):
        self.path = path
        self.data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def __getitem__(self, name):
        return self.data.get(name)

    def save(self, **changes) -> None:
        self.data.update(changes)
        temporary = self.path.with_name(self.path.name + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump(self.data, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)


class Api:
    """The editorial API over HTTP, retrying what may be retried."""

    def __init__(self, base: str, token: str, *, retries: int, backoff: float):
        self.client = httpx.Client(
            base_url=base.rstrip("/"), headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        self.retries = retries
        self.backoff = backoff

    def close(self):
        self.client.close()

    def send(self, method: str, path: str, *, replayable: bool, **kwargs) -> httpx.Response:
        """The answer to one request; a 4xx is returned, anything still failing after the retries stops."""
        again = "再実行すると、答えのあったところから続けます。"
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.client.request(method, path, **kwargs)
            except NOT_SENT as error:
                if last:
                    raise Stop(
                        f"API に接続できません（{type(error).__name__}）。", EXIT_GAVE_UP, then=again
                    ) from None
                self._wait(attempt, f"接続できません（{type(error).__name__}）")
                continue
            except OUTCOME_UNKNOWN as error:
                if not replayable or last:
                    raise Stop(
                        f"{method} {path} の答えを受け取れませんでした（{type(error).__name__}）。",
                        EXIT_GAVE_UP,
                        maybe_done=True,
                        then=again,
                    ) from None
                self._wait(attempt, f"答えを受け取れません（{type(error).__name__}）")
                continue
            status = response.status_code
            if status == 429:
                if last:
                    raise Stop(f"{method} {path} が 429 のままです。", EXIT_GAVE_UP, then=again)
                # The limit refuses before anything is done, so even a creation may be sent again.
                self._sleep(_retry_after(response), "書き込みの上限（429）")
                continue
            if status >= 500:
                if not replayable or last:
                    raise Stop(
                        f"{method} {path} に {status} が返りました: {_detail(response)} ",
                        EXIT_GAVE_UP,
                        maybe_done=True,
                        then=again,
                    )
                self._wait(attempt, f"サーバーエラー（{status}）")
                continue
            return response
        raise AssertionError("unreachable")

    def _wait(self, attempt: int, why: str) -> None:
        seconds = min(self.backoff * 2**attempt, 60) * random.uniform(0.8, 1.2)
        self._sleep(seconds, why)

    @staticmethod
    def _sleep(seconds: float, why: str) -> None:
        print(f"  {why}: {seconds:.1f} 秒待って送り直します。", file=sys.stderr, flush=True)
        time.sleep(seconds)


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(max(float(response.headers["Retry-After"]), 0), MAX_WAIT_SECONDS)
    except (KeyError, ValueError):
        return 5.0


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json()["detail"])
    except (ValueError, KeyError, TypeError):
        return " ".join(response.text.split())[:200]


def _refused(response: httpx.Response, what: str) -> Stop:
    return Stop(f"{what}が API に拒否されました（{response.status_code}）: {_detail(response)}", EXIT_REFUSED)


def pass_key(article_id: int, digest: str, number: int) -> str:
    """The same key for the same pass of the same file to the same article, in every run."""
    return f"push-{article_id}-{digest[:16]}-pass-{number}"


def report(number: int, total: int, answer: dict) -> None:
    newest = max(answer["segments"], key=lambda segment: segment["id"])
    parent = f"部分 #{newest['parent']}" if newest["parent"] else "なし（最初の部分）"
    cut = "途中で切れている" if answer["truncated"] else "切れていない"
    print(
        f"パス {number}/{total}: 記事 #{answer['id']}・長さ {answer['length']:,} 文字・{cut}・"
        f"続きの元 {parent}・チェック {len(answer['checks'])} 件",
        flush=True,
    )
    for check in answer["checks"]:
        where = f"（第{check['paragraph']}段落）" if check.get("paragraph") else ""
        print(f"  [{check['level']}] {check['code']}: {check['message']}{where}", flush=True)


def _state_for(draft: Draft, api_base: str, state_dir: Path | None) -> State:
    folder = state_dir or draft.path.parent
    state = State(folder / f"{draft.path.name}.push-state.json")
    if state["file_digest"] and state["file_digest"] != draft.digest:
        raise Stop(
            f"{draft.path}: 前回の送信（記事 #{state['article']}）のあとでファイルが変わっています。"
            f"同じ記事に続けることはできません。新しい記事として送るなら {state.path} を消してください。",
            EXIT_INPUT,
        )
    if state["api"] and state["api"] != api_base:
        raise Stop(
            f"{draft.path}: 前回は別の API（{state['api']}）に送っています（{state.path}）。", EXIT_INPUT
        )
    return state


def create_key(digest: str) -> str:
    """The same key for the creation of the same file, in every run: a re-run after a
    lost answer gets the article the first send made, never a second one."""
    return f"push-{digest[:32]}-create"


def _create(api: Api, draft: Draft, state: State, options) -> dict:
    state.save(api=options.api, file_digest=draft.digest)
    payload = {
        "title": draft.title,
        "text": draft.passes[0],
        "excerpt": draft.excerpt,
        "authors": options.author,
        "categories": options.category or draft.categories,
        "tags": draft.tags,
    }
    response = api.send(
        "POST",
        "/articles",
        json=payload,
        headers={"Idempotency-Key": create_key(draft.digest)},
        replayable=True,
    )
    if response.status_code != 201:
        raise _refused(response, "記事の作成")
    answer = response.json()
    state.save(article=answer["id"], passes_done=1)
    return answer


def push_file(api: Api, draft: Draft, options) -> int:
    """Create the article (unless an earlier run did), push the passes not yet answered, submit."""
    state = _state_for(draft, options.api, options.state_dir)
    total = len(draft.passes)
    answer = None
    if state["article"] is None:
        answer = _create(api, draft, state, options)
        report(1, total, answer)
    article_id = state["article"]
    if (state["passes_done"] or 0) >= total:
        print(f"{draft.path}: 全 {total} パスを記事 #{article_id} に送信済みです。", flush=True)
    for number in range((state["passes_done"] or 0) + 1, total + 1):
        response = api.send(
            "POST",
            f"/articles/{article_id}/passes",
            json={"text": draft.passes[number - 1]},
            headers={"Idempotency-Key": pass_key(article_id, draft.digest, number)},
            replayable=True,
        )
        if response.status_code not in (200, 201):
            raise _refused(response, f"パス {number}/{total}")
        answer = response.json()
        state.save(passes_done=number)
        report(number, total, answer)
    if options.submit and not state["submitted"]:
        return _submit(api, article_id, answer, state)
    return EXIT_OK


def _submit(api: Api, article_id: int, answer: dict | None, state: State) -> int:
    if answer is None:
        response = api.send("GET", f"/articles/{article_id}", replayable=True)
        if response.status_code != 200:
            raise _refused(response, f"記事 #{article_id} の読み込み")
        answer = response.json()
    blocking = [check for check in answer["checks"] if check["level"] == "blocking"]
    if blocking:
        print(
            f"記事 #{article_id} はレビューに出しませんでした。止めるチェックが残っています:", file=sys.stderr
        )
        for check in blocking:
            print(f"  {check['code']}: {check['message']}", file=sys.stderr)
        return EXIT_NOT_SUBMITTED
    response = api.send("POST", f"/articles/{article_id}/submit", replayable=True)
    if response.status_code != 200:
        raise _refused(response, f"記事 #{article_id} のレビューへの提出")
    state.save(submitted=True)
    print(f"記事 #{article_id} をレビューに出しました。", flush=True)
    return EXIT_OK


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(
        description="パス形式のファイル（front matter と ---END--- で区切ったパス）を編集APIに送ります。"
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    parser.add_argument("--api", required=True, help="API の URL（例: https://cms.example.jp/api/v1）")
    parser.add_argument(
        "--token-env",
        default="ALLFORCES_API_TOKEN",
        help="トークンを入れた環境変数の名前（既定: %(default)s）",
    )
    parser.add_argument(
        "--author", action="append", default=[], metavar="SLUG", help="著者のスラッグ（複数可）"
    )
    parser.add_argument(
        "--category",
        action="append",
        default=[],
        metavar="SLUG",
        help="カテゴリのスラッグ（複数可）。省略すると front matter のカテゴリ名から作ったスラッグ",
    )
    parser.add_argument(
        "--submit", action="store_true", help="すべて送って止めるチェックがなければレビューに出す"
    )
    parser.add_argument("--state-dir", type=Path, help="状態ファイルを置くフォルダ（既定: 各ファイルの隣）")
    parser.add_argument("--retries", type=int, default=6, help="送り直す回数の上限（既定: %(default)s）")
    parser.add_argument("--backoff", type=float, default=1.0, help="最初の待ち時間（秒、毎回倍に）")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    options = parse_arguments(argv)
    token = os.environ.get(options.token_env, "").strip()
    if not token:
        print(f"環境変数 {options.token_env} にトークンを入れてください。", file=sys.stderr)
        return EXIT_USAGE
    api = Api(options.api, token, retries=options.retries, backoff=options.backoff)
    try:
        for path in options.files:
            code = push_file(api, read_draft(path), options)
            if code != EXIT_OK:
                return code
    except Stop as stop:
        print(f"送信を止めました。{stop}", file=sys.stderr)
        return stop.code
    finally:
        api.close()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
