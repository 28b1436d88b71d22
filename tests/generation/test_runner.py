"""The generator's steps against a chat-completions server over real HTTP
(tests/generation/fake_model.py), in this process; the Celery tasks around
them run in a real worker in test_worker.py."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from editorial import revisions
from editorial.continuation import segments
from editorial.continuation.segments import assemble_texts
from editorial.continuation.truncation import is_truncated
from editorial.generation import client, panel, runner
from editorial.models import GenerationAttempt, GenerationLease, PromptTemplate, Segment, Transition

from . import fake_model as fake
from .conftest import article_awaiting

pytestmark = pytest.mark.django_db
Outcome = GenerationAttempt.Outcome


def run_until_stopped(article, *, limit=20):
    """Step as the task's messages would: each carrying the ticket the step before gave."""
    steps, ticket = [], None
    for _ in range(limit):
        step = runner.step(article.pk, ticket=ticket)
        steps.append(step)
        if not step.again:
            return steps
        ticket = step.ticket
    raise AssertionError(f"the run did not stop: {steps}")


def tail_of_prompt(messages):
    """The text so far, as the default prompt frames it."""
    return messages[-1]["content"].split("<本文>\n", 1)[1].split("\n</本文>", 1)[0]


def sample_reader(passes):
    """The fake model answers as the sample reads: 0 → 2 → 3 → 4 (a pass cut off
    again twice, the last with a "..." prefix)."""
    return fake.like_the_sample({passes[0]: passes[2], passes[2]: passes[3], passes[3]: passes[4]})


class TestARun:
    def test_passes_are_added_until_the_text_is_complete_then_a_person_has_it(
        self, generator, fake_model, passes, author
    ):
        fake_model.responder = sample_reader(passes)
        article = article_awaiting(passes[0], author=author)

        steps = run_until_stopped(article)

        article.refresh_from_db()
        assert len(fake_model.requests) == 3
        assert article.body == assemble_texts([passes[0], passes[2], passes[3], passes[4]])
        assert not is_truncated(article.body)
        assert article.status == Article.Status.DRAFT  # never further: a person submits
        assert steps[-1].reason == "本文の続きが揃った"
        generated = Segment.objects.filter(article=article, source=Segment.Source.GENERATED)
        assert [segment.text for segment in generated.order_by("pk")] == [passes[2], passes[3], passes[4]]
        assert not GenerationLease.objects.filter(article=article).exists()

    def test_each_pass_records_model_prompt_tokens_latency_and_cost(self, generator, fake_model, passes):
        fake_model.then(fake.reply(passes[1], usage={"prompt_tokens": 3000, "completion_tokens": 2000}))
        article = article_awaiting(passes[0])

        run_until_stopped(article)

        attempt = GenerationAttempt.objects.get(article=article)
        assert attempt.outcome == Outcome.ADDED
        assert attempt.segment.text == passes[1]
        assert attempt.model == "fake-writer-1"
        assert attempt.prompt == PromptTemplate.objects.order_by("-version").first()
        assert (attempt.prompt_tokens, attempt.completion_tokens) == (3000, 2000)
        assert attempt.latency_ms is not None and attempt.latency_ms >= 0
        # 3,000 × 0.50 + 2,000 × 1.50 per million tokens.
        assert attempt.cost == Decimal("0.004500")
        assert attempt.machine_written

    def test_the_request_carries_the_model_key_and_article_so_far(self, generator, fake_model, passes):
        fake_model.then(fake.reply(passes[1]))
        article = article_awaiting(passes[0])

        run_until_stopped(article)

        sent = fake_model.requests[0]
        assert sent["headers"]["Authorization"] == "Bearer sk-test-not-secret"
        assert sent["body"]["model"] == "fake-writer-1"
        system, user = sent["body"]["messages"]
        assert system["role"] == "system" and "ALLFORCES編集部" in system["content"]
        assert article.title in user["content"]
        assert passes[0].strip()[-100:] in user["content"]

    def test_a_reply_from_an_earlier_point_becomes_an_alternative(
        self, generator, fake_model, passes, author
    ):
        """A person has added passes 2 and 3 (still cut off); the model answers from the
        end of pass 2, as pass 3 did: it is added beside 3, and the body follows it."""
        article = article_awaiting(passes[0], author=author)
        segments.add_segment(article, text=passes[2], by=None)
        segments.add_segment(article, text=passes[3], by=None)
        other_ending = "あるいは、金融機関の与信審査を支えるAIなどが考えられます。どれも日本の現場の強みが生きる分野です。"
        fake_model.then(fake.reply(other_ending))

        run_until_stopped(article)

        first, second, third, generated = Segment.objects.filter(article=article).order_by("pk")
        assert generated.source == Segment.Source.GENERATED
        assert generated.parent_id == second.pk == third.parent_id
        article.refresh_from_db()
        assert article.body == assemble_texts([passes[0], passes[2], passes[3], other_ending])
        assert article.body.rstrip().endswith("どれも日本の現場の強みが生きる分野です。")
        assert article.status == Article.Status.DRAFT


