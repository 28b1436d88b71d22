"""`manage.py check` names a purger that is configured but cannot work."""

from allforces.frontend_cache.checks import check_purgers


def test_no_purger_is_no_problem(settings):
    settings.FRONTEND_CACHE_PURGERS = []
    assert check_purgers() == []


def test_a_purger_without_its_settings_is_reported(settings):
    settings.FRONTEND_CACHE_PURGERS = ["cloudflare"]
    settings.FRONTEND_CACHE_OPTIONS = {"cloudflare": {"zone_id": "", "api_token": "", "api_url": "https://x"}}
    [error] = check_purgers()
    assert error.id == "frontend_cache.E001"
    assert "CLOUDFLARE_ZONE_ID" in error.msg


def test_an_unknown_purger_is_reported(settings):
    settings.FRONTEND_CACHE_PURGERS = ["varnsh"]
    [error] = check_purgers()
    assert "varnsh" in error.msg


def test_a_mistyped_option_is_reported(settings):
    settings.FRONTEND_CACHE_PURGERS = ["varnish"]
    settings.FRONTEND_CACHE_OPTIONS = {"varnish": {"url": ["http://varnish:6091"]}}
    [error] = check_purgers()
    assert error.id == "frontend_cache.E002"
