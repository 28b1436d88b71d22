"""``manage.py check`` (and every start) reports a purger that is named but cannot work."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from .purgers import configured_purgers


@register("frontend_cache")
def check_purgers(app_configs=None, **kwargs):
    try:
        configured_purgers()
    except ImproperlyConfigured as error:
        return [
            Error(str(error), hint="docs/deploy.md「フロントエンドキャッシュ」", id="frontend_cache.E001")
        ]
    except TypeError as error:  # an option the purger does not take (a mistyped settings key)
        return [Error(f"FRONTEND_CACHE_OPTIONS が正しくありません: {error}", id="frontend_cache.E002")]
    return []
