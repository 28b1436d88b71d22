"""deploy/varnish/default.vcl in a real varnishd with vmod_xkey, in front of a local backend
that sends the headers tag_response sends: what it keeps, what it never keeps, and a purge
by key from VarnishPurger dropping exactly the pages tagged with that key."""

import subprocess
import time

import pytest

from allforces.frontend_cache.purgers import PurgeRejected, VarnishPurger
from tests.celery_worker import wait_until

from .servers import Answer, RecordingServer
from .varnish import VCL_DIR, request, require_varnish, running_varnish

pytestmark = pytest.mark.varnish

SHARED = "public, max-age=0, s-maxage=300"


def page(keys="", cache_control=SHARED, **headers):
    """A page as tag_response marks it: keys in xkey, Surrogate-Key and Cache-Tag."""
    tagged = {"xkey": keys, "Surrogate-Key": keys, "Cache-Tag": keys.replace(" ", ",")} if keys else {}
    return Answer(
        200,
        {"Content-Type": "text/html; charset=utf-8", "Cache-Control": cache_control, **tagged, **headers},
        b"<p>page</p>",
    )


@pytest.fixture(scope="module")
def backend():
    with RecordingServer() as server:
        yield server


@pytest.fixture(scope="module")
def varnish(backend, tmp_path_factory):
    with running_varnish(tmp_path_factory.mktemp("varnish"), backend_port=backend.port) as instance:
        yield instance


@pytest.fixture(scope="module")
def varnish_behind_a_cdn(backend, tmp_path_factory):
    with running_varnish(
        tmp_path_factory.mktemp("varnish-cdn"),
        backend_port=backend.port,
        environment={"VARNISH_CDN_IN_FRONT": "1"},
    ) as instance:
        yield instance


def get(varnish, path, **headers):
    return request("GET", varnish.port, path, headers=headers)


def test_a_second_request_is_a_hit(varnish, backend):
    backend.pages["/articles/hit/"] = page("article-1 home")
    status, first, _ = get(varnish, "/articles/hit/")
    assert (status, first["X-Cache"]) == (200, "MISS")
    time.sleep(1.1)
    status, second, body = get(varnish, "/articles/hit/")
    assert (status, second["X-Cache"], body) == (200, "HIT", b"<p>page</p>")
    assert int(second["Age"]) >= 1
    assert backend.hits["/articles/hit/"] == 1
    # Browsers still ask every time; only shared caches keep the page.
    assert second["Cache-Control"] == SHARED


def test_the_keys_are_for_caches_not_readers(varnish, backend):
    backend.pages["/articles/keys/"] = page("article-2 home")
    _, headers, _ = get(varnish, "/articles/keys/", Host="cms.example.jp")
    assert [name for name in ("xkey", "Surrogate-Key", "Cache-Tag") if name in headers] == []
    # An operator on the internal listener sees what the page is tagged with.
    _, internal, _ = request(
        "GET", varnish.internal_port, "/articles/keys/", headers={"Host": "cms.example.jp"}
    )
    assert (internal["xkey"], internal["X-Cache"]) == ("article-2 home", "HIT")


def test_a_cdn_in_front_gets_its_own_key_headers_but_not_varnishs(varnish_behind_a_cdn, backend):
    backend.pages["/articles/cdn/"] = page("article-3 home")
    _, headers, _ = get(varnish_behind_a_cdn, "/articles/cdn/")
    assert (headers["Surrogate-Key"], headers["Cache-Tag"]) == ("article-3 home", "article-3,home")
    assert "xkey" not in headers


def test_one_copy_serves_every_browser_language(varnish, backend):
    backend.pages["/articles/lang/"] = page("article-4", Vary="Accept-Language")
    get(varnish, "/articles/lang/", **{"Accept-Language": "ja,en;q=0.8"})
    _, headers, _ = get(varnish, "/articles/lang/", **{"Accept-Language": "en-US"})
    assert headers["X-Cache"] == "HIT"
    assert "Accept-Language" not in backend.received[-1].headers


@pytest.mark.parametrize(
    "headers",
    [{"Cookie": "sessionid=abc"}, {"Cookie": "csrftoken=x"}, {"Authorization": "Basic ZWRpdG9yOng="}],
    ids=["session", "any-cookie", "credentials"],
)
def test_a_request_with_a_cookie_or_credentials_goes_to_the_app(varnish, backend, headers):
    path = f"/articles/private-{'-'.join(headers).lower()}-{sorted(headers.values())[0][:4]}/"
    backend.pages[path] = page("article-5")
    for _ in range(2):
        _, answer, _ = get(varnish, path, **headers)
        assert answer["X-Cache"] == "PASS"
    assert backend.hits[path] == 2
    # Nor does it leave a copy for readers.
    _, answer, _ = get(varnish, path)
    assert answer["X-Cache"] == "MISS"


@pytest.mark.parametrize(
    "path", ["/admin/articles/article/1/change/", "/editorial/preview/signed-token/", "/readyz"]
)
def test_the_admin_preview_links_and_probes_are_never_kept(varnish, backend, path):
    backend.pages[path] = page("article-6")
    for _ in range(2):
        get(varnish, path)
    assert backend.hits[path] == 2


def test_a_response_that_sets_a_cookie_is_never_kept(varnish, backend):
    backend.pages["/articles/cookie/"] = page("article-7", **{"Set-Cookie": "csrftoken=abc; Path=/"})
    for _ in range(2):
        _, headers, _ = get(varnish, "/articles/cookie/")
        assert headers["Set-Cookie"] == "csrftoken=abc; Path=/"
    assert backend.hits["/articles/cookie/"] == 2


