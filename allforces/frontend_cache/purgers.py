"""Purgers: each drops pages by surrogate key from one kind of front-end cache.

A purger's ``purge(keys)`` returns once the cache has accepted the purge and
raises otherwise: ``PurgeUnavailable`` when trying again soon may work (no
answer, a timeout, 5xx, 429), ``PurgeRejected`` when it will not until someone
changes the configuration (a wrong token, an unknown zone). Which purgers run,
and in which order, is ``FRONTEND_CACHE_PURGERS``; their options are
``FRONTEND_CACHE_OPTIONS`` (allforces/settings.py).
"""

import http.client
import json
import re
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.encoding import iri_to_uri
from django.utils.module_loading import import_string

from . import sigv4

# Enough of an error body to say what went wrong, not a whole HTML error page.
DETAIL_CHARS = 2000
# Varnish is on the private network: an HTTP(S)_PROXY meant for the CDNs' APIs must not carry its purges.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class PurgeError(Exception):
    def __init__(self, message, *, status=None, detail=""):
        super().__init__(message)
        self.status = status
        self.detail = detail


class PurgeUnavailable(PurgeError):
    """The cache or its API did not answer, or asked us to come back later: retry soon."""


class PurgeRejected(PurgeError):
    """The cache refused the purge; retrying will not help until its settings are fixed."""


