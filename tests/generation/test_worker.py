"""The generator's tasks in a real Celery worker on Redis, asking the fake
chat-completions server over HTTP: a run from the first pass to a person,
retries with backoff, giving up, and a worker killed mid-request."""

import pytest
from django.test import override_settings

from articles.models import Article
from editorial import tasks
from editorial.continuation.segments import assemble_texts
from editorial.models import GenerationAttempt, GenerationLease, Segment
from tests.celery_worker import running_worker, stop, wait_until

from . import fake_model as fake
from .conftest import article_awaiting, generator_settings

pytestmark = pytest.mark.django_db(transaction=True)
Outcome = GenerationAttempt.Outcome


def worker_env(url, **overrides):
    values = generator_settings(url, **overrides)
    return {f"CONTINUATION_GENERATOR_{name.upper()}": str(value) for name, value in values.items()}


@pytest.fixture
def configured(fake_model):
    """The generator on, here (which queues the task) and in the worker (which runs it)."""

    def configure(**overrides):
        override = override_settings(CONTINUATION_GENERATOR=generator_settings(fake_model.url, **overrides))
        override.enable()
        configure.overrides.append(override)
        return worker_env(fake_model.url, **overrides)

    configure.overrides = []
    yield configure
    for override in configure.overrides:
        override.disable()


def status_of(article):
    article.refresh_from_db()
    return article.status


def test_an_article_entering_continuation_is_written_to_the_end_then_left_for_a_person(
    configured, fake_model, passes
):
    env = configured()
    fake_model.responder = fake.like_the_sample(
        {passes[0]: passes[2], passes[2]: passes[3], passes[3]: passes[4]}
    )
    with running_worker(extra_env=env):
        article = article_awaiting(passes[0])  # the detector's move queues the task
        assert wait_until(lambda: status_of(article) == Article.Status.DRAFT, timeout=60)

    assert article.body == assemble_texts([passes[0], passes[2], passes[3], passes[4]])
    assert (
        list(GenerationAttempt.objects.filter(article=article).values_list("outcome", flat=True))
        == [Outcome.ADDED] * 3
    )
    assert len(fake_model.requests) == 3
    assert not GenerationLease.objects.filter(article=article).exists()


def test_timeouts_429_and_5xx_are_retried_with_backoff(configured, fake_model, passes):
    env = configured(timeout_seconds=1.0)
    fake_model.then(fake.status(429, retry_after="0"), fake.status(500), fake.slow(3), fake.reply(passes[1]))
    with running_worker(extra_env=env):
        article = article_awaiting(passes[0])
        assert wait_until(lambda: status_of(article) == Article.Status.DRAFT, timeout=60)

    attempt = GenerationAttempt.objects.get(article=article)
    assert (attempt.outcome, attempt.retries) == (Outcome.ADDED, 3)
    assert article.body == assemble_texts([passes[0], passes[1]])
    asked = [request["at"] for request in fake_model.requests]
    # Retry-After: 0 is taken as said; after the 500, a backoff of 1–2 s (capped at 1 s here: 0.5–1 s).
    assert asked[2] - asked[1] >= 0.5


def test_a_server_that_keeps_failing_is_given_up_and_the_article_handed_over(configured, fake_model, passes):
    env = configured(max_retries=2)
    fake_model.responder = lambda messages: fake.status(503)
    with running_worker(extra_env=env):
        article = article_awaiting(passes[0])
        assert wait_until(lambda: status_of(article) == Article.Status.DRAFT, timeout=60)

    attempt = GenerationAttempt.objects.get(article=article, outcome=Outcome.FAILED)
    assert attempt.retries == 2
    assert "503" in attempt.detail
    assert len(fake_model.requests) == 3
    assert Segment.objects.filter(article=article).count() == 1  # what exists is kept


def test_a_worker_killed_mid_request_loses_nothing_and_adds_nothing_twice(configured, fake_model, passes):
    env = configured()
    fake_model.then(fake.slow(30, passes[1]))
    with running_worker(name="doomed", extra_env=env) as worker:
        article = article_awaiting(passes[0])
        assert wait_until(lambda: len(fake_model.requests) == 1, timeout=30)
        stop(worker, kill=True)
    assert status_of(article) == Article.Status.CONTINUATION
    # The killed run's lease runs out (here at once rather than after its timeout and margin).
    GenerationLease.objects.filter(article=article).update(expires_at="2000-01-01T00:00:00Z")
    fake_model.script.clear()
    fake_model.then(fake.reply(passes[1]))

    with running_worker(name="replacement", extra_env=env):
        # What beat runs every five minutes; sent again here, as beat would, because Redis may
        # hand the first message to the killed worker's pop that it has not yet noticed is gone.
        for _ in range(3):
            tasks.resume_generation.delay()
            if wait_until(lambda: status_of(article) == Article.Status.DRAFT, timeout=20):
                break
        assert status_of(article) == Article.Status.DRAFT

    assert Segment.objects.filter(article=article, source=Segment.Source.GENERATED).count() == 1
    assert article.body == assemble_texts([passes[0], passes[1]])
