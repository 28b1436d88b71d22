from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_GET


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, feeds)."""
    return HttpResponsePermanentRedirect(static("articles/favicon.svg"))
