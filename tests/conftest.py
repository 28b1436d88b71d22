import pytest
from django.conf import settings

from tests.factories import make_article, make_author, make_category


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            f"The suite runs on PostgreSQL, but DATABASE_URL points at {engine}. "
            "Use `make test` or set DATABASE_URL=postgres://postgres@127.0.0.1:5432/allforces.",
            returncode=2,
        )
    # Production serves hashed static files from collectstatic's manifest;
    # tests do not run collectstatic, so they resolve static files directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def author(db):
    return make_author(name="ALLFORCES編集部", slug="allforces-editors", is_team=True)


@pytest.fixture
def category(db):
    return make_category(name="投資分析", slug="investment")


@pytest.fixture
def published_article(author, category):
    return make_article(title="公開済みの記事", authors=[author], categories=[category], published=True)


@pytest.fixture
def draft_article(author, category):
    return make_article(title="下書きの記事", authors=[author], categories=[category])
