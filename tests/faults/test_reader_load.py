"""Thirty seconds of wrk on the reader pages (home, articles, categories, tags,
search) against gunicorn with two sync workers: not a single error."""

import json
import subprocess

import pytest

from tests.celery_worker import ROOT
from tests.factories import READY_BODY, make_article, make_author, make_category
from tests.faults.services import get, require_binary, running_gunicorn

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

LOAD_SECONDS = 30


def reader_paths():
    author = make_author(name="ALLFORCES編集部", slug="editors", is_team=True)
    categories = [make_category(name=name, slug=slug) for name, slug in
                  [("投資分析", "investment"), ("テクノロジー", "technology"), ("市場", "markets")]]  # fmt: skip
    articles = [
        make_article(
            title=f"半導体と推論の需要 {number}",
            slug=f"demand-{number}",
            body=READY_BODY * 20,
            excerpt="需要の動向を整理します。",
            authors=[author],
            categories=[categories[number % 3]],
            tags=["AI", f"tag-{number % 4}"],
            published=True,
        )  # fmt: skip
        for number in range(45)
    ]
    return [
        "/",
        "/?page=2",
        *(article.get_absolute_url() for article in articles[:6]),
        *(category.get_absolute_url() for category in categories),
        "/tag/ai/",
        "/tag/tag-1/",
        "/search/?q=%E6%8E%A8%E8%AB%96",  # 推論
        "/search/?q=%E5%8D%8A%E5%B0%8E%E4%BD%93+%E9%9C%80%E8%A6%81",  # 半導体 需要
        "/search/?q=%E9%9C%80%E8%A6%81&page=2",  # 需要, second page
    ]


def reader_paths_in(file):
    return file.read_text().split()


def test_thirty_seconds_of_readers_without_a_single_error(tmp_path, static_root, artifacts):
    require_binary("wrk")
    paths = tmp_path / "paths.txt"
    paths.write_text("\n".join(reader_paths()) + "\n")
    log = artifacts / "gunicorn-load.log"
    with running_gunicorn(static_root=static_root, log_path=log) as port:
        # Every page exists: a 404 under load would be the test's mistake, not the site's.
        assert {path: get(port, path).status for path in reader_paths_in(paths)} == dict.fromkeys(
            reader_paths_in(paths), 200
        )
        load = subprocess.run(
            [ROOT / "scripts/faults/load_30s.sh", f"http://127.0.0.1:{port}", paths],
            env={"LOAD_SECONDS": str(LOAD_SECONDS), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=LOAD_SECONDS + 30,
        )
    print("\n" + load.stdout)
    summary = json.loads(next(line for line in load.stdout.splitlines() if line.startswith('{"requests"')))
    errors = {kind: summary[kind] for kind in ("connect", "read", "write", "status", "timeout")}
    assert errors == dict.fromkeys(errors, 0), load.stdout
    assert load.returncode == 0, load.stderr
    assert summary["seconds"] >= LOAD_SECONDS - 1 and summary["requests"] > LOAD_SECONDS * 10
    assert "Traceback" not in log.read_text()
