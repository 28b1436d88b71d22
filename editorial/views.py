from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST
from markdownx.views import ImageUploadView
from taggit.models import Tag

from articles import markdown
from articles.furniture import furniture_of
from articles.images import shown_cover
from articles.models import Article
from writing.counts import counts_of_html

from . import preview_limits, previews
from .limits import body_too_long
from .roles import visible_tags
from .uploads import CheckedImageForm

TAG_SUGGESTION_LIMIT = 20
PREVIEW_RETRY_MARK = '<span hidden data-preview-retry="1000"></span>'
TAG_NAME_MAX_LENGTH = Tag._meta.get_field("name").max_length


@staff_member_required
@require_POST
def markdown_preview(request):
    """The editor's live preview: the same sanitised rendering readers get."""
    content = request.POST.get("content")
    if content is None:
        return HttpResponseBadRequest("content が送られていません。")
    if reason := body_too_long(content):
        # markdownx shows whatever comes back in the preview pane, whatever the status.
        return HttpResponse(format_html('<p class="preview-error">{}</p>', reason), status=413)
    with preview_limits.preview_slot(request.user.pk) as allowed:
        if not allowed:
            # The pane keeps what it showed; preview_retry.js asks again a moment later.
            busy = preview_limits.last_preview(request.user.pk) + PREVIEW_RETRY_MARK
            return HttpResponse(busy, status=429, headers={"Retry-After": "1"})
        rendered = markdown.render(content)
        html = rendered.html
        if rendered.too_deep:
            notice = format_html(
                '<p class="preview-error">{}</p>',
                f"箇条書きや引用の入れ子が深すぎます（上限 {markdown.MAX_NESTING} 段）。"
                "それより深い部分は、書いたままの一つの段落として表示されます。",
            )
            html = notice + html
        # The count line under the editor reads the counts from the preview: the same
        # rendering, so what it shows is what the server counts (writing/counts.py).
        html += counts_of_html(rendered.html).as_mark()
        preview_limits.remember_preview(request.user.pk, html)
    return HttpResponse(html)


@method_decorator(staff_member_required, name="dispatch")
class CheckedImageUploadView(ImageUploadView):
    form_class = CheckedImageForm
    http_method_names = ["post"]


@staff_member_required
@require_GET
def tag_suggestions(request):
    # NUL cannot reach PostgreSQL, and no tag name is longer than the column.
    prefix = request.GET.get("q", "").replace("\x00", "").strip()[:TAG_NAME_MAX_LENGTH]
    tags = visible_tags(request.user).order_by("name")
    if prefix:
        tags = tags.filter(name__istartswith=prefix)
    names = list(tags.values_list("name", flat=True)[:TAG_SUGGESTION_LIMIT])
    return JsonResponse({"tags": names})


def _render_preview(request, article, *, banner, status=200):
    response = render(
        request,
        "editorial/preview.html",
        {
            "article": article,
            "furniture": furniture_of(article),
            "cover": shown_cover(article),
            "preview_banner": banner,
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def shared_preview(request, token):
    """A preview for someone without an account, through a signed link."""
    try:
        article_id = previews.article_id_from_token(token)
    except signing.SignatureExpired:
        return render(request, "editorial/preview_refused.html", {"expired": True}, status=403)
    except signing.BadSignature:
        return render(request, "editorial/preview_refused.html", {"expired": False}, status=404)
    article = get_object_or_404(Article.objects.for_listing(), pk=article_id)
    return _render_preview(request, article, banner="共有用プレビュー（未公開の内容を含みます）")
