from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from api.v1 import api as api_v1
from articles.sitemaps import ArticleSitemap, AuthorSitemap, CategorySitemap

from .health import healthz, readyz
from .views import favicon

SITEMAPS = {"articles": ArticleSitemap, "categories": CategorySitemap, "authors": AuthorSitemap}

admin.site.site_header = "ALLFORCES 編集室"
admin.site.site_title = "ALLFORCES 編集室"
admin.site.index_title = "記事の編集と公開"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", favicon, name="favicon"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("editorial/writing/", include("writing.urls")),
    path("editorial/", include("editorial.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api_v1.urls),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    from .media import serve_media

    urlpatterns += static(settings.MEDIA_URL, view=serve_media, document_root=settings.MEDIA_ROOT)

handler400 = "allforces.errors.bad_request"
handler404 = "allforces.errors.page_not_found"