class TestLimits:
    def test_at_the_pass_limit_the_article_goes_to_draft_still_cut_off(self, generator, fake_model, passes):
        generator(max_passes=2)

        def again_cut_off(messages):
            tail = tail_of_prompt(messages).strip()[-40:]
            return fake.reply(f"{tail}そして、市場の反応は")

        fake_model.responder = again_cut_off
        article = article_awaiting(passes[0])

        steps = run_until_stopped(article)

        article.refresh_from_db()
        assert len(fake_model.requests) == 2
        assert GenerationAttempt.objects.filter(article=article, outcome=Outcome.ADDED).count() == 2
        assert is_truncated(article.body)
        assert article.status == Article.Status.DRAFT
        assert steps[-1].reason == "上限に達した"
        handed = Transition.objects.filter(article=article, to_status=Article.Status.DRAFT).latest(
            "created_at"
        )
        assert handed.actor is None and "人に引き継ぎます" in handed.comment

    def test_a_new_run_counts_from_the_article_entering_continuation_again(
        self, generator, fake_model, passes, editor
    ):
        from editorial import workflow

        generator(max_passes=1)
        fake_model.responder = lambda messages: fake.reply(
            tail_of_prompt(messages).strip()[-40:] + "そして、"
        )
        article = article_awaiting(passes[0])
        run_until_stopped(article)
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT

        workflow.mark_continuation(article, by=editor, comment="もう一度")
        run_until_stopped(article)

        assert GenerationAttempt.objects.filter(article=article, outcome=Outcome.ADDED).count() == 2


class TestUnusableReplies:
    @pytest.mark.parametrize(
        ("answer", "outcome"),
        [
            (fake.MALFORMED, Outcome.MALFORMED),
            (fake.NOT_CHAT, Outcome.MALFORMED),
            (fake.EMPTY, Outcome.EMPTY),
            (fake.reply("   \n  "), Outcome.EMPTY),
            (fake.status(400), Outcome.MALFORMED),
            (fake.reply("まったく別の話題です。半導体の在庫は落ち着きを見せています。"), Outcome.REFUSED),
        ],
    )
    def test_is_recorded_and_changes_nothing(self, generator, fake_model, passes, answer, outcome):
        fake_model.then(answer)
        article = article_awaiting(passes[0])
        before = (article.body, article.version, list(Segment.objects.filter(article=article)))

        step = runner.step(article.pk)

        article.refresh_from_db()
        assert (article.body, article.version, list(Segment.objects.filter(article=article))) == before
        assert article.status == Article.Status.CONTINUATION
        attempt = GenerationAttempt.objects.get(article=article)
        assert attempt.outcome == outcome and attempt.segment is None and attempt.detail
        assert step.again

    def test_unjoinable_reply_says_why_in_japanese(self, generator, fake_model, passes):
        fake_model.then(fake.reply("まったく別の話題です。半導体の在庫は落ち着きを見せています。"))
        article = article_awaiting(passes[0])

        runner.step(article.pk)

        assert "重なる箇所がない" in GenerationAttempt.objects.get(article=article).detail

    def test_after_too_many_a_person_has_it(self, generator, fake_model, passes):
        fake_model.then(fake.EMPTY, fake.MALFORMED, fake.EMPTY)
        article = article_awaiting(passes[0])
        body = article.body

        steps = run_until_stopped(article)

        article.refresh_from_db()
        assert len(fake_model.requests) == 3
        assert article.body == body
        assert article.status == Article.Status.DRAFT
        assert steps[-1].reason == "使えない返答が重なった"


