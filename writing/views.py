"""The autosave endpoints the article form's script calls."""

import json
import uuid

from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from allforces.parameters import whole_number
from articles.models import Article
from editorial.roles import is_author_of, is_editor, may_save_changes

from . import autosave, presence


def may_see(user, article) -> bool:
    return is_editor(user) or is_author_of(user, article)


def _refuse(message, status=400):
    return JsonResponse({"error": message}, status=status)


def _staff_only(view):
    # A script's request: an answer it can read, not the login page's redirect.
    def checked(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            return _refuse("ログインし直してください。書いた内容はこの端末に残っています。", status=403)
        return view(request, *args, **kwargs)

    checked.__name__ = view.__name__
    return checked


def _target(request, payload, *, may=may_save_changes):
    """(article, draft_key) the payload names, checked against the user's rights."""
    article_id, draft_key = payload.get("article"), payload.get("draft_key")
    if article_id is not None:
        if (article_pk := whole_number(article_id)) is None:
            raise autosave.Refused("記事の指定が読めません。")
        article = Article.objects.filter(pk=article_pk).first()
        if article is None or not may(request.user, article):
            raise PermissionError("この記事は今は変更できないため、自動保存しません。")
        return article, None
    try:
        key = uuid.UUID(str(draft_key))
    except ValueError:
        raise autosave.Refused("新しい記事の鍵が読めません。") from None
    if not request.user.has_perm("articles.add_article"):
        raise PermissionError("記事を追加する権限がありません。")
    return None, key


@require_POST
@_staff_only
def save(request):
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return _refuse("自動保存の内容が読めません。")
    if not isinstance(payload, dict):
        return _refuse("自動保存の内容が読めません。")
    try:
        article, draft_key = _target(request, payload)
        fields = autosave.cleaned_fields(payload.get("fields"))
    except autosave.Refused as refusal:
        return _refuse(str(refusal))
    except PermissionError as refusal:
        return _refuse(str(refusal), status=403)
    version = whole_number(payload.get("version", ""))
    try:
        written_at = parse_datetime(str(payload.get("written_at") or ""))
    except ValueError:  # well formed, but no such moment (a 13th month)
        written_at = None
    saved, kept = autosave.store(
        request.user,
        article=article,
        draft_key=draft_key,
        version=version,
        fields=fields,
        written_at=written_at if written_at and written_at.tzinfo else None,
    )
    local = timezone.localtime(saved.saved_at)
    return JsonResponse({"saved_at": local.isoformat(), "shown": local.strftime("%H:%M"), "kept": kept})


@require_POST
@_staff_only
def discard(request):
    try:
        payload = json.loads(request.body or b"{}")
        # Declining an offer needs only sight of the article: a writer whose article went to
        # review can no longer save it, and must still be able to let the offer go.
        article, draft_key = _target(request, payload if isinstance(payload, dict) else {}, may=may_see)
    except (ValueError, UnicodeDecodeError, autosave.Refused):
        return _refuse("どの自動保存かが読めません。")
    except PermissionError as refusal:
        return _refuse(str(refusal), status=403)
    autosave.forget(request.user, article=article, draft_key=draft_key)
    return JsonResponse({"discarded": True})


@require_POST
@_staff_only
def heartbeat(request, article_id):
    article = Article.objects.filter(pk=article_id).first()
    # Only those who may see the article in the admin learn who else is on it.
    if article is None or not may_see(request.user, article):
        return _refuse("この記事は見られません。", status=404)
    if request.POST.get("leaving"):
        presence.leave(article_id, request.user)
        return JsonResponse({"others": []})
    return JsonResponse(
        {"others": [{"name": present.name} for present in presence.heartbeat(article_id, request.user)]}
    )


@require_POST
@_staff_only
def who_is_where(request):
    """For the article list: who else has each of the listed articles open."""
    ids = [
        number
        for value in request.POST.getlist("article")[:500]
        if (number := whole_number(value)) is not None
    ]
    visible = Article.objects.filter(pk__in=ids)
    if not is_editor(request.user):
        visible = visible.filter(article_authors__author__user=request.user)
    present = presence.present_on(list(visible.values_list("pk", flat=True)), request.user)
    return JsonResponse(
        {"present": {str(article_id): [p.name for p in people] for article_id, people in present.items()}}
    )
