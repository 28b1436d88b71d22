"""What the Dockerfile and docker-compose.yml rely on, checked without a Docker
engine (none runs on the development machines): static files collect with
the production storage, media can move to object storage, and the compose
file declares every service with a health check."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _production(*args, **environment):
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "SECURE_SSL_REDIRECT")}
    env.update({"SECRET_KEY": "collectstatic-only-not-a-secret", **environment})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_collectstatic_builds_hashed_compressed_files_for_whitenoise(tmp_path):
    result = _production("manage.py", "collectstatic", "--noinput", STATIC_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["articles/site.css"]
    assert hashed_css != "articles/site.css"
    assert (tmp_path / hashed_css).exists()
    assert (tmp_path / f"{hashed_css}.gz").exists()


PRINT_STORAGE = (
    "import django; django.setup(); from django.conf import settings; "
    "import json; print(json.dumps(settings.STORAGES['default']))"
)


def test_media_stay_on_disk_without_a_bucket():
    result = _production("-c", PRINT_STORAGE, DJANGO_SETTINGS_MODULE="allforces.settings")
    assert json.loads(result.stdout.splitlines()[-1])["BACKEND"].endswith("FileSystemStorage")


def test_naming_a_bucket_moves_media_to_object_storage():
    result = _production(
        "-c",
        PRINT_STORAGE,
        DJANGO_SETTINGS_MODULE="allforces.settings",
        MEDIA_BUCKET="allforces-media",
        MEDIA_ENDPOINT_URL="https://s3.ap-northeast-1.example.com",
    )
    storage = json.loads(result.stdout.splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "allforces-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.ap-northeast-1.example.com"
    assert storage["OPTIONS"]["file_overwrite"] is False
    assert "django-storages[s3]" in (ROOT / "requirements-s3.txt").read_text()


def test_compose_runs_every_role_with_health_checks_and_named_volumes():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    for name in ("db", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert {"pgdata", "redisdata", "media", "beat"} <= set(compose["volumes"])


def test_compose_puts_varnish_in_front_with_its_purge_listener_unpublished():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    varnish = compose["services"]["varnish"]
    assert "healthcheck" in varnish
    assert varnish["depends_on"]["web"] == {"condition": "service_healthy", "restart": True}
    assert "./deploy/varnish:/etc/varnish:ro" in varnish["volumes"]
    # Readers (through the host's proxy) reach port 80 only; purges use 6091 inside the network.
    assert "internal=:6091,HTTP" in varnish["command"]
    assert varnish["ports"] == ["127.0.0.1:8080:80"]
    example = (ROOT / ".env.example").read_text()
    assert "VARNISH_PURGE_URLS=http://varnish:6091" in example


def test_the_image_runs_as_an_unprivileged_user_with_static_files_built_in():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    assert any(line.startswith("FROM python:3.11-slim") for line in lines)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any("collectstatic --noinput" in line for line in lines)
    assert lines[-1].startswith("CMD") and "gunicorn.conf.py" in lines[-1]


def test_gunicorn_binds_loopback_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["bind"] == "127.0.0.1:8000"
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:8000")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["bind"] == "0.0.0.0:8000"


def test_the_container_listens_on_its_own_interface_and_publishes_on_loopback_only():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    assert "ENV GUNICORN_BIND=0.0.0.0:8000" in lines
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    published = [port for service in services.values() for port in service.get("ports", [])]
    assert published and all(port.startswith("127.0.0.1:") for port in published)


def _health_check_commands():
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    healthcheck = next(line for line in dockerfile.splitlines() if line.startswith("HEALTHCHECK"))
    image = json.loads(healthcheck.split(" CMD ", 1)[1])
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]["healthcheck"]["test"]
    return {"image": image, "web": web[1:]}


PRINT_PROBE_HOST = (
    "import django; django.setup(); from django.conf import settings; "
    "from django.http.request import validate_host; from allforces.probe import probe_host; "
    "host = probe_host(); print(host, validate_host(host, settings.ALLOWED_HOSTS))"
)


@pytest.mark.parametrize(
    "hosts",
    [
        {},  # the settings' default ALLOWED_HOSTS
        {"ALLOWED_HOSTS": "cms.example.jp", "SITE_URL": "https://cms.example.jp"},  # docs/deploy.md
        {"ALLOWED_HOSTS": ".example.jp", "SITE_URL": "https://cms.example.jp"},
    ],
)
def test_health_checks_name_a_host_production_accepts(hosts):
    commands = _health_check_commands()
    assert commands == {
        "image": ["python", "-m", "allforces.probe", "/healthz"],
        "web": ["python", "-m", "allforces.probe", "/readyz"],
    }
    environment = {
        key: value for key, value in os.environ.items() if key not in ("ALLOWED_HOSTS", "SITE_URL")
    }
    result = subprocess.run(
        [sys.executable, "-c", PRINT_PROBE_HOST],
        cwd=ROOT,
        env={**environment, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "allforces.settings", **hosts},
        capture_output=True,
        text=True,
        timeout=60,
    )
    host, accepted = result.stdout.split()[-2:]
    assert accepted == "True", (host, result.stderr)


@pytest.mark.parametrize(
    ("site_url", "allowed_hosts", "expected"),
    [
        ("https://cms.example.jp", ["cms.example.jp"], set()),
        ("https://cms.example.jp/", [".example.jp"], set()),
        ("http://cms.example.jp", ["cms.example.jp"], {"allforces.W001"}),
        ("https://cms.example.jp", ["127.0.0.1"], {"allforces.W002"}),
    ],
)
def test_check_deploy_warns_when_site_url_would_send_readers_where_the_server_refuses(
    settings, site_url, allowed_hosts, expected
):
    from articles.checks import site_url_is_served

    settings.SITE_URL, settings.ALLOWED_HOSTS = site_url, allowed_hosts
    assert {warning.id for warning in site_url_is_served(None)} == expected
