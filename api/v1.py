"""The editorial API, version 1: articles and their passes, for a writing pipeline.

Views parse and report: every change goes through the verbs the admin uses
(``editorial.continuation.segments``, ``editorial.workflow``, ``editorial.revisions``).
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.security import HttpBearer

from articles.models import Article, ArticleAuthor, Author, Category
from editorial import pending, revisions, workflow
from editorial.checks import review_findings
from editorial.continuation import passes
from editorial.continuation.panel import nodes_of
from editorial.continuation.segments import assemble
from editorial.continuation.truncation import is_truncated
from editorial.exceptions import NotPermitted, WorkflowError
from editorial.models import Segment
from editorial.roles import author_profile, is_editor, visible_articles

from . import content, tokens
from .errors import ApiError
from .models import ApiToken, IdempotentRequest
from .schemas import ArticleIn, ArticleOut, ErrorOut, PassIn

READ, WRITE, SEGMENTS = (scope.value for scope in ApiToken.Scope)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = tokens.find(token)
        if found is None:
            return None
        if not found.is_usable or not found.user.is_active:
            raise ApiError(401, "このトークンは失効しているか、有効期限が切れています。")
        tokens.touch(found)
        request.api_token = found
        return found


api = NinjaAPI(
    title="ALLFORCES 編集API",
    version="1",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs=Swagger(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(ApiError)
def _api_error(request, error):
    response = api.create_response(request, {"detail": error.detail}, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, error):
    return api.create_response(
        request, {"detail": "認証が必要です。Authorization: Bearer <トークン> を付けてください。"}, status=401
    )


@api.exception_handler(ValidationError)
def _invalid(request, error):
    return api.create_response(
        request, {"detail": "リクエストの形式が正しくありません。", "errors": error.errors}, status=422
    )


def _require(request, scope: str, *, write: bool = False) -> ApiToken:
    token = request.auth
    if not token.has_scope(scope):
        raise ApiError(403, f"このトークンにはスコープ「{scope}」がありません。")
    if write and (wait := tokens.take_write(token)):
        raise ApiError(
            429, f"書き込みが多すぎます。{wait} 秒後にもう一度送ってください。", {"Retry-After": str(wait)}
        )
    return token


def _article_for(token: ApiToken, article_id: int, *, lock=False) -> Article:
    # Another writer's article is "not found", as in the admin: its existence is not theirs to learn.
    articles = visible_articles(token.user)
    if lock:
        articles = Article.objects.select_for_update().filter(pk__in=articles.values("pk"))
    article = articles.filter(pk=article_id).first()
    if article is None:
        raise ApiError(404, "記事が見つかりません。")
    return article


def _answer(article: Article, report=None) -> dict:
    """What the API says of ``article`` as read (callers read it after any change);
    after a pass, its segments as ``report`` assembled them, not read and stitched again."""
    working = pending.working_copy(article)
    nodes = nodes_of(report.assembly if report else assemble(article))
    return {
        "id": article.pk,
        "title": article.title,
        "status": article.status,
        "version": article.version,
        "length": len(working.body),
        "truncated": is_truncated(working.body),
        "checks": [
            {"code": f.code, "level": f.level, "message": f.message, "paragraph": f.paragraph}
            for f in review_findings(working)
        ],
        "segments": [
            {
                "id": node.segment.pk,
                "parent": node.segment.parent_id,
                "depth": node.depth,
                "on_path": node.on_path,
                "is_leaf": node.is_leaf,
                "source": node.segment.source,
                "length": len(node.segment.text),
                "overlap": node.overlap.length if node.overlap else None,
            }
            for node in nodes
        ],
        "pending_version": working is not article,
        "kept_hand_edits": report.kept_hand_edits.version if report and report.kept_hand_edits else None,
    }


def _add_pass(token: ApiToken, article: Article, text: str, parent: Segment | None):
    segment, report = passes.add_pass(
        article, text=text, by=token.user, source=Segment.Source.API, parent=parent
    )
    tokens.audit(token, article, f"部分 #{segment.pk} を追加")
    return segment, report


def _workflow_error(error: WorkflowError, status: int = 409) -> ApiError:
    """A refused verb: 403 if the user may not, else ``status`` (409 for a stage, 422 for a text)."""
    return ApiError(403 if isinstance(error, NotPermitted) else status, str(error))


def _fingerprint(request: HttpRequest) -> str:
    body = json.loads(request.body or b"{}")
    canonical = json.dumps([request.method, request.path, body], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _idempotency_key(request: HttpRequest, *, required: bool) -> str:
    key = request.headers.get("Idempotency-Key", "").strip()
    if (required and not key) or len(key) > 200:
        raise ApiError(422, "Idempotency-Key ヘッダー（200文字以内）を付けてください。")
    return key


def _earlier_answer(token: ApiToken, key: str, fingerprint: str) -> Status | None:
    """The first answer to ``key``, if this is a retry; a key reused for another request is refused."""
    earlier = IdempotentRequest.objects.filter(token=token, key=key).first()
    if earlier is None:
        return None
    if earlier.fingerprint != fingerprint:
        raise ApiError(422, "この Idempotency-Key は別の内容のリクエストですでに使われています。")
    return Status(earlier.status, earlier.response)


@api.get("/articles/{article_id}", response={200: ArticleOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def get_article(request, article_id: int):
    """An article the token's user may see, with its length, cut-off state, checks and segment tree."""
    token = _require(request, READ)
    return _answer(_article_for(token, article_id))


