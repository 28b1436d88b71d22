"""The prompt editors write for the generator, and what it asks the model.

A template names the parts of the article it wants in braces: ``{title}``,
``{excerpt}``, ``{body}`` (the text so far), ``{tail}`` (its last characters,
which the reply should repeat so the stitcher can find where it joins).
Placeholders are replaced as plain text, never evaluated: a template cannot
reach anything but these four values.
"""

import re

from django.db import IntegrityError, transaction

from .. import pending
from ..models import PromptTemplate

TAIL_CHARS = 200
PLACEHOLDERS = {
    "title": "タイトル",
    "excerpt": "抜粋",
    "body": "ここまでの本文",
    "tail": "本文の最後の200文字",
}
_PLACEHOLDER = re.compile(r"\{([^{}\n]{0,40})\}")

DEFAULT_SYSTEM = (
    "あなたはALLFORCES編集部の記事の続きを書く書き手です。投資とテクノロジーの分析記事を、"
    "です・ます調の落ち着いた日本語で書きます。数字や固有名詞は本文にあるものだけを使い、"
    "ないものは作りません。Markdown の見出しと段落の書き方は本文に合わせます。"
)
DEFAULT_INSTRUCTIONS = (
    "記事「{title}」の本文は、次のところで文の途中で終わっています。\n\n"
    "<本文>\n{body}\n</本文>\n\n"
    "続きを書いてください。返答は、本文の最後の文（「{tail}」の終わりの部分）をそのまま繰り返す"
    "ところから始め、途中で切らずに、記事がまとまるところまで続けてください。"
    "前置きや説明は付けず、本文だけを返してください。"
)


def unknown_placeholders(template: str) -> list[str]:
    """The ``{…}`` names in ``template`` that are not the four it may use."""
    return sorted({name for name in _PLACEHOLDER.findall(template) if name not in PLACEHOLDERS})


def fill(template: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)


def values_for(article) -> dict[str, str]:
    working = pending.working_copy(article)
    body = working.body.rstrip()
    return {"title": working.title, "excerpt": working.excerpt, "body": body, "tail": body[-TAIL_CHARS:]}


def messages_for(template, article) -> list[dict]:
    """The chat messages that ask for ``article``'s next pass."""
    values = values_for(article)
    return [
        {"role": "system", "content": fill(template.system, values)},
        {"role": "user", "content": fill(template.instructions, values)},
    ]


def current_template() -> PromptTemplate:
    """The newest version; the first is made from the defaults where none exists
    (a database made without migrations' data, or emptied)."""
    template = PromptTemplate.objects.order_by("-version").first()
    if template is None:
        template, _ = PromptTemplate.objects.get_or_create(
            version=1,
            defaults={"system": DEFAULT_SYSTEM, "instructions": DEFAULT_INSTRUCTIONS, "note": "最初の版"},
        )
    return template


def save_as_new_version(template: PromptTemplate, *, by) -> PromptTemplate:
    """Save an edited template as the next version; the one it was edited from stays as it was.

    Two editors saving at once would take the same number: the second takes the next."""
    for _ in range(5):
        latest = PromptTemplate.objects.order_by("-version").values_list("version", flat=True).first() or 0
        template.pk = None
        template._state.adding = True
        template.version = latest + 1
        template.created_by = by
        try:
            with transaction.atomic():
                template.save()
        except IntegrityError:
            continue
        return template
    raise IntegrityError("no free version number for the prompt")
