"""Each purger sends what its cache's API documents, to a local server standing in for the API,
and tells a failure worth retrying (no answer, 5xx, 429) from a refusal."""

import json
import socket
import urllib.request
from datetime import datetime
from xml.etree import ElementTree

import pytest
from django.core.exceptions import ImproperlyConfigured

from allforces.frontend_cache import purgers, sigv4
from allforces.frontend_cache.purgers import (
    CloudflarePurger,
    CloudFrontPurger,
    FastlyPurger,
    PurgeRejected,
    PurgeUnavailable,
    VarnishPurger,
)

from .servers import CLOUDFLARE_OK, Answer, RecordingServer

CREATED = Answer(201, {"Content-Type": "text/xml"}, b"<Invalidation/>")


@pytest.fixture
def api():
    with RecordingServer() as server:
        yield server


def closed_port_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def cloudflare(api, **options):
    return CloudflarePurger(
        zone_id="zone123", api_token="cf-token", api_url=f"{api.url}/client/v4", timeout=5, **options
    )


def fastly(api):
    return FastlyPurger(service_id="svc123", api_token="fastly-token", api_url=api.url, timeout=5)


def cloudfront(api, resolver=None):
    return CloudFrontPurger(
        distribution_id="EDFDVBD6EXAMPLE",
        access_key_id="AKIDEXAMPLE",
        secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        api_url=api.url,
        paths_resolver=resolver or (lambda keys: [f"/{key}/" for key in keys]),
        timeout=5,
    )


def test_varnish_gets_a_purge_with_the_keys_in_xkey_purge_at_each_address():
    with RecordingServer() as first, RecordingServer() as second:
        VarnishPurger(urls=[first.url, f"{second.url}/"], timeout=5).purge(["article-12", "home"])
        for server in (first, second):
            [request] = server.received
            assert (request.method, request.path) == ("PURGE", "/")
            assert request.headers["xkey-purge"] == "article-12 home"


def test_varnish_gets_many_keys_in_several_purges(api):
    keys = [f"article-{number}" for number in range(250)]
    VarnishPurger(urls=[api.url], timeout=5).purge(keys)
    sent = [request.headers["xkey-purge"].split(" ") for request in api.received]
    assert [len(chunk) for chunk in sent] == [100, 100, 50]
    assert sum(sent, []) == keys


def test_a_varnish_that_is_down_does_not_keep_the_others_from_being_purged(api):
    purger = VarnishPurger(urls=[closed_port_url(), api.url], timeout=5)
    with pytest.raises(PurgeUnavailable):
        purger.purge(["home"])
    assert [request.headers["xkey-purge"] for request in api.received] == ["home"]


def test_varnish_purges_never_go_through_the_proxy_meant_for_the_cdns(api, monkeypatch):
    monkeypatch.setenv("http_proxy", closed_port_url())
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    # urllib builds its shared opener, with the proxies of the moment, on first use.
    urllib.request.install_opener(None)
    try:
        VarnishPurger(urls=[api.url], timeout=5).purge(["home"])
    finally:
        urllib.request.install_opener(None)
    assert [request.headers["xkey-purge"] for request in api.received] == ["home"]


def test_a_varnish_refusing_the_purge_is_a_rejection(api):
    api.answer_next(Answer(403))
    with pytest.raises(PurgeRejected):
        VarnishPurger(urls=[api.url], timeout=5).purge(["home"])


def test_cloudflare_gets_the_tags_with_the_bearer_token():
    with RecordingServer(default=CLOUDFLARE_OK) as api:
        cloudflare(api).purge(["article-12", "home"])
    [request] = api.received
    assert (request.method, request.path) == ("POST", "/client/v4/zones/zone123/purge_cache")
    assert request.headers["Authorization"] == "Bearer cf-token"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"tags": ["article-12", "home"]}


def test_cloudflare_gets_at_most_30_tags_a_request():
    keys = [f"article-{number:03}" for number in range(65)]
    with RecordingServer(default=CLOUDFLARE_OK) as api:
        cloudflare(api).purge(keys)
    sent = [json.loads(request.body)["tags"] for request in api.received]
    assert [len(tags) for tags in sent] == [30, 30, 5]
    assert sum(sent, []) == keys


def test_a_cloudflare_answer_without_success_is_a_rejection():
    with (
        RecordingServer(default=Answer(200, body=b'{"success": false, "errors": [{"code": 1134}]}')) as api,
        pytest.raises(PurgeRejected, match="1134"),
    ):
        cloudflare(api).purge(["home"])


def test_a_bad_cloudflare_token_is_a_rejection():
    with (
        RecordingServer(default=Answer(403, body=b'{"success": false}')) as api,
        pytest.raises(PurgeRejected) as raised,
    ):
        cloudflare(api).purge(["home"])
    assert raised.value.status == 403


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_rate_limits_and_server_errors_are_worth_retrying(status):
    with RecordingServer(default=Answer(status)) as api, pytest.raises(PurgeUnavailable) as raised:
        cloudflare(api).purge(["home"])
    assert raised.value.status == status


