import subprocess
import sys

import pytest

from tests.celery_worker import ROOT, celery_env


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Production settings serve hashed static files: collect them once per run."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=celery_env({"DEBUG": "0", "STATIC_ROOT": str(root)}),
        check=True,
        capture_output=True,
    )
    return root


@pytest.fixture
def artifacts():
    """Where gunicorn and Celery logs go, so a failure can be read after the run."""
    directory = ROOT / "test-artifacts"
    directory.mkdir(exist_ok=True)
    return directory
