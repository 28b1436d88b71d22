import pytest
from django.test import override_settings

from articles.models import Article
from editorial.continuation import segments
from tests.editorial.continuation.cutoff_corpus.sample import sample_passes
from tests.factories import make_article

from .fake_model import FakeChatModel


def generator_settings(url, **overrides):
    values = {
        "url": url,
        "model": "fake-writer-1",
        "api_key": "sk-test-not-secret",
        "max_passes": 5,
        "max_unusable": 3,
        "timeout_seconds": 5.0,
        "max_retries": 3,
        "backoff_cap_seconds": 1,
        "quiet_seconds": 0,
        "input_price": "0.50",
        "output_price": "1.50",
        "currency": "USD",
    }
    return {**values, **overrides}


@pytest.fixture
def fake_model():
    model = FakeChatModel().start()
    yield model
    model.stop()


@pytest.fixture
def generator(fake_model):
    """The generator configured against the fake model; call it with overrides to change them."""
    overrides = override_settings(CONTINUATION_GENERATOR=generator_settings(fake_model.url))
    overrides.enable()

    def configure(**changes):
        nonlocal overrides
        overrides.disable()
        overrides = override_settings(
            CONTINUATION_GENERATOR=generator_settings(**{"url": fake_model.url, **changes})
        )
        overrides.enable()

    yield configure
    overrides.disable()


@pytest.fixture
def passes():
    return sample_passes()


def article_awaiting(text, *, author=None, category=None, by=None):
    """A draft whose first pass stops mid-sentence: the detector puts it in continuation."""
    article = make_article(
        title="中国AI、推論モデルで静かに台頭するその真意とは？",
        body="",
        excerpt="推論モデルの動向を整理します。",
        authors=[author] if author else [],
        categories=[category] if category else [],
    )
    segments.add_segment(article, text=text, by=by)
    article.refresh_from_db()
    assert article.status == Article.Status.CONTINUATION
    return article
