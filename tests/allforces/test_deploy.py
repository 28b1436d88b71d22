"""What the Dockerfile and docker-compose.yml rely on, checked without a Docker
engine (none runs on the development machines): static files collect with
the production storage, media can move to object storage, and the compose
file declares every service with a health check."""

import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_the_image_runs_as_an_unprivileged_user_with_static_files_built_in():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    assert any(line.startswith("FROM python:3.11-slim") for line in lines)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert any("collectstatic --noinput" in line for line in lines)
    assert lines[-1].startswith("CMD") and "gunicorn.conf.py" in lines[-1]
