import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from tests import flush, requests_in_flight
from tests.celery_worker import ROOT, celery_env
from tests.factories import READY_BODY, make_article, make_author, make_category


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            f"The suite runs on PostgreSQL, but DATABASE_URL points at {engine}. "
            "Use `make test` or set DATABASE_URL=postgres://postgres@127.0.0.1:5432/allforces.",
            returncode=2,
        )
    # Each test process has its own Celery queue, so a worker started by one
    # never takes another's messages.
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "main")
    settings.CELERY_TASK_DEFAULT_QUEUE = f"test-{worker_id}-{uuid.uuid4().hex[:8]}"
    # Each test process has its own Redis database for the cache, so clearing
    # it between tests never touches another process's keys. TEST_CACHE_DB_BASE
    # moves the block, so two checkouts can run their suites side by side.
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        index = int(os.environ.get("TEST_CACHE_DB_BASE", "4"))
        index += int(worker_id[2:]) if worker_id.startswith("gw") else 0
        base = settings.CACHES["default"]["LOCATION"].rsplit("/", 1)[0]
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": f"{base}/{index}"}}
    # Real password hashing costs a third of a second per test user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MIDDLEWARE = ["tests.requests_in_flight.CountRequestsInFlight", *settings.MIDDLEWARE]
    # After a test that commits for real, only the tables it wrote to are emptied (tests/flush.py).
    flush.install()
    # Production serves hashed static files from collectstatic's manifest;
    # tests do not run collectstatic, so they resolve static files directly.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# Tests that each take from half a minute to a minute and a half (servers started, killed and
# restarted; the property tests' sequences), run first: collected in path order they came last,
# and the suite ended with one worker running them alone for minutes.
SLOWEST_FIRST = (
    "tests/faults/",
    "tests/integration/",
    "tests/articles/test_freshness_property.py",
    "tests/allforces/frontend_cache/test_freshness_property_through_varnish.py",
)


@pytest.hookimpl(trylast=True)  # after pytest-django's, which groups tests by their database
def pytest_collection_modifyitems(config, items):
    """Put the slowest tests first, in their own order, so that while one worker runs them the
    other takes the short tests (``--dist worksteal``), and neither waits at the end."""
    slowest = [item for item in items if item.nodeid.startswith(SLOWEST_FIRST)]
    if slowest:
        chosen = set(map(id, slowest))
        items[:] = slowest + [item for item in items if id(item) not in chosen]


# Where every table's numbering starts in the tests (see django_db_setup below).
FIRST_ID = 1_000_000


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Number every table's rows from a million, as on a site that has run for years.

    A fresh test database numbers from 1, a database reused by a long run from wherever
    the run has got to: a page laid out to fit "#4" then fits locally and overflows in CI,
    where the same row was "#18919". Starting every run at seven digits makes the width of
    the numbers the same wherever the suite runs, and as wide as production's.
    """
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), GREATEST(%s, COALESCE(last_value, 1)))"
            " FROM pg_sequences WHERE schemaname = current_schema()",
            [FIRST_ID],
        )


@pytest.fixture(autouse=True)
def clear_cache():
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    cache.clear()
    # taggit looks up a content type once per process; start each test cold so
    # query counts do not depend on which tests ran before.
    ContentType.objects.clear_cache()


# How long a test's teardown waits for the live server's last requests to finish.
QUIET_WAIT_SECONDS = 10


@pytest.fixture(autouse=True)
def live_server_quiet_before_flush(request):
    """After a test with a live server, close the test's browser windows and wait until the
    server has answered their last requests, before pytest-django empties the database.

    Emptying is a TRUNCATE of every table: a request still running (an editor page's
    heartbeat or autosave, sent just as the test ended) holds a lock on one table and wants
    another, PostgreSQL breaks the deadlock by failing the TRUNCATE, and the next test then
    finds the last one's rows. Set up after the database fixture that truncates (autouse
    fixtures of conftest files can come before pytest-django's helper that requests it), so
    torn down before it.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    request.getfixturevalue("live_server")
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    if not requests_in_flight.wait_until_none(QUIET_WAIT_SECONDS):
        print(f"teardown: the live server was still serving a request after {QUIET_WAIT_SECONDS} s")


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


@pytest.fixture(scope="session")
def artifacts():
    """Where gunicorn and Celery logs go, so a failure can be read after the run."""
    directory = ROOT / "test-artifacts"
    directory.mkdir(exist_ok=True)
    return directory


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


def _staff_user(username, group_name=None, **fields):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from editorial.generation.roles import grant_generation_permissions
    from editorial.roles import install_role_groups
    from media_library.roles import grant_library_permissions

    # Transactional tests (the browser's) flush the tables, groups included.
    install_role_groups(Group, Permission)
    grant_library_permissions(Group, Permission)
    grant_generation_permissions(Group, Permission)
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.jp", password="password", is_staff=True, **fields
    )
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def writer(db):
    from editorial.roles import WRITERS

    user = _staff_user("writer", WRITERS)
    make_author(name="山田 書子", slug="yamada", user=user)
    return user


@pytest.fixture
def other_writer(db):
    from editorial.roles import WRITERS

    user = _staff_user("other-writer", WRITERS)
    make_author(name="別の書き手", slug="other", user=user)
    return user


@pytest.fixture
def editor(db):
    from editorial.roles import EDITORS

    return _staff_user("editor", EDITORS)


@pytest.fixture
def superuser(db):
    return _staff_user("chief", is_superuser=True)


@pytest.fixture
def ready_article(writer, category):
    """A complete draft by ``writer``: it passes every submission guard."""
    return make_article(
        title="推論モデルの台頭",
        body=READY_BODY,
        tags=["AI"],
        excerpt="推論モデルの動向を整理します。",
        authors=[writer.author_profile],
        categories=[category],
    )
