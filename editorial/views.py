from django.contrib.admin.views.decorators import staff_member_required
from django.core import signing
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST
from markdownx.views import ImageUploadView
from taggit.models import Tag

from articles.furniture import furniture_of
from articles.images import shown_cover
from articles.markdown import render_markdown
from articles.models import Article

from . import previews
from .limits import body_too_long
from .uploads import CheckedImageForm

TAG_SUGGESTION_LIMIT = 20
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
    return HttpResponse(render_markdown(content))


@method_decorator(staff_member_required, name="dispatch")
class CheckedImageUploadView(ImageUploadView):
    form_class = CheckedImageForm
    http_method_names = ["post"]


@staff_member_required
@require_GET
def tag_suggestions(request):
    # NUL cannot reach PostgreSQL, and no tag name is longer than the column.
    prefix = request.GET.get("q", "").replace("\x00", "").strip()[:TAG_NAME_MAX_LENGTH]
    tags = Tag.objects.order_by("name")
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
