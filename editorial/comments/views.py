"""The change form's comment actions: add, reply, resolve, reopen.

Each answers a script (``comments.js``, which sends ``X-Requested-With:
fetch``) with the panel drawn again, so the writer's unsaved text in the form
stays where it is; without the script, each is a plain form post that comes
back to the change form with a message.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse

from allforces.parameters import whole_number

from ..exceptions import NotPermitted, WorkflowError
from ..models import Comment
from . import anchoring, threads


def panel_context(request, article) -> dict:
    open_threads, resolved = threads.threads_of(article)
    body = threads.working_text(article, "body")
    return {
        "original": article,
        "comment_threads": open_threads,
        "resolved_threads": resolved,
        "can_comment": threads.may_comment(request.user, article),
        "paragraph_count": len(anchoring.paragraphs(body)),
        # The body first: most comments are on the text.
        "comment_fields": [
            (value, Comment.Field(value).label) for value in ("body", "title", "excerpt", "cover")
        ],
        # For the live preview's marks: the passages of the open body comments.
        "comment_marks": [
            {"id": thread.comment.pk, "quote": thread.comment.quote, "text": thread.comment.text}
            for thread in open_threads
            if thread.comment.field == Comment.Field.BODY and thread.comment.quote and not thread.orphaned
        ],
    }


def _answer(request, article, *, done="", error=""):
    if request.headers.get("X-Requested-With") == "fetch":
        context = panel_context(request, article)
        context.update(comment_done=done, comment_error=error)
        return JsonResponse(
            {
                "panel": render_to_string("editorial/admin/_comments.html", context, request=request),
                "forms": render_to_string("editorial/admin/_comment_forms.html", context, request=request),
                "error": error,
                "done": done,
            },
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]) + "#comments")


def _article(model_admin, request, pk):
    article = model_admin.get_object(request, str(pk))
    if article is None or not model_admin.has_view_permission(request, article):
        raise Http404("記事が見つかりません。")
    return article


def _comment_of(article, comment_pk):
    return get_object_or_404(Comment.objects.select_related("thread"), pk=comment_pk, article=article)


def _paragraph(value: str) -> int | None:
    if not value.strip():
        return None
    if (number := whole_number(value, maximum=100_000)) is None:
        raise WorkflowError("段落の番号は半角数字で入れてください（例: 3）。")
    return number


def _hint(value: str) -> int:
    return whole_number(value) or 0


def add_comment(model_admin, request, pk):
    article = _article(model_admin, request, pk)
    try:
        threads.add(
            article,
            by=request.user,
            field_name=request.POST.get("field", Comment.Field.BODY),
            text=request.POST.get("text", ""),
            quote=request.POST.get("quote", ""),
            hint=_hint(request.POST.get("hint", "")),
            paragraph=_paragraph(request.POST.get("paragraph", "")),
        )
    except (WorkflowError, NotPermitted) as error:
        return _answer(request, article, error=str(error))
    return _answer(request, article, done="コメントしました。")


def reply_to_comment(model_admin, request, pk, comment_pk):
    article = _article(model_admin, request, pk)
    try:
        threads.reply(_comment_of(article, comment_pk), by=request.user, text=request.POST.get("text", ""))
    except (WorkflowError, NotPermitted) as error:
        return _answer(request, article, error=str(error))
    return _answer(request, article, done="返信しました。")


def resolve_comment(model_admin, request, pk, comment_pk):
    article = _article(model_admin, request, pk)
    try:
        threads.resolve(_comment_of(article, comment_pk), by=request.user)
    except NotPermitted as error:
        return _answer(request, article, error=str(error))
    return _answer(request, article, done="コメントを解決済みにしました。")


def reopen_comment(model_admin, request, pk, comment_pk):
    article = _article(model_admin, request, pk)
    try:
        threads.reopen(_comment_of(article, comment_pk), by=request.user)
    except NotPermitted as error:
        return _answer(request, article, error=str(error))
    return _answer(request, article, done="コメントを未解決に戻しました。")
