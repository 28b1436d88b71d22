import pytest

from .servers import CLOUDFLARE_OK, RecordingServer, purger_settings


@pytest.fixture
def varnish_api():
    with RecordingServer() as server:
        yield server


@pytest.fixture
def cloudflare_api():
    with RecordingServer(default=CLOUDFLARE_OK) as server:
        yield server


@pytest.fixture
def purge_to(settings, varnish_api, cloudflare_api):
    """Varnish, then Cloudflare, both local servers."""
    names, options, _ = purger_settings(varnish_url=varnish_api.url, cloudflare_url=cloudflare_api.url)
    settings.FRONTEND_CACHE_PURGERS = names
    settings.FRONTEND_CACHE_OPTIONS = options
    settings.FRONTEND_CACHE_TIMEOUT_SECONDS = 5
