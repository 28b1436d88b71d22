"""One step of the generator for one article: ask the model once, and add,
record or hand over. The Celery tasks (``editorial/tasks.py``) call ``step``
and queue the next one; what to do next is in the ``Step`` it returns.

Nothing here holds a database lock while waiting for the model. A lease
(``GenerationLease``) keeps other runs away instead: it names the ticket the
run's next message carries, and each step takes a new one, so a message
delivered twice, or a run whose lease ran out while it waited, finds the
ticket changed and stops. Under the article's lock, before a reply is added,
the lease is checked again and so is the article's version: a reply to a text
that changed meanwhile is recorded as stale, never joined to the new text.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from articles.models import Article
from writing.models import Autosave

from .. import pending, workflow
from ..continuation import passes
from ..exceptions import WorkflowError
from ..models import GenerationAttempt, GenerationLease, Revision, Segment, SegmentPath, Transition
from ..people import display_name
from . import client, config, prompts

logger = logging.getLogger(__name__)

Outcome = GenerationAttempt.Outcome
UNUSABLE = (Outcome.EMPTY, Outcome.MALFORMED, Outcome.REFUSED)
# Beyond the request's own deadline, how long a lease outlives a run that died holding it.
LEASE_MARGIN = timedelta(seconds=60)


@dataclass
class Step:
    again: bool
    delay: float = 0.0
    reason: str = ""
    ticket: str | None = None  # what the run's next message carries


def _stop(reason: str) -> Step:
    return Step(again=False, reason=reason)


def _lease_seconds(settings, extra: float = 0.0) -> float:
    return settings.timeout_seconds + extra + LEASE_MARGIN.total_seconds()


def _claim(article_id: int, ticket: str | None, seconds: float) -> tuple[Article, str] | None:
    """The article and this step's ticket, if the article awaits continuation and the
    lease is free (a new run, ``ticket`` None) or names ``ticket`` (the run going on)."""
    now = timezone.now()
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            return None
        lease = GenerationLease.objects.filter(article=article).first()
        live = lease is not None and lease.expires_at > now
        if live and lease.holder != ticket:
            return None  # another run, or a copy of a message this run already took
        if article.status != Article.Status.CONTINUATION:
            if lease is not None and lease.holder == ticket:
                lease.delete()
            return None
        step_ticket = uuid.uuid4().hex
        GenerationLease.objects.update_or_create(
            article=article, defaults={"holder": step_ticket, "expires_at": now + timedelta(seconds=seconds)}
        )
        return article, step_ticket


def hold(article_id: int, ticket: str, seconds: float) -> None:
    """Keep the lease until the run's next message (a retry's backoff, a wait) is due."""
    GenerationLease.objects.filter(article_id=article_id, holder=ticket).update(
        expires_at=timezone.now() + timedelta(seconds=seconds) + LEASE_MARGIN
    )


def release(article_id: int, ticket: str) -> None:
    GenerationLease.objects.filter(article_id=article_id, holder=ticket).delete()


def _last(article, outcome):
    return GenerationAttempt.objects.filter(article=article, outcome=outcome).aggregate(at=Max("created_at"))[
        "at"
    ]


def _handed_over_since_asked(article) -> bool:
    """Whether the generator gave this article to a person and nobody asked for it again
    (an editor's 生成を再開 or an editor's move into continuation): a person's save that
    leaves the text cut off brings the article back to continuation (the detector's
    move), and that is not a request to write more."""
    handed = _last(article, Outcome.HANDED_OVER)
    if handed is None:
        return False
    requested = _last(article, Outcome.REQUESTED)
    if requested is not None and requested > handed:
        return False
    moved_by_a_person = Transition.objects.filter(
        article=article, to_status=Article.Status.CONTINUATION, actor__isnull=False, created_at__gt=handed
    )
    return not moved_by_a_person.exists()


def _run_started(article):
    """Where the run's count starts: the article's last move into continuation, or an
    editor's request to start again, whichever came last."""
    entered = Transition.objects.filter(article=article, to_status=Article.Status.CONTINUATION).aggregate(
        at=Max("created_at")
    )["at"]
    moments = [entered, _last(article, Outcome.REQUESTED)]
    return max(filter(None, moments), default=article.created_at)


