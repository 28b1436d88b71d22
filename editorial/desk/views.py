"""The desk and the notifications pages, served by ``EditorialAdminSite``
(``editorial/sites.py``), which checks that the user is staff.

Marking read is a POST and touches only the user's own rows: the id comes
from the address, the owner from the session."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from . import inbox, sections

NOTIFICATIONS_PER_PAGE = 50


def desk_context(request) -> dict:
    """What the admin's home page adds to Django's (its list of models stays, below the desk)."""
    now = timezone.now()
    return {"title": "ダッシュボード", "desk": sections.desk_for(request.user, now=now), "now": now}


def notifications(site, request):
    rows = inbox.listed(inbox.inbox(request.user))
    page = Paginator(rows, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {**site.each_context(request), "title": "通知", "page": page}
    return TemplateResponse(request, "editorial/admin/notifications.html", context)


def mark_read(site, request, notification_id):
    if not inbox.mark_read(request.user, notification_id=notification_id):
        raise Http404("この通知は見つかりません。")
    return HttpResponseRedirect(_next_page(request, site))


def mark_all_read(site, request):
    count = inbox.mark_all_read(request.user)
    if count:
        messages.success(request, f"{count}件の通知を既読にしました。")
    else:
        messages.info(request, "未読の通知はありません。")
    return HttpResponseRedirect(_next_page(request, site))


def _next_page(request, site) -> str:
    """Where the form asked to go next (an article, the desk), if it is on this site;
    the notifications page otherwise."""
    wanted = request.POST.get("next", "")
    on_this_site = wanted.startswith("/") and wanted.isprintable()
    if on_this_site and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(f"{site.name}:notifications")
