"""What one request gets, in process, when Redis was SIGKILLed under it or
PostgreSQL is unreachable: a page rendered without the cache, or a clean 503
in Japanese. (The PostgreSQL crash itself, under gunicorn, is in
test_postgres_restart.py.)"""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from allforces.cache import OutageTolerantRedisCache
from articles import freshness
from articles.cache import clock
from tests.faults.services import PrivateRedis, free_port, require_binary

pytestmark = pytest.mark.faults


@pytest.fixture
def redis(tmp_path):
    require_binary("redis-server")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_a_redis_killed_under_the_cache_is_an_empty_cache_that_keeps_nothing(redis):
    down = OutageTolerantRedisCache(redis.url(0), {})
    down.set("page", "stored while Redis was up")  # the pool holds a live connection
    assert down.get("page") == "stored while Redis was up"
    redis.kill()
    started = time.monotonic()
    assert down.get("page", "miss") == "miss"
    assert down.get_many(["a", "b"]) == {}
    assert down.has_key("page") is False
    assert down.add("claim", 1) is False, "a claim must not look granted when nothing was stored"
    assert down.set("page", "x") is None
    assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert down.delete("page") is False
    with pytest.raises(ValueError):
        down.incr("counter")
    assert time.monotonic() - started < 1, "a refused connection must cost milliseconds, not retries"


def test_programming_errors_still_raise_with_redis_up(settings):
    up = OutageTolerantRedisCache(settings.CACHES["default"]["LOCATION"], {})
    up.set("not-a-number", "text")
    with pytest.raises(Exception, match="not an integer"):
        up.incr("not-a-number")


@pytest.mark.django_db
def test_readers_get_uncached_pages_after_redis_was_killed(
    settings, redis, published_article, category, django_capture_on_commit_callbacks
):
    published_article.tags.set(["AI"])
    settings.CACHES = {
        "default": {"BACKEND": "allforces.cache.OutageTolerantRedisCache", "LOCATION": redis.url(0)}
    }
    client = Client(headers={"x-forwarded-proto": "https"})
    assert client.get("/").status_code == 200  # the page cache and its pooled connection are warm
    redis.kill()
    for url in ["/", published_article.get_absolute_url(), category.get_absolute_url(), "/tag/ai/",
                "/search/?q=公開"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        assert published_article.title in response.content.decode(), url
    assert clock() == 0
    with django_capture_on_commit_callbacks(execute=True):
        freshness.forget(["timeline"])  # a publish during the outage: logged, never raised


@pytest.mark.django_db(transaction=True)
def test_a_request_that_cannot_reach_the_database_gets_a_japanese_503(published_article):
    url = published_article.get_absolute_url()
    cache.clear()
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = free_port()  # nothing listens there: as during a restart
    try:
        response = Client(raise_request_exception=True).get(url, headers={"x-forwarded-proto": "https"})
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    assert "ただいま一時的にご利用いただけません" in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert Client().get(url).status_code == 200, "the next request reconnects"