def handed_over(article) -> bool:
    return _handed_over_since_asked(article)


def request_again(article, *, by) -> None:
    """An editor asks the generator to take up an article it handed over: a new run, counted afresh."""
    _record(
        article,
        config.current(),
        None,
        Outcome.REQUESTED,
        detail=f"{display_name(by)} が生成の再開を依頼しました。",
    )


def _quiet_for(article, settings: config.GeneratorConfig) -> float:
    """Seconds still to wait after a person's (or the API's) last pass, save or autosave."""
    moments = [
        Segment.objects.filter(article=article)
        .exclude(source=Segment.Source.GENERATED)
        .aggregate(at=Max("created_at"))["at"],
        Revision.objects.filter(article=article, author__isnull=False).aggregate(at=Max("created_at"))["at"],
        Autosave.objects.filter(article=article).aggregate(at=Max("saved_at"))["at"],
    ]
    last = max(filter(None, moments), default=None)
    if last is None:
        return 0.0
    return max(0.0, settings.quiet_seconds - (timezone.now() - last).total_seconds())


def _hand_edited(article) -> bool:
    """Whether the text differs from what its passes assemble: a person edited it by hand.
    Adding a pass would assemble the passes again and put the edit aside (as a revision)."""
    assembled = SegmentPath.objects.filter(article=article).values_list("assembled_body", flat=True).first()
    if assembled is None:
        return False  # no passes yet: the text becomes the first one
    body = pending.working_copy(article).body
    return body.replace("\r\n", "\n").strip() != assembled.replace("\r\n", "\n").strip()


def _record(article, settings, template, outcome, **fields) -> GenerationAttempt:
    return GenerationAttempt.objects.create(
        article=article,
        model=settings.model if settings else "",
        currency=settings.currency if settings else "",
        prompt=template,
        outcome=outcome,
        **fields,
    )


def hand_over(article, settings, reason: str) -> bool:
    """Record why the run stops and give the article to a person (back to draft)."""
    _record(article, settings, None, Outcome.HANDED_OVER, detail=reason)
    try:
        return workflow.hand_over_from_generator(article, comment=reason)
    except WorkflowError:
        return False  # a person moved it first: it is theirs already


def step(article_id: int, *, ticket: str | None = None, retries: int = 0) -> Step:
    """Ask for the next pass of ``article_id`` once.

    ``client.Transient`` escapes for the task to retry; it carries the step's ticket
    (``error.ticket``), under which the lease is kept. Anything else unforeseen is
    recorded and the article handed to a person, so no run repeats a failure forever."""
    settings = config.current()
    if settings is None:
        return _stop("生成の設定がありません")
    claimed = _claim(article_id, ticket, _lease_seconds(settings))
    if claimed is None:
        return _stop("続きを待つ記事ではないか、別の実行が担当しています")
    article, ticket = claimed
    try:
        result = _step(article, settings, ticket=ticket, retries=retries)
    except client.Transient as error:
        error.ticket = ticket
        raise
    except Article.DoesNotExist:
        return _stop("記事が削除された")
    except Exception as error:
        logger.exception("続きの生成で予期しないエラー", extra={"article_id": article_id})
        release(article_id, ticket)
        if Article.objects.filter(pk=article_id).exists():
            detail = f"予期しないエラー（{type(error).__name__}）"
            _record(article, settings, None, Outcome.FAILED, detail=detail, retries=retries)
            hand_over(article, settings, f"続きの生成で{detail}が起きたため、人に引き継ぎます。")
        return _stop("予期しないエラー")
    if result.again:
        # The run goes on in the next message, which carries this step's ticket.
        hold(article_id, ticket, result.delay + _lease_seconds(settings))
        result.ticket = ticket
    else:
        release(article_id, ticket)
    return result