class TestTransientFailures:
    @pytest.mark.parametrize(
        ("answer", "retry_after"),
        [(fake.status(429, retry_after="7"), 7.0), (fake.status(429), None), (fake.status(503), None)],
    )
    def test_busy_or_failing_server_is_retried_later_and_changes_nothing(
        self, generator, fake_model, passes, answer, retry_after
    ):
        fake_model.then(answer)
        article = article_awaiting(passes[0])

        with pytest.raises(client.Transient) as raised:
            runner.step(article.pk)

        assert raised.value.retry_after == retry_after
        assert not GenerationAttempt.objects.exists()
        assert Segment.objects.filter(article=article).count() == 1
        article.refresh_from_db()
        assert article.status == Article.Status.CONTINUATION
        # The lease stays with the run through its backoff: a new run stays away meanwhile,
        # and the retry, carrying the run's ticket, goes on.
        assert GenerationLease.objects.get(article=article).holder == raised.value.ticket
        assert runner.step(article.pk).again is False
        assert len(fake_model.requests) == 1
        fake_model.then(fake.reply(passes[1]))
        assert runner.step(article.pk, ticket=raised.value.ticket, retries=1).again is False
        assert GenerationAttempt.objects.get(article=article).retries == 1

    def test_a_reply_slower_than_the_timeout_is_retried(self, generator, fake_model, passes):
        generator(timeout_seconds=0.5)
        fake_model.then(fake.slow(2, passes[1]))
        article = article_awaiting(passes[0])

        with pytest.raises(client.Transient, match="秒以内に返りませんでした"):
            runner.step(article.pk)

        assert Segment.objects.filter(article=article).count() == 1

    def test_giving_up_records_why_and_hands_over(self, generator, fake_model, passes):
        article = article_awaiting(passes[0])

        runner.give_up(article.pk, "run-1", "HTTP 503 が返りました。", retries=3)

        article.refresh_from_db()
        attempt = GenerationAttempt.objects.get(article=article, outcome=Outcome.FAILED)
        assert attempt.retries == 3
        assert GenerationAttempt.objects.filter(article=article, outcome=Outcome.HANDED_OVER).exists()
        assert article.status == Article.Status.DRAFT
        assert Segment.objects.filter(article=article).count() == 1


