"""A reader's page is marked for shared caches with its keys; anyone else's is private."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from allforces.frontend_cache.headers import tag_response


def reader_request(**cookies):
    request = RequestFactory().get("/articles/推論モデル/")
    request.COOKIES.update(cookies)
    return request


def cache_control(response):
    return sorted(part.strip() for part in response["Cache-Control"].split(","))


def test_a_readers_page_is_shared_for_s_maxage_and_tagged_for_every_cache():
    response = tag_response(reader_request(), HttpResponse("ok"), ["home", "article-12"], s_maxage=300)
    assert cache_control(response) == ["max-age=0", "public", "s-maxage=300"]
    assert response["xkey"] == "article-12 home"
    assert response["Surrogate-Key"] == "article-12 home"
    assert response["Cache-Tag"] == "article-12,home"


def test_a_page_served_before_authentication_ran_is_a_readers_page():
    request = reader_request()
    assert not hasattr(request, "user")
    assert tag_response(request, HttpResponse("ok"), ["home"], s_maxage=60).has_header("xkey")


def test_an_anonymous_user_is_a_reader():
    request = reader_request()
    request.user = AnonymousUser()
    assert "public" in tag_response(request, HttpResponse("ok"), ["home"], s_maxage=60)["Cache-Control"]


def test_a_request_with_a_session_cookie_gets_a_private_page(settings):
    response = tag_response(
        reader_request(**{settings.SESSION_COOKIE_NAME: "abc"}), HttpResponse("ok"), ["home"], s_maxage=300
    )
    assert cache_control(response) == ["private"]
    assert not response.has_header("xkey") and not response.has_header("Surrogate-Key")


@pytest.mark.django_db
def test_a_logged_in_editor_gets_a_private_page(editor):
    request = reader_request()
    request.user = editor
    response = tag_response(request, HttpResponse("ok"), ["home"], s_maxage=300)
    assert cache_control(response) == ["private"]
    assert not response.has_header("Cache-Tag")


def test_a_response_that_sets_a_cookie_is_never_shared():
    response = HttpResponse("ok")
    response.set_cookie("csrftoken", "x")
    assert cache_control(tag_response(reader_request(), response, ["home"], s_maxage=300)) == ["private"]


def test_a_key_no_cache_can_carry_is_a_mistake():
    with pytest.raises(ValueError):
        tag_response(reader_request(), HttpResponse("ok"), ["Home Page"], s_maxage=300)
