"""How long an article body may be: one rule for every way text comes in
(the form, the live preview, a pasted continuation, a Jekyll file)."""

from django.conf import settings


def body_too_long(text: str, *, what: str = "本文") -> str | None:
    """Why ``text`` is too long for an article body, in Japanese; None if it fits.

    The limit (``ARTICLE_BODY_MAX_CHARS``) keeps rendering, diffing and the
    search index of one article within a request's time.
    """
    limit = settings.ARTICLE_BODY_MAX_CHARS
    if len(text) <= limit:
        return None
    return (
        f"{what}が長すぎます（{len(text):,} 文字、上限 {limit:,} 文字）。"
        "記事を分けるなどして、上限以内に収めてください。"
    )
