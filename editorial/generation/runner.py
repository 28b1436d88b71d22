"""One step of the generator for one article: ask the model once, and add,
record or hand over. The Celery tasks (``editorial/tasks.py``) call ``step``
and queue the next one; what to do next is in the ``Step`` it returns.

Nothing here holds a database lock while waiting for the model: the lease
(``GenerationLease``) keeps a second run away instead, and the article is
read again, under its lock, before the reply is added.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from articles.models import Article

from .. import workflow
from ..continuation import passes
from ..exceptions import WorkflowError
from ..models import GenerationAttempt, GenerationLease, Revision, Segment, Transition
from . import client, config, prompts

Outcome = GenerationAttempt.Outcome
UNUSABLE = (Outcome.EMPTY, Outcome.MALFORMED, Outcome.REFUSED)
# Beyond the request's own timeout, how long a lease outlives a run that died holding it.
LEASE_MARGIN = timedelta(seconds=60)


@dataclass
class Step:
    again: bool
    delay: float = 0.0
    reason: str = ""


def _stop(reason: str) -> Step:
    return Step(again=False, reason=reason)


def _claim(article_id: int, holder: str, seconds: float) -> Article | None:
    """The article, if it awaits continuation and no other run holds it; the lease is now ``holder``'s."""
    now = timezone.now()
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None or article.status != Article.Status.CONTINUATION:
            return None
        lease = GenerationLease.objects.filter(article=article).first()
        if lease and lease.holder != holder and lease.expires_at > now:
            return None
        GenerationLease.objects.update_or_create(
            article=article, defaults={"holder": holder, "expires_at": now + timedelta(seconds=seconds)}
        )
        return article


def hold(article_id: int, holder: str, seconds: float) -> None:
    """Keep the lease through a retry's backoff."""
    GenerationLease.objects.filter(article_id=article_id, holder=holder).update(
        expires_at=timezone.now() + timedelta(seconds=seconds) + LEASE_MARGIN
    )


def release(article_id: int, holder: str) -> None:
    GenerationLease.objects.filter(article_id=article_id, holder=holder).delete()


def _run_started(article) -> object:
    """When the article last entered continuation: the run's passes are counted from there."""
    entered = Transition.objects.filter(article=article, to_status=Article.Status.CONTINUATION).aggregate(
        at=Max("created_at")
    )["at"]
    return entered or article.created_at


def _quiet_for(article, settings: config.GeneratorConfig) -> float:
    """Seconds still to wait after a person's (or the API's) last change to the text."""
    last = max(
        filter(
            None,
            [
                Segment.objects.filter(article=article)
                .exclude(source=Segment.Source.GENERATED)
                .aggregate(at=Max("created_at"))["at"],
                Revision.objects.filter(article=article, author__isnull=False).aggregate(
                    at=Max("created_at")
                )["at"],
            ],
        ),
        default=None,
    )
    if last is None:
        return 0.0
    remaining = settings.quiet_seconds - (timezone.now() - last).total_seconds()
    return max(0.0, remaining)


def _record(article, settings, template, outcome, **fields) -> GenerationAttempt:
    return GenerationAttempt.objects.create(
        article=article, model=settings.model, prompt=template, outcome=outcome, **fields
    )


def hand_over(article_id: int, reason: str) -> bool:
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return False
    try:
        return workflow.hand_over_from_generator(article, comment=reason)
    except WorkflowError:
        return False  # a person moved it first: it is theirs already


def step(article_id: int, *, holder: str, retries: int = 0) -> Step:
    """Ask for the next pass of ``article_id`` once. The lease stays with ``holder``
    while the run goes on (the next task is given the same holder) and through a
    retry (``client.Transient`` escapes for the task to retry); it goes when the run stops."""
    settings = config.current()
    if settings is None:
        return _stop("生成の設定がありません")
    article = _claim(article_id, holder, settings.timeout_seconds + LEASE_MARGIN.total_seconds())
    if article is None:
        return _stop("続きを待つ記事ではないか、別の実行が担当しています")
    try:
        result = _step(article, settings, retries=retries)
    except client.Transient:
        raise  # the lease stays with this run through its backoff (``hold``)
    except BaseException:
        release(article_id, holder)
        raise
    if result.again:
        # The run goes on in the next task, which takes this lease over.
        hold(article_id, holder, result.delay + settings.timeout_seconds)
    else:
        release(article_id, holder)
    return result


def _step(article, settings, *, retries) -> Step:
    started = _run_started(article)
    attempts = GenerationAttempt.objects.filter(article=article, created_at__gte=started)
    added = attempts.filter(outcome=Outcome.ADDED).count()
    unusable = attempts.filter(outcome__in=UNUSABLE).count()
    if added >= settings.max_passes:
        hand_over(
            article.pk,
            f"続きを {added} 回生成しても本文が文の途中で終わっているため、人に引き継ぎます。",
        )
        return _stop("上限に達した")
    if unusable >= settings.max_unusable:
        hand_over(
            article.pk,
            f"使えない返答が {unusable} 回続いたため、人に引き継ぎます。生成の記録を確認してください。",
        )
        return _stop("使えない返答が続いた")
    if wait := _quiet_for(article, settings):
        return Step(again=True, delay=wait, reason="人の作業が終わるのを待つ")
    template = prompts.current_template()
    try:
        reply = client.ask(settings, prompts.messages_for(template, article))
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
        if locked.status != Article.Status.CONTINUATION:
            _record(
                locked,
                settings,
                template,
                Outcome.REFUSED,
                detail="返答を待つ間に記事が続きの段階を離れたため、追加しませんでした。",
                **measured,
            )
            return _stop("記事が続きの段階を離れた")
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


def give_up(article_id: int, holder: str, detail: str, *, retries: int) -> None:
    """Retries exhausted: record why, and hand the article to a person."""
    settings = config.current()
    article = Article.objects.filter(pk=article_id).first()
    if article is not None and settings is not None:
        _record(
            article,
            settings,
            prompts.current_template(),
            Outcome.FAILED,
            detail=detail,
            retries=retries,
        )
        hand_over(
            article_id,
            f"続きの生成が {retries} 回の再試行でも届かなかったため、人に引き継ぎます（{detail}）。",
        )
    release(article_id, holder)


def unattended_articles() -> list[int]:
    """Articles awaiting continuation with no live lease."""
    leased = GenerationLease.objects.filter(expires_at__gt=timezone.now()).values("article_id")
    return list(
        Article.objects.filter(status=Article.Status.CONTINUATION)
        .exclude(pk__in=leased)
        .values_list("pk", flat=True)
    )
