from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_POST
from markdownx.views import ImageUploadView
from taggit.models import Tag

from articles.markdown import render_markdown

from .uploads import CheckedImageForm

TAG_SUGGESTION_LIMIT = 20


@staff_member_required
@require_POST
def markdown_preview(request):
    """The editor's live preview: the same sanitised rendering readers get."""
    content = request.POST.get("content")
    if content is None:
        return HttpResponseBadRequest("content が送られていません。")
    return HttpResponse(render_markdown(content))


@method_decorator(staff_member_required, name="dispatch")
class CheckedImageUploadView(ImageUploadView):
    form_class = CheckedImageForm
    http_method_names = ["post"]


@staff_member_required
@require_GET
def tag_suggestions(request):
    prefix = request.GET.get("q", "").strip()
    tags = Tag.objects.order_by("name")
    if prefix:
        tags = tags.filter(name__istartswith=prefix)
    names = list(tags.values_list("name", flat=True)[:TAG_SUGGESTION_LIMIT])
    return JsonResponse({"tags": names})
