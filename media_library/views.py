"""The library dialog's endpoints in the admin (wired in media_library/admin.py):
its markup, the images page by page with search, and uploads."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from editorial.forms import row_id
from editorial.people import display_name

from . import library
from .forms import ImageUploadForm
from .models import Image

PAGE_SIZE = 24
# Far past any library; keeps the offset inside PostgreSQL's bigint.
MAX_PAGE = 10_000
SEARCH_MAX_LENGTH = 200


def as_json(image) -> dict:
    """What the dialog shows of ``image`` and needs to use it."""
    return {
        "id": image.pk,
        "url": image.file.url,
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "size": f"{max(1, round(image.size_bytes / 1024)):,} KB",
        "format": image.format,
        "uploaded_by": display_name(image.uploaded_by),
        "uploaded_at": f"{timezone.localtime(image.uploaded_at):%Y/%m/%d %H:%M}",
        "markdown": library.markdown_for(image),
        "cover_problem": library.cover_problem(image),
    }


def searched(images, query: str):
    """``images`` whose alt text, caption or credit hold every word of ``query``."""
    for word in query.split():
        images = images.filter(
            Q(alt__icontains=word) | Q(caption__icontains=word) | Q(credit__icontains=word)
        )
    return images


def dialog(model_admin, request):
    """The dialog's markup, fetched once by library.js when it is first opened."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = ImageUploadForm(auto_id="media-library-%s")
    for name, field in form.fields.items():
        field.widget.attrs["aria-describedby"] = f"media-library-{name}-errors media-library-{name}-help"
    context = {
        "form": form,
        "can_upload": model_admin.has_add_permission(request),
        "browse_url": reverse("admin:media_library_image_browse"),
        "upload_url": reverse("admin:media_library_image_upload"),
    }
    return TemplateResponse(request, "media_library/dialog.html", context)


def browse(model_admin, request):
    if not model_admin.has_view_permission(request):
        return JsonResponse({"error": "メディアライブラリを見る権限がありません。"}, status=403)
    # NUL cannot reach PostgreSQL; no description is longer than this.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]
    page = min(row_id(request.GET.get("page")) or 1, MAX_PAGE)
    images = searched(Image.objects.select_related("uploaded_by__author_profile"), query)
    start = (page - 1) * PAGE_SIZE
    # One more than a page tells whether there is a next one without counting them all.
    found = list(images[start : start + PAGE_SIZE + 1])
    return JsonResponse(
        {
            "images": [as_json(image) for image in found[:PAGE_SIZE]],
            "next_page": page + 1 if len(found) > PAGE_SIZE else None,
            "query": query,
        }
    )


def upload(model_admin, request):
    if not model_admin.has_add_permission(request):
        return JsonResponse({"errors": {"__all__": ["画像をアップロードする権限がありません。"]}}, status=403)
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    image = library.add_image(form.instance, cleaned=form.cleaned_image, by=request.user)
    model_admin.log_addition(request, image, [{"added": {}}])
    return JsonResponse({"image": as_json(image)}, status=201)
