from django.apps import AppConfig


class FrontendCacheConfig(AppConfig):
    name = "allforces.frontend_cache"
    label = "frontend_cache"
    verbose_name = "フロントエンドキャッシュ"

    def ready(self):
        from . import checks  # noqa: F401 (registers the settings check)
