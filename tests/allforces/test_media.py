import re
from pathlib import Path

import pytest
import yaml
from django.test import RequestFactory

from allforces.media import MEDIA_CSP, serve_media

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(tmp_path):
    (tmp_path / "uploads").mkdir()
    (tmp_path / "uploads" / "a.gif").write_bytes(b"GIF89a")

    def get(path):
        return serve_media(RequestFactory().get(f"/media/{path}"), path, document_root=tmp_path)

    return get


def test_media_is_served_with_nosniff_and_a_policy_that_runs_no_script(served):
    response = served("uploads/a.gif")
    assert response["Content-Type"] == "image/gif"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == MEDIA_CSP
    directives = dict(part.strip().partition(" ")[::2] for part in MEDIA_CSP.split(";"))
    assert directives["default-src"] == "'none'" and "script-src" not in directives
    assert "sandbox" in directives


def test_the_media_headers_survive_the_sites_own_policy(settings, client, tmp_path):
    # Through the middleware stack, as the DEBUG URL serves it: django-csp must not replace ours.
    from django.urls import path

    settings.ROOT_URLCONF = type(
        "urls", (), {"urlpatterns": [path("media/<path:path>", serve_media, {"document_root": tmp_path})]}
    )
    (tmp_path / "a.png").write_bytes(b"\x89PNG")
    response = client.get("/media/a.png")
    assert response["Content-Security-Policy"] == MEDIA_CSP
    assert response["X-Content-Type-Options"] == "nosniff"


def test_deployed_media_carries_the_same_headers():
    conf = (ROOT / "deploy" / "nginx-media.conf").read_text()
    guide = (ROOT / "docs" / "deploy.md").read_text()
    for text in (conf, guide):
        assert 'add_header X-Content-Type-Options "nosniff" always;' in text
        assert f'add_header Content-Security-Policy "{MEDIA_CSP}" always;' in text
    proxy = (ROOT / "deploy" / "nginx-proxy.conf").read_text()
    assert re.search(r"location /media/ \{\s*proxy_pass http://127\.0\.0\.1:8001;", proxy)
    assert "`deploy/nginx-proxy.conf`" in guide
    media = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["media"]
    assert "media:/srv/media:ro" in media["volumes"] and "127.0.0.1:8001:8001" in media["ports"]
    assert "./deploy/nginx-media.conf:/etc/nginx/conf.d/default.conf:ro" in media["volumes"]
