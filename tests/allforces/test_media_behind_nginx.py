"""Uploaded images reach readers in production only through nginx: the documented set-up, run.

gunicorn runs with production settings (DEBUG off, collected static files) and one nginx runs
deploy/nginx-media.conf (the ``media`` service) and deploy/nginx-proxy.conf (the host's proxy)
with only the ports, the media volume's path and the certificate changed (tests/allforces/nginx.py).
gunicorn stands where Varnish does in the proxy's file: /media/ never reaches Varnish, which
has its own tests. An editor uploads through the proxy, as from a browser; a reader then fetches
what the article page links to.
"""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from PIL import Image

from allforces.media import MEDIA_CSP
from articles.models import Article
from editorial import pending
from tests.celery_worker import running_worker, wait_until
from tests.editorial.admin_forms import change_form_data
from tests.factories import make_article
from tests.faults.services import running_gunicorn

from .nginx import require_nginx, running_nginx

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

CSRF_TOKEN = "nginx0test0csrf0token00000000000"


@pytest.fixture(scope="session", autouse=True)
def nginx_installed():
    """Before collectstatic, so a machine without nginx skips at once."""
    require_nginx()


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


# Per test: a transactional test's flush gives content types new ids, which a gunicorn
# kept from an earlier test would still hold in its cache (a 500 when the admin logs a change).
@pytest.fixture
def web_port(static_root, artifacts, media_root):
    with running_gunicorn(
        static_root=static_root,
        log_path=artifacts / "gunicorn-media.log",
        extra_env={"MEDIA_ROOT": str(media_root)},
        workers=1,
    ) as port:
        yield port


@pytest.fixture
def nginx(web_port, media_root, tmp_path):
    with running_nginx(tmp_path / "nginx", media_root=media_root, web_port=web_port) as instance:
        yield instance


def png(width=320, height=200, colour="teal"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def as_editor(client, editor):
    """The headers of a signed-in editor's browser: session and CSRF cookies, the token, the origin."""
    client.force_login(editor)
    return {
        "Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF_TOKEN}",
        "X-CSRFToken": CSRF_TOKEN,
        "Origin": "https://127.0.0.1",
    }


def post_form(nginx, path, data, headers):
    body = encode_multipart("BoUnDaRyStRiNg", data)
    return nginx.front("POST", path, body=body, headers={**headers, "Content-Type": MULTIPART_CONTENT})


def upload(nginx, headers, name, content):
    return post_form(
        nginx,
        reverse("editorial:markdown_upload"),
        {"image": SimpleUploadedFile(name, content, "image/png")},
        {**headers, "X-Requested-With": "XMLHttpRequest"},
    )


def assert_served_as_stored(nginx, media_root, url, content_type):
    status, headers, body = nginx.front("GET", url)
    assert status == 200, body
    assert body == (media_root / url.removeprefix("/media/")).read_bytes()
    assert headers["Content-Type"] == content_type
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == MEDIA_CSP


def test_an_image_uploaded_in_the_editor_is_served_to_readers(nginx, media_root, client, editor, author):
    status, _, body = upload(nginx, as_editor(client, editor), "photo.png", png())
    assert status == 200, body
    image_code = json.loads(body)["image_code"]
    article = make_article(
        title="画像のある記事", body=f"本文です。\n\n{image_code}\n", authors=[author], published=True
    )

    status, _, page = nginx.front("GET", article.get_absolute_url())
    assert status == 200
    (url,) = re.findall(r'<img[^>]* src="(/media/uploads/[0-9a-f]{32}\.png)"', page.decode())
    assert_served_as_stored(nginx, media_root, url, "image/png")


def test_a_covers_renditions_are_served_to_readers(nginx, media_root, client, editor, author):
    article = make_article(title="表紙の記事", authors=[author], published=True)
    cover = SimpleUploadedFile("cover.png", png(1200, 800), "image/png")
    with running_worker(extra_env={"MEDIA_ROOT": str(media_root)}):
        status, headers, body = post_form(
            nginx,
            reverse("admin:articles_article_change", args=[article.pk]),
            change_form_data(article, cover=cover),
            as_editor(client, editor),
        )
        assert status == 302, body
        # The article is live: its new cover waits as a pending version until published (issue 15, item 3).
        pending.publish_pending(article, by=editor)
        assert wait_until(lambda: Article.objects.get(pk=article.pk).cover_renditions)

    status, _, page = nginx.front("GET", article.get_absolute_url())
    assert status == 200
    (url,) = re.findall(r'<figure class="cover">\s*<img src="(/media/covers/[^"]+\.jpg)"', page.decode())
    assert_served_as_stored(nginx, media_root, url, "image/jpeg")


def test_a_file_that_is_not_an_image_is_only_a_download(nginx, media_root):
    # As uploads kept their names before they were named by format: a page, if anything served it as one.
    stray = media_root / "uploads" / "stray.html"
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"GIF89a<script>alert(document.cookie)</script>")
    status, headers, body = nginx.front("GET", "/media/uploads/stray.html")
    assert (status, headers["Content-Type"], body) == (200, "application/octet-stream", stray.read_bytes())
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == MEDIA_CSP


def test_a_missing_file_is_a_404(nginx):
    status, headers, _ = nginx.front("GET", f"/media/uploads/{'0' * 32}.png")
    assert status == 404
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_gunicorn_alone_answers_404_for_media(nginx, web_port, media_root):
    """Why the proxy needs its /media/ location: with DEBUG off Django serves no uploads."""
    (media_root / "uploads").mkdir(exist_ok=True)
    (media_root / "uploads" / "alone.png").write_bytes(png())
    assert nginx.front("GET", "/media/uploads/alone.png")[0] == 200
    assert nginx.plain(web_port, "/media/uploads/alone.png", headers={"X-Forwarded-Proto": "https"})[0] == 404


def test_an_upload_at_the_apps_limit_reaches_the_app(nginx, client, editor, settings):
    """nginx's own limit (client_max_body_size) must not refuse what the app accepts."""
    status, _, body = upload(
        nginx, as_editor(client, editor), "big.png", b"\0" * (settings.MARKDOWNX_UPLOAD_MAX_SIZE + 1)
    )
    assert status == 400, body
    assert json.loads(body)["image"] == ["画像が大きすぎます（上限 10 MB）。"]


def test_plain_http_is_redirected_to_https(nginx):
    status, headers, _ = nginx.plain(nginx.http_port, "/articles/?page=2", headers={"Host": "cms.example.jp"})
    assert (status, headers["Location"]) == (301, "https://cms.example.jp/articles/?page=2")
