"""The container's health check asks over loopback but names a host ALLOWED_HOSTS accepts."""

from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from allforces.probe import probe, probe_host


@pytest.fixture
def production_hosts(settings):
    settings.ALLOWED_HOSTS = ["cms.example.jp"]
    settings.SITE_URL = "https://cms.example.jp"


def test_the_probe_names_site_urls_host(production_hosts):
    assert probe_host() == "cms.example.jp"


def test_the_probe_falls_back_to_a_name_allowed_hosts_accepts(settings):
    settings.ALLOWED_HOSTS = [".example.jp"]
    settings.SITE_URL = "https://elsewhere.example.com"
    assert probe_host() == "example.jp"


def test_the_probe_passes_where_a_bare_loopback_request_is_refused(live_server, production_hosts):
    address = urlsplit(live_server.url).netloc
    with pytest.raises(HTTPError) as refused:
        urlopen(f"http://{address}/healthz", timeout=5)  # what the health checks sent before
    assert refused.value.code == 400
    assert probe("/healthz", address=address) == 200
