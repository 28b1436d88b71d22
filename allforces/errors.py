"""Error pages in Japanese, with the reason when the code raising it gave one for readers.

Django's own 400 page is a bare English line, and a POST over
DATA_UPLOAD_MAX_MEMORY_SIZE ends there; an editor who pasted too much must
read what happened and what to do.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.shortcuts import render

from articles.views import ReaderNotFound

TOO_MUCH_DATA = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def page_not_found(request, exception):
    # Only messages written for readers are shown; Django's own (in English,
    # naming models) are not.
    reason = str(exception) if isinstance(exception, ReaderNotFound) else ""
    return render(request, "404.html", {"reason": reason}, status=404)


def bad_request(request, exception):
    if isinstance(exception, TOO_MUCH_DATA):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        limit_mb = f"{limit / (1024 * 1024):.1f}" if limit else None
        return render(request, "413.html", {"limit_mb": limit_mb}, status=413)
    return render(request, "400.html", status=400)