class TestWhenItRuns:
    def test_off_when_not_configured(self, fake_model, passes):
        article = article_awaiting(passes[0])

        step = runner.step(article.pk)

        assert not step.again and fake_model.requests == []

    def test_only_for_an_article_awaiting_continuation(self, generator, fake_model, ready_article):
        step = runner.step(ready_article.pk)

        assert not step.again and fake_model.requests == []

    def test_waits_while_a_person_or_the_api_is_adding_passes(self, generator, fake_model, passes):
        generator(quiet_seconds=60)
        article = article_awaiting(passes[0])

        step = runner.step(article.pk)

        assert step.again and 55 < step.delay <= 60
        assert fake_model.requests == []

    def test_a_second_run_stays_away_while_one_holds_the_article(self, generator, fake_model, passes):
        generator(quiet_seconds=60)
        article = article_awaiting(passes[0])
        waiting = runner.step(article.pk)  # waiting: the lease is kept for the run's next message

        assert runner.step(article.pk).again is False  # a new run
        assert runner.step(article.pk, ticket=waiting.ticket).again is True  # the run going on

    def test_a_copy_of_a_message_stops_and_asks_nothing(self, generator, fake_model, passes):
        fake_model.responder = lambda messages: fake.reply(
            tail_of_prompt(messages).strip()[-40:] + "そして、"
        )
        article = article_awaiting(passes[0])
        first = runner.step(article.pk)
        assert first.again and len(fake_model.requests) == 1

        second = runner.step(article.pk, ticket=first.ticket)
        copy_of_second = runner.step(article.pk, ticket=first.ticket)  # delivered twice by the broker

        assert second.again and copy_of_second.again is False
        assert len(fake_model.requests) == 2

    def test_a_lease_left_by_a_dead_run_is_taken_over_once_it_expires(self, generator, fake_model, passes):
        fake_model.then(fake.reply(passes[1]))
        article = article_awaiting(passes[0])
        GenerationLease.objects.create(article=article, holder="dead-run", expires_at=timezone.now())

        run_until_stopped(article)

        assert GenerationAttempt.objects.get(article=article).outcome == Outcome.ADDED

    def test_articles_left_without_a_run_are_found(self, generator, passes):
        waiting = article_awaiting(passes[0])
        held = article_awaiting(passes[0])
        GenerationLease.objects.create(
            article=held, holder="run-1", expires_at=timezone.now() + timedelta(minutes=5)
        )

        assert runner.unattended_articles() == [waiting.pk]


class TestPeopleFirst:
    def test_after_a_hand_over_a_persons_save_does_not_start_it_again(
        self, generator, fake_model, passes, editor
    ):
        generator(max_passes=1)
        fake_model.responder = lambda messages: fake.reply(
            tail_of_prompt(messages).strip()[-40:] + "そして、"
        )
        article = article_awaiting(passes[0])
        run_until_stopped(article)
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT and len(fake_model.requests) == 1

        # A person adds a tag and saves: the text is still cut off, the detector moves it back.
        revisions.commit_content_change(article, by=editor)
        article.refresh_from_db()
        assert article.status == Article.Status.CONTINUATION
        assert runner.step(article.pk).reason == "人に引き継ぎ済み"
        assert runner.unattended_articles() == []
        assert len(fake_model.requests) == 1

        panel.start_again(article, by=editor)  # 「生成を再開」
        run_until_stopped(article)

        assert len(fake_model.requests) == 2  # a new run, counted afresh
        assert GenerationAttempt.objects.filter(article=article, outcome=Outcome.ADDED).count() == 2

    def test_only_an_editor_may_start_it_again(self, generator, fake_model, passes, writer):
        from editorial.exceptions import NotPermitted

        article = article_awaiting(passes[0])
        with pytest.raises(NotPermitted):
            panel.start_again(article, by=writer)

    def test_a_hand_edited_text_is_handed_over_without_asking(self, generator, fake_model, passes, editor):
        article = article_awaiting(passes[0])
        article.body = article.body.replace("正直なところ", "率直に言えば")
        article.save()
        revisions.commit_content_change(article, by=editor)
        body = article.body

        steps = run_until_stopped(article)

        article.refresh_from_db()
        assert steps[-1].reason == "手で編集されている" and fake_model.requests == []
        assert article.body == body and article.status == Article.Status.DRAFT

    def test_waits_for_a_person_typing_in_the_editor(self, generator, fake_model, passes, editor):
        from writing.models import Autosave

        generator(quiet_seconds=60)
        article = article_awaiting(passes[0])
        # The first pass is an hour old: only the autosave below is recent.
        Segment.objects.filter(article=article).update(created_at=timezone.now() - timedelta(hours=1))
        Autosave.objects.create(user=editor, article=article, fields={}, saved_at=timezone.now())

        step = runner.step(article.pk)

        assert step.again and step.delay > 55 and fake_model.requests == []