def _step(article, settings, *, ticket, retries) -> Step:
    if _handed_over_since_asked(article):
        return _stop("人に引き継ぎ済み")
    attempts = GenerationAttempt.objects.filter(article=article, created_at__gte=_run_started(article))
    added = attempts.filter(outcome=Outcome.ADDED).count()
    unusable = attempts.filter(outcome__in=UNUSABLE).count()
    if added >= settings.max_passes:
        hand_over(
            article,
            settings,
            f"続きを {added} 回生成しても本文が文の途中で終わっているため、人に引き継ぎます。",
        )
        return _stop("上限に達した")
    if unusable >= settings.max_unusable:
        hand_over(
            article,
            settings,
            f"使えない返答が {unusable} 回あったため、人に引き継ぎます。生成の記録を確認してください。",
        )
        return _stop("使えない返答が重なった")
    if wait := _quiet_for(article, settings):
        return Step(again=True, delay=wait, reason="人の作業が終わるのを待つ")
    if _hand_edited(article):
        hand_over(
            article,
            settings,
            "本文に手で編集した箇所があるため、続きの生成をやめて人に引き継ぎます"
            "（生成した続きを足すと、部分から組み立て直して編集を脇に置くことになるため）。",
        )
        return _stop("手で編集されている")
    template = prompts.current_template()
    asked_version = article.version
    try:
        reply = client.ask(settings, prompts.messages_for(template, article))
    except client.Misconfigured as error:
        # Not the article's fault: nothing counts, nobody is handed anything; the sweep asks again later.
        _record(article, settings, template, Outcome.CONFIG, detail=error.detail, retries=retries)
        logger.error("続きの生成の設定を確認してください: %s", error.detail)
        return _stop("設定の誤り")
    except client.Unusable as error:
        _record(
            article,
            settings,
            template,
            error.outcome,
            detail=error.detail,
            latency_ms=error.latency_ms,
            retries=retries,
        )
        return Step(again=True, reason=error.detail)
    measured = {
        "prompt_tokens": reply.prompt_tokens,
        "completion_tokens": reply.completion_tokens,
        "latency_ms": reply.latency_ms,
        "cost": settings.cost(reply.prompt_tokens, reply.completion_tokens),
        "retries": retries,
    }
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        still_ours = GenerationLease.objects.filter(article=locked, holder=ticket).exists()
        if not still_ours or locked.status != Article.Status.CONTINUATION or locked.version != asked_version:
            _record(
                locked,
                settings,
                template,
                Outcome.STALE,
                detail="返答を待つ間に本文か段階が変わったため、追加しませんでした。",
                **measured,
            )
            if still_ours and locked.status == Article.Status.CONTINUATION:
                return Step(again=True, delay=settings.quiet_seconds, reason="本文が変わった")
            return _stop("記事が変わった")
        try:
            with transaction.atomic():
                segment, _ = passes.add_pass(
                    locked, text=reply.text, by=None, source=Segment.Source.GENERATED
                )
        except WorkflowError as error:
            _record(locked, settings, template, Outcome.REFUSED, detail=str(error), **measured)
            return Step(again=True, reason=str(error))
        _record(locked, settings, template, Outcome.ADDED, segment=segment, **measured)
    locked.refresh_from_db(fields=["status"])
    if locked.status == Article.Status.CONTINUATION:
        return Step(again=True, reason="まだ文の途中で終わっている")
    return _stop("本文の続きが揃った")


def give_up(article_id: int, ticket: str, detail: str, *, retries: int) -> None:
    """Retries exhausted: record why, and hand the article to a person."""
    settings = config.current()
    article = Article.objects.filter(pk=article_id).first()
    if article is not None:
        _record(article, settings, prompts.current_template(), Outcome.FAILED, detail=detail, retries=retries)
        hand_over(
            article,
            settings,
            f"続きの生成が {retries} 回の再試行でも届かなかったため、人に引き継ぎます（{detail}）。",
        )
    release(article_id, ticket)


def unattended_articles() -> list[int]:
    """Articles awaiting continuation with no live lease, that the generator has not handed over."""
    leased = GenerationLease.objects.filter(expires_at__gt=timezone.now()).values("article_id")
    waiting = Article.objects.filter(status=Article.Status.CONTINUATION).exclude(pk__in=leased)
    return [article.pk for article in waiting if not _handed_over_since_asked(article)]