def test_no_answer_is_worth_retrying():
    purger = CloudflarePurger(zone_id="z", api_token="t", api_url=closed_port_url(), timeout=5)
    with pytest.raises(PurgeUnavailable):
        purger.purge(["home"])


def test_fastly_gets_the_surrogate_keys_with_the_api_token(api):
    fastly(api).purge(["article-12", "home"])
    [request] = api.received
    assert (request.method, request.path) == ("POST", "/service/svc123/purge")
    assert request.headers["Fastly-Key"] == "fastly-token"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"surrogate_keys": ["article-12", "home"]}


def test_fastly_gets_at_most_256_keys_a_request(api):
    fastly(api).purge([f"article-{number:04}" for number in range(300)])
    assert [len(json.loads(request.body)["surrogate_keys"]) for request in api.received] == [256, 44]


def test_cloudfront_invalidates_the_paths_the_app_resolves_in_a_signed_request():
    resolved = []

    def paths_for(keys):
        resolved.append(keys)
        return {"article-12": ["/articles/推論モデル/", "/"], "home": ["/"]}[keys[0]] + ["/feeds/*"]

    with RecordingServer(default=CREATED) as api:
        cloudfront(api, paths_for).purge(["article-12"])
    assert resolved == [["article-12"]]
    [request] = api.received
    assert (request.method, request.path) == ("POST", "/2020-05-31/distribution/EDFDVBD6EXAMPLE/invalidation")
    batch = ElementTree.fromstring(request.body)
    ns = {"cf": "http://cloudfront.amazonaws.com/doc/2020-05-31/"}
    paths = [path.text for path in batch.findall("cf:Paths/cf:Items/cf:Path", ns)]
    assert paths == ["/", "/articles/%E6%8E%A8%E8%AB%96%E3%83%A2%E3%83%87%E3%83%AB/", "/feeds/*"]
    assert batch.find("cf:Paths/cf:Quantity", ns).text == "3"
    assert batch.find("cf:CallerReference", ns).text.startswith("allforces-")
    # Signed for CloudFront (us-east-1), over the headers and body that arrived.
    authorization = request.headers["Authorization"]
    assert authorization.startswith(
        f"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{request.headers['X-Amz-Date'][:8]}/us-east-1/cloudfront/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date, Signature="
    )
    again = sigv4.signed_headers(
        method="POST",
        url=f"{api.url}{request.path}",
        headers={"Content-Type": request.headers["Content-Type"]},
        body=request.body,
        access_key_id="AKIDEXAMPLE",
        secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region="us-east-1",
        service="cloudfront",
        now=datetime.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%S%z"),
    )
    assert again["Authorization"] == authorization
    assert request.headers["Host"] == f"127.0.0.1:{api.port}"


def test_each_cloudfront_invalidation_has_its_own_caller_reference():
    with RecordingServer(default=CREATED) as api:
        cloudfront(api).purge(["home"])
        cloudfront(api).purge(["home"])
    references = [ElementTree.fromstring(request.body)[0].text for request in api.received]
    assert len(set(references)) == 2


TOO_MANY = (
    b'<?xml version="1.0"?><ErrorResponse><Error><Type>Sender</Type>'
    b"<Code>TooManyInvalidationsInProgress</Code><Message>busy</Message></Error></ErrorResponse>"
)
ACCESS_DENIED = b"<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>"


def test_cloudfront_too_busy_is_worth_retrying():
    with (
        RecordingServer(default=Answer(400, body=TOO_MANY)) as api,
        pytest.raises(PurgeUnavailable, match="TooManyInvalidationsInProgress"),
    ):
        cloudfront(api).purge(["home"])


def test_cloudfront_access_denied_is_a_rejection():
    with (
        RecordingServer(default=Answer(403, body=ACCESS_DENIED)) as api,
        pytest.raises(PurgeRejected, match="AccessDenied"),
    ):
        cloudfront(api).purge(["home"])


def test_cloudfront_needs_a_resolver_from_the_app():
    with pytest.raises(ImproperlyConfigured, match="paths_resolver"):
        CloudFrontPurger(
            distribution_id="d",
            access_key_id="a",
            secret_access_key="s",
            api_url="https://cloudfront.amazonaws.com",
            paths_resolver="",
            timeout=5,
        )


def test_purgers_come_in_the_order_settings_name_them(settings):
    settings.FRONTEND_CACHE_PURGERS = ["varnish", "fastly"]
    settings.FRONTEND_CACHE_TIMEOUT_SECONDS = 5
    settings.FRONTEND_CACHE_OPTIONS = {
        "varnish": {"urls": ["http://varnish:6091"]},
        "fastly": {"service_id": "s", "api_token": "t", "api_url": "https://api.fastly.com"},
    }
    assert [purger.name for purger in purgers.configured_purgers()] == ["varnish", "fastly"]


def test_an_unknown_purger_is_a_configuration_error(settings):
    settings.FRONTEND_CACHE_PURGERS = ["akamai"]
    with pytest.raises(ImproperlyConfigured, match="akamai"):
        purgers.configured_purgers()
