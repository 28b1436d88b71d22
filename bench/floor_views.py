"""The two floors the reader pages are measured against.

``fixed_page`` is the least a Django view can do: the full middleware stack
and a fixed 22 KB page, no database. ``one_row`` adds the least a database
page does: one row by primary key, rendered through a small template.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines

from articles.models import Article

_PARAGRAPH = "<p>投資とテクノロジーの分析。半導体とAIの市場を長期の視点で読み解きます。</p>\n"
FIXED_PAGE = (
    "<!doctype html><html lang='ja'><head><meta charset='utf-8'><title>floor</title></head><body>\n"
    + _PARAGRAPH * (22 * 1024 // len(_PARAGRAPH.encode()))
    + "</body></html>\n"
).encode()

ROW_TEMPLATE = engines["django"].from_string(
    "<!doctype html><html lang='ja'><head><meta charset='utf-8'><title>{{ article.title }}</title></head>"
    "<body><h1>{{ article.title }}</h1><p>{{ article.published_at|date:'Y年n月j日' }}</p>"
    "<p>{{ article.excerpt }}</p></body></html>"
)


def fixed_page(request):
    return HttpResponse(FIXED_PAGE)


def one_row(request, pk):
    article = get_object_or_404(Article.objects.only("title", "excerpt", "published_at"), pk=pk)
    return HttpResponse(ROW_TEMPLATE.render({"article": article}, request))
