from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """The process is up and serving; it touches no database or broker."""
    return HttpResponse("ok", content_type="text/plain")