@pytest.mark.django_db(transaction=True)
class TestWhileTheModelAnswers:
    """Changes made while the request is out: the fake model makes them before it answers
    (from its own thread, on its own connection, hence transaction=True)."""

    def test_a_reply_to_a_text_that_changed_meanwhile_is_stale_and_added_nowhere(
        self, generator, fake_model, passes, editor
    ):
        article = article_awaiting(passes[0])

        def a_person_adds_a_pass_first(messages):
            segments.add_segment(Article.objects.get(pk=article.pk), text=passes[2], by=editor)
            connection.close()
            return fake.reply(passes[1])

        fake_model.responder = a_person_adds_a_pass_first

        step = runner.step(article.pk)

        article.refresh_from_db()
        assert article.body == assemble_texts([passes[0], passes[2]])  # the person's pass stands
        assert not Segment.objects.filter(source=Segment.Source.GENERATED).exists()
        assert GenerationAttempt.objects.get(article=article).outcome == Outcome.STALE
        assert step.again  # asked again after the quiet period, from the new text

    def test_an_article_deleted_meanwhile_stops_the_run_quietly(self, generator, fake_model, passes):
        article = article_awaiting(passes[0])

        def deleted_first(messages):
            Article.objects.filter(pk=article.pk).delete()
            connection.close()
            return fake.reply(passes[1])

        fake_model.responder = deleted_first

        assert runner.step(article.pk).again is False
        assert not Article.objects.filter(pk=article.pk).exists()


class TestMisconfigured:
    @pytest.mark.parametrize("code", [401, 403, 404])
    def test_a_refused_key_url_or_model_counts_against_nobody(self, generator, fake_model, passes, code):
        fake_model.then(fake.status(code))
        article = article_awaiting(passes[0])

        step = runner.step(article.pk)

        article.refresh_from_db()
        assert not step.again and article.status == Article.Status.CONTINUATION
        attempt = GenerationAttempt.objects.get(article=article)
        assert attempt.outcome == Outcome.CONFIG and "API キー" in attempt.detail

    @pytest.mark.parametrize(
        "changes", [{"url": "http://[::1"}, {"url": "ftp://127.0.0.1/"}, {"api_key": "sk-全角\u3000キー"}]
    )
    def test_a_url_or_key_that_cannot_be_sent_is_a_configuration_error(
        self, generator, fake_model, passes, changes
    ):
        generator(**changes)
        article = article_awaiting(passes[0])

        runner.step(article.pk)

        assert GenerationAttempt.objects.get(article=article).outcome == Outcome.CONFIG

    def test_the_key_is_never_recorded(self, generator, fake_model, passes):
        echoed = fake.Answer(status=401, raw=b'{"error": "invalid key sk-test-not-secret"}')
        fake_model.then(echoed, fake.status(400), fake.Answer(raw=b"Bearer sk-test-not-secret"), fake.EMPTY)
        article = article_awaiting(passes[0])

        run_until_stopped(article)
        run_until_stopped(article)

        details = " ".join(GenerationAttempt.objects.values_list("detail", flat=True))
        comments = " ".join(Transition.objects.values_list("comment", flat=True))
        assert "sk-test-not-secret" not in details + comments
        assert "＊＊＊" in details
        assert "sk-test-not-secret" not in repr(runner.config.current())


class TestReplies:
    def test_a_reasoning_models_thinking_is_left_out(self, generator, fake_model, passes):
        fake_model.then(fake.reply("<think>まず末尾を確認する。</think>\n" + passes[1]))
        article = article_awaiting(passes[0])

        run_until_stopped(article)

        assert Segment.objects.get(article=article, source=Segment.Source.GENERATED).text == passes[1]

    def test_a_reply_with_nul_is_malformed(self, generator, fake_model, passes):
        fake_model.then(fake.reply(passes[1].replace("。", "\x00", 1)))
        article = article_awaiting(passes[0])

        runner.step(article.pk)

        assert GenerationAttempt.objects.get(article=article).outcome == Outcome.MALFORMED