@api.post("/articles", response={201: ArticleOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut})
def create_article(request, data: ArticleIn):
    """A draft with its first pass, as the admin's add form makes one."""
    token = _require(request, WRITE, write=True)
    user = token.user
    if not user.has_perm("articles.add_article"):
        raise ApiError(403, "このトークンのユーザーには記事を作成する権限がありません。")
    if not data.title.strip():
        raise ApiError(422, "タイトルを入れてください。")
    authors = list(Author.objects.filter(slug__in=data.authors))
    if missing := set(data.authors) - {author.slug for author in authors}:
        raise ApiError(422, f"著者が見つかりません: {'、'.join(sorted(missing))}")
    categories = list(Category.objects.filter(slug__in=data.categories))
    if missing := set(data.categories) - {category.slug for category in categories}:
        raise ApiError(422, f"カテゴリが見つかりません: {'、'.join(sorted(missing))}")
    own = author_profile(user)
    if not is_editor(user):
        # A writer's article is their own, as the admin's add form makes it.
        if own is None:
            raise ApiError(403, "このトークンのユーザーには著者のプロフィールがありません。")
        if own not in authors:
            authors.insert(0, own)
    if not authors:
        raise ApiError(422, "著者を一人以上指定してください。")
    # Optional here (a pass requires one): with it, a creation whose answer was lost can be sent again.
    key = _idempotency_key(request, required=False)
    fingerprint = _fingerprint(request)
    try:
        with transaction.atomic():
            if key and (earlier := _earlier_answer(token, key, fingerprint)):
                return earlier
            article = Article.objects.create(title=data.title.strip(), excerpt=data.excerpt, body="")
            for position, author in enumerate(authors):
                ArticleAuthor.objects.create(article=article, author=author, position=position)
            article.categories.set(categories)
            if data.tags:
                article.tags.set(data.tags)
            revisions.commit_content_change(article, by=user, bump=False)
            tokens.audit(token, article, "記事を作成")
            _, report = _add_pass(token, article, data.text, None)
            answer = ArticleOut(**_answer(article, report)).dict()
            if key:
                IdempotentRequest.objects.create(
                    token=token, key=key, fingerprint=fingerprint, status=201, response=answer
                )
    except WorkflowError as error:
        raise _workflow_error(error, 422) from error
    except IntegrityError as error:
        # The same key sent twice at once: the second waits for the first's answer.
        raise ApiError(
            409, "同じ Idempotency-Key のリクエストを処理中です。少し待ってから送り直してください。"
        ) from error
    return Status(201, answer)


@api.post(
    "/articles/{article_id}/passes",
    response={
        201: ArticleOut,
        200: ArticleOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
)
def add_pass(request, article_id: int, data: PassIn):
    """Add a pass; with the same ``Idempotency-Key`` a retry returns the first answer."""
    token = _require(request, SEGMENTS, write=True)
    key = _idempotency_key(request, required=True)
    fingerprint = _fingerprint(request)
    try:
        with transaction.atomic():
            # The article's lock orders two sends of one key: the second sees the first's answer.
            article = _article_for(token, article_id, lock=True)
            if earlier := _earlier_answer(token, key, fingerprint):
                return earlier
            parent = None
            if data.parent is not None:
                parent = Segment.objects.filter(article=article, pk=data.parent).first()
                if parent is None:
                    raise ApiError(422, f"部分 #{data.parent} はこの記事にありません。")
            _, report = _add_pass(token, article, data.text, parent)
            answer = ArticleOut(**_answer(article, report)).dict()
            IdempotentRequest.objects.create(
                token=token, key=key, fingerprint=fingerprint, status=201, response=answer
            )
    except WorkflowError as error:
        raise _workflow_error(error, 422) from error
    except IntegrityError as error:
        # The same key sent at once for two articles: the article locks do not order them.
        raise ApiError(
            409, "同じ Idempotency-Key のリクエストを処理中です。少し待ってから送り直してください。"
        ) from error
    return Status(201, answer)


@api.post(
    "/articles/{article_id}/submit",
    response={200: ArticleOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
)
def submit(request, article_id: int):
    """Send the article to review, as the writer's button does."""
    token = _require(request, WRITE, write=True)
    article = _article_for(token, article_id)
    try:
        with transaction.atomic():
            workflow.submit(article, by=token.user)
            tokens.audit(token, article, "レビューに提出")
    except WorkflowError as error:
        raise _workflow_error(error) from error
    article.refresh_from_db()
    return _answer(article)


api.add_router("/content", content.router)