@pytest.mark.parametrize("cache_control", ["max-age=300", "private, s-maxage=300", "no-cache"])
def test_a_response_the_app_did_not_mark_shared_is_not_kept(varnish, backend, cache_control):
    path = f"/articles/unmarked-{cache_control.split(',')[0].split('=')[0]}/"
    backend.pages[path] = page("article-8", cache_control=cache_control)
    for _ in range(2):
        _, headers, _ = get(varnish, path)
    assert (backend.hits[path], headers["X-Cache"]) == (2, "PASS")


def test_hashed_static_files_are_kept_for_their_max_age(varnish, backend):
    path = "/static/articles/site.0123456789ab.css"
    backend.pages[path] = Answer(200, {"Cache-Control": "max-age=315360000, public, immutable"}, b"body{}")
    get(varnish, path)
    _, headers, _ = get(varnish, path)
    assert (backend.hits[path], headers["X-Cache"]) == (1, "HIT")


def test_s_maxage_is_how_long_a_page_is_kept(varnish, backend):
    backend.pages["/articles/short/"] = page("article-9", cache_control="public, max-age=0, s-maxage=1")
    get(varnish, "/articles/short/")
    time.sleep(1.5)
    # Past its time the copy is served once more while a fresh one is fetched.
    get(varnish, "/articles/short/")
    assert wait_until(lambda: backend.hits["/articles/short/"] == 2, timeout=5)


def test_a_purge_drops_exactly_the_pages_tagged_with_the_key(varnish, backend):
    pages = {
        "/articles/twelve/": "article-12 category-3 home",
        "/articles/thirteen/": "article-13 category-3 home",
        "/category/three/": "category-3",
    }
    for path, keys in pages.items():
        backend.pages[path] = page(keys)
        get(varnish, path)
        assert get(varnish, path)[1]["X-Cache"] == "HIT"

    VarnishPurger(urls=[f"http://127.0.0.1:{varnish.internal_port}"], timeout=5).purge(["article-12"])
    assert [get(varnish, path)[1]["X-Cache"] for path in pages] == ["MISS", "HIT", "HIT"]
    assert [backend.hits[path] for path in pages] == [2, 1, 1]

    VarnishPurger(urls=[f"http://127.0.0.1:{varnish.internal_port}"], timeout=5).purge(
        ["category-3", "feeds"]
    )
    assert [get(varnish, path)[1]["X-Cache"] for path in pages] == ["MISS", "MISS", "MISS"]


def test_a_purge_says_how_many_pages_it_dropped(varnish, backend):
    backend.pages["/articles/counted/"] = page("article-14")
    get(varnish, "/articles/counted/")
    status, headers, _ = request("PURGE", varnish.internal_port, "/", headers={"xkey-purge": "article-14"})
    assert (status, headers["xkey-purged"]) == (200, "1")


def test_a_purge_from_outside_the_acl_is_refused(varnish, backend):
    backend.pages["/articles/guarded/"] = page("article-15")
    get(varnish, "/articles/guarded/")
    status, _, _ = request(
        "PURGE", varnish.internal_port, "/", headers={"xkey-purge": "article-15"}, source="127.0.0.2"
    )
    assert status == 403
    assert get(varnish, "/articles/guarded/")[1]["X-Cache"] == "HIT"


def test_a_purge_on_the_readers_listener_is_refused(varnish, backend):
    # Behind the reverse proxy every reader arrives from an address the ACL may trust.
    backend.pages["/articles/public-purge/"] = page("article-16")
    get(varnish, "/articles/public-purge/")
    with pytest.raises(PurgeRejected):
        VarnishPurger(urls=[f"http://127.0.0.1:{varnish.port}"], timeout=5).purge(["article-16"])
    assert get(varnish, "/articles/public-purge/")[1]["X-Cache"] == "HIT"


def test_a_purge_without_keys_is_refused(varnish):
    status, _, _ = request("PURGE", varnish.internal_port, "/")
    assert status == 400


def test_a_post_goes_to_the_app(varnish, backend):
    backend.pages["/search/"] = page("search")
    for _ in range(2):
        request("POST", varnish.port, "/search/", headers={"Content-Length": "0"})
    assert backend.hits["/search/"] == 2


def test_plain_http_never_gets_the_https_pages_copy(varnish, backend):
    backend.pages["/articles/scheme/"] = page("article-17")
    get(varnish, "/articles/scheme/", **{"X-Forwarded-Proto": "https"})
    _, headers, _ = get(varnish, "/articles/scheme/")
    assert headers["X-Cache"] == "MISS"


def test_varnish_appends_the_address_it_saw_to_x_forwarded_for(varnish, backend):
    # So TRUSTED_PROXY_COUNT counts Varnish as one more proxy (docs/deploy.md).
    backend.pages["/articles/forwarded/"] = page("article-18")
    get(varnish, "/articles/forwarded/", **{"X-Forwarded-For": "203.0.113.7"})
    assert backend.received[-1].headers["X-Forwarded-For"] == "203.0.113.7, 127.0.0.1"


def test_the_compose_backend_file_compiles_with_the_vcl(tmp_path):
    require_varnish()
    # "web" resolves only on the compose network; everything else is the file as shipped.
    shipped = (VCL_DIR / "backend.vcl").read_text()
    assert '.host = "web";' in shipped
    (tmp_path / "backend.vcl").write_text(shipped.replace('.host = "web";', '.host = "127.0.0.1";'))
    result = subprocess.run(
        [
            "varnishd",
            "-C",
            # As the current user, who can read the temporary directory.
            "-j",
            "none",
            "-n",
            str(tmp_path / "work"),
            "-p",
            f"vcl_path={tmp_path}:{VCL_DIR}:/usr/share/varnish/vcl",
            "-f",
            str(VCL_DIR / "default.vcl"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