def batches(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


class Purger:
    name = ""
    direct = False

    def __init__(self, *, timeout: float):
        self.timeout = timeout

    def purge(self, keys: Sequence[str]) -> None:
        raise NotImplementedError

    def _send(self, method: str, url: str, *, headers: dict[str, str], body: bytes | None = None) -> bytes:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        open_url = DIRECT.open if self.direct else urllib.request.urlopen
        try:
            with open_url(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            detail = error.read(DETAIL_CHARS).decode("utf-8", "replace")
            message = f"{self.name}: {method} {url} は HTTP {error.code} で断られました: {detail[:300]}"
            retry_later = error.code == 429 or error.code >= 500
            raise (PurgeUnavailable if retry_later else PurgeRejected)(
                message, status=error.code, detail=detail
            ) from error
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, DNS
            raise PurgeUnavailable(f"{self.name}: {method} {url} に届きませんでした: {error}") from error


class VarnishPurger(Purger):
    """A PURGE with the keys in ``xkey-purge`` to each Varnish's internal listener.

    deploy/varnish/default.vcl hands the header to vmod_xkey's purge(), which
    takes space-separated keys (man vmod_xkey; varnish-modules'
    src/vmod_xkey.vcc). Every Varnish is asked even when one fails, so one
    that is down does not keep the others stale until the retry.
    """

    name = "varnish"
    direct = True
    # Well inside Varnish's default 8 KB request header limit (http_req_hdr_len).
    keys_per_request = 100

    def __init__(self, *, urls: Sequence[str], timeout: float):
        super().__init__(timeout=timeout)
        if not urls:
            raise ImproperlyConfigured("VARNISH_PURGE_URLS に Varnish の内部用アドレスがありません。")
        self.urls = [url.rstrip("/") + "/" for url in urls]

    def purge(self, keys):
        failures = []
        for url in self.urls:
            try:
                for chunk in batches(keys, self.keys_per_request):
                    self._send("PURGE", url, headers={"xkey-purge": " ".join(chunk)})
            except PurgeError as error:
                failures.append(error)
        if failures:
            # One that can be retried makes the whole purge worth retrying.
            retryable = [error for error in failures if isinstance(error, PurgeUnavailable)]
            raise (retryable or failures)[0]


class CloudflarePurger(Purger):
    """Purge by cache tag: POST /zones/{zone_id}/purge_cache with {"tags": [...]}.

    https://developers.cloudflare.com/api/resources/cache/methods/purge/ and
    https://developers.cloudflare.com/cache/how-to/purge-cache/purge-by-tags/
    (tags come from the origin's Cache-Tag header). Cloudflare's older limit was
    30 tags a call and its current table says 100 operations a request, so 30
    by default (CLOUDFLARE_TAGS_PER_REQUEST). A 200 answer still has to say
    ``"success": true``.
    """

    name = "cloudflare"

    def __init__(self, *, zone_id, api_token, api_url, tags_per_request=30, timeout):
        super().__init__(timeout=timeout)
        if not (zone_id and api_token):
            raise ImproperlyConfigured("CLOUDFLARE_ZONE_ID と CLOUDFLARE_API_TOKEN が必要です。")
        self.url = f"{api_url.rstrip('/')}/zones/{zone_id}/purge_cache"
        self.api_token = api_token
        self.tags_per_request = tags_per_request

    def purge(self, keys):
        headers = {"Authorization": f"Bearer {self.api_token}", "Content-Type": "application/json"}
        for chunk in batches(keys, self.tags_per_request):
            answer = self._send(
                "POST", self.url, headers=headers, body=json.dumps({"tags": list(chunk)}).encode()
            )
            try:
                success = json.loads(answer).get("success") is True
            except (ValueError, AttributeError):
                success = False
            if not success:
                raise PurgeRejected(f"cloudflare: 成功の返事がありませんでした: {answer[:300]!r}")


class FastlyPurger(Purger):
    """Batch purge by surrogate key: POST /service/{service_id}/purge with {"surrogate_keys": [...]}.

    https://www.fastly.com/documentation/reference/api/purging/ ("Purge
    multiple surrogate key tags": up to 256 keys a request, the API token in
    Fastly-Key). A hard purge, as everywhere here: a page taken down must not
    be served again, not even stale.
    """

    name = "fastly"
    keys_per_request = 256

    def __init__(self, *, service_id, api_token, api_url, timeout):
        super().__init__(timeout=timeout)
        if not (service_id and api_token):
            raise ImproperlyConfigured("FASTLY_SERVICE_ID と FASTLY_API_TOKEN が必要です。")
        self.url = f"{api_url.rstrip('/')}/service/{service_id}/purge"
        self.api_token = api_token

    def purge(self, keys):
        headers = {
            "Fastly-Key": self.api_token,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        for chunk in batches(keys, self.keys_per_request):
            self._send(
                "POST", self.url, headers=headers, body=json.dumps({"surrogate_keys": list(chunk)}).encode()
            )


class CloudFrontPurger(Purger):
    """CloudFront has no purge by key: the keys become paths, invalidated with CreateInvalidation.

    POST /2020-05-31/distribution/{id}/invalidation with an InvalidationBatch
    (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_CreateInvalidation.html),
    signed with SigV4 for service "cloudfront" in us-east-1. The app supplies
    ``paths_resolver(keys) -> paths`` (``FRONTEND_CACHE_OPTIONS["cloudfront"]["paths_resolver"]``);
    it runs when the purge does, so a key whose pages it can no longer find (a
    deleted article) needs a wildcard path or is missed. CloudFront allows
    3,000 paths, or 15 wildcard paths, in progress per distribution
    (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/InvalidationLimits.html);
    over that it answers TooManyInvalidationsInProgress, which is retried.
    """

    name = "cloudfront"
    paths_per_request = 1000
    RETRYABLE_CODES = {"TooManyInvalidationsInProgress", "Throttling", "ServiceUnavailable"}
    XMLNS = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

    def __init__(
        self,
        *,
        distribution_id,
        access_key_id,
        secret_access_key,
        api_url,
        paths_resolver: Callable[[Sequence[str]], Sequence[str]] | str,
        session_token="",
        timeout,
    ):
        super().__init__(timeout=timeout)
        if not (distribution_id and access_key_id and secret_access_key):
            raise ImproperlyConfigured(
                "CLOUDFRONT_DISTRIBUTION_ID と AWS の認証情報（CLOUDFRONT_ACCESS_KEY_ID / "
                "CLOUDFRONT_SECRET_ACCESS_KEY、または AWS_*）が必要です。"
            )
        if not paths_resolver:
            raise ImproperlyConfigured(
                'CloudFront はキーではなくパスで消すため、FRONTEND_CACHE_OPTIONS["cloudfront"]["paths_resolver"] '
                "にキーをパスに変える関数を指定してください。"
            )
        try:
            self.resolve = (
                import_string(paths_resolver) if isinstance(paths_resolver, str) else paths_resolver
            )
        except ImportError as error:
            raise ImproperlyConfigured(f"paths_resolver を読み込めません: {error}") from error
        self.url = f"{api_url.rstrip('/')}/2020-05-31/distribution/{distribution_id}/invalidation"
        self.credentials = {
            "access_key_id": access_key_id,
            "secret_access_key": secret_access_key,
            "session_token": session_token,
        }

    def purge(self, keys):
        # CloudFront wants non-ASCII characters in paths percent-encoded; an encoded path stays as it is.
        paths = sorted({iri_to_uri(path) for path in self.resolve(list(keys))})
        for chunk in batches(paths, self.paths_per_request):
            body = self._invalidation_batch(chunk)
            headers = sigv4.signed_headers(
                method="POST",
                url=self.url,
                headers={"Content-Type": "application/xml"},
                body=body,
                region="us-east-1",
                service="cloudfront",
                now=datetime.now(UTC),
                **self.credentials,
            )
            try:
                self._send("POST", self.url, headers=headers, body=body)
            except PurgeRejected as error:
                code = re.search(r"<Code>([^<]+)</Code>", error.detail)
                if code and code.group(1) in self.RETRYABLE_CODES:
                    raise PurgeUnavailable(str(error), status=error.status, detail=error.detail) from error
                raise

    def _invalidation_batch(self, paths):
        root = ElementTree.Element("InvalidationBatch", xmlns=self.XMLNS)
        # A new reference for every batch: reusing one makes CloudFront return the old invalidation.
        ElementTree.SubElement(root, "CallerReference").text = f"allforces-{uuid.uuid4()}"
        listed = ElementTree.SubElement(root, "Paths")
        ElementTree.SubElement(listed, "Quantity").text = str(len(paths))
        items = ElementTree.SubElement(listed, "Items")
        for path in paths:
            ElementTree.SubElement(items, "Path").text = path
        return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


PURGERS = {
    purger.name: purger for purger in (VarnishPurger, CloudflarePurger, FastlyPurger, CloudFrontPurger)
}


def configured_purgers() -> list[Purger]:
    """The purgers FRONTEND_CACHE_PURGERS names, in its order; a bad setting raises ImproperlyConfigured."""
    purgers = []
    for name in settings.FRONTEND_CACHE_PURGERS:
        if name not in PURGERS:
            raise ImproperlyConfigured(
                f"FRONTEND_CACHE_PURGERS の {name!r} は使えません（{', '.join(PURGERS)} のいずれか）。"
            )
        options = settings.FRONTEND_CACHE_OPTIONS.get(name, {})
        purgers.append(PURGERS[name](**options, timeout=settings.FRONTEND_CACHE_TIMEOUT_SECONDS))
    return purgers
