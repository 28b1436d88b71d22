"""A generated pass is marked machine-written on the continuation page until a person edits it."""

import pytest
from django.urls import reverse

from editorial import revisions
from editorial.continuation import segments
from editorial.generation import marks
from editorial.models import GenerationAttempt

from . import fake_model as fake
from .conftest import article_awaiting
from .test_runner import run_until_stopped

pytestmark = pytest.mark.django_db

MARK = "機械が書いた部分・未編集"
EDITED = "が手を入れた部分"


@pytest.fixture
def generated(generator, fake_model, passes, author):
    """An article of pass 0 (a person's) and pass 1 (the model's)."""
    fake_model.then(fake.reply(passes[1]))
    article = article_awaiting(passes[0], author=author)
    run_until_stopped(article)
    article.refresh_from_db()
    return article


def continuation_page(client, user, article):
    client.force_login(user)
    return client.get(reverse("admin:articles_article_continuation", args=[article.pk])).content.decode()


def save_body(article, body, *, by):
    article.body = body
    article.save()
    revisions.commit_content_change(article, by=by)


def generated_paragraph(article):
    attempt = GenerationAttempt.objects.get(article=article)
    return next(
        part for part in marks.own_text(attempt.segment).split("\n\n") if len(part.strip()) > 20
    ).strip()


def test_a_generated_pass_is_marked_with_its_model_and_prompt(client, editor, generated):
    page = continuation_page(client, editor, generated)

    assert MARK in page
    assert "fake-writer-1・プロンプト第1版" in page
    assert "続きとして追加" in page  # the record below the tree


def test_a_persons_edit_of_its_text_takes_the_mark_away(client, editor, generated):
    paragraph = generated_paragraph(generated)

    save_body(
        generated, generated.body.replace(paragraph, paragraph + "（編集部注：数字は2025年時点）"), by=editor
    )

    attempt = GenerationAttempt.objects.get(article=generated)
    assert attempt.edited_by == editor and not attempt.machine_written
    page = continuation_page(client, editor, generated)
    assert MARK not in page and EDITED in page


def test_an_edit_saved_from_a_browser_with_crlf_line_ends_is_seen(editor, generated):
    paragraph = generated_paragraph(generated)
    edited = generated.body.replace(paragraph, "書き直した段落です。").replace("\n", "\r\n")

    save_body(generated, edited, by=editor)

    assert not GenerationAttempt.objects.get(article=generated).machine_written


@pytest.mark.parametrize("who", ["nobody", "editor"])
def test_other_saves_leave_the_mark(editor, generated, passes, who):
    """The system's saves, and a person's edit of a person's pass, are not edits of the model's text."""
    by = editor if who == "editor" else None
    first_sentence = passes[0].strip().split("。")[0]

    save_body(generated, generated.body.replace(first_sentence, first_sentence + "（追記）"), by=by)

    assert GenerationAttempt.objects.get(article=generated).machine_written


def test_choosing_another_alternative_is_not_an_edit(editor, generated, passes):
    beside = "技術者としては、これらの低コストモデルを使いこなす力が問われます。"
    segments.add_segment(generated, text=beside, by=editor)  # continues pass 0, beside the generated pass 1
    generated.refresh_from_db()
    assert generated_paragraph(generated) not in generated.body

    save_body(generated, generated.body + "\n\n編集部の追記です。\n", by=editor)

    assert GenerationAttempt.objects.get(article=generated).machine_written


def test_the_api_shows_which_passes_were_generated(generated):
    from api.v1 import _answer

    sources = [segment["source"] for segment in _answer(generated)["segments"]]
    assert sources == ["admin", "generated"]


def test_an_edit_of_the_persons_half_of_a_shared_paragraph_is_not_an_edit(generator, fake_model, editor):
    """The model finishes the person's sentence with a few characters ("伸びです。"): that short
    piece, found in any paragraph ending the same way, must not make an edit elsewhere count."""
    first = "まず市場の全体像を押さえます。\n\nこれは一時的な伸びです。\n\n需要を見ると、データセンター向けの"
    reply = (
        "データセンター向けの伸びです。\n\n次に、供給の制約を見ていきます。工場の稼働率はまだ高くありません。"
    )
    fake_model.then(fake.reply(reply))
    article = article_awaiting(first)
    run_until_stopped(article)
    article.refresh_from_db()

    save_body(
        article, article.body.replace("これは一時的な伸びです。", "これは一時的な伸びでした。"), by=editor
    )

    assert GenerationAttempt.objects.get(article=article).machine_written


def test_adding_to_the_end_of_its_shared_paragraph_is_an_edit(generator, fake_model, editor):
    first = "まず市場の全体像を押さえます。\n\n需要の伸びを見ると、データセンター向けの"
    reply = "データセンター向けの需要が、全体の七割を占めます。"
    fake_model.then(fake.reply(reply))
    article = article_awaiting(first)
    run_until_stopped(article)
    article.refresh_from_db()
    ending = "全体の七割を占めます。"

    save_body(article, article.body.replace(ending, ending + "ただし、この数字は推計です。"), by=editor)

    assert not GenerationAttempt.objects.get(article=article).machine_written


def test_an_edit_on_the_path_counts_while_an_alternative_stands_beside_it(
    generator, fake_model, passes, editor, generated
):
    beside = "技術者としては、これらの低コストモデルを使いこなす力が問われます。"
    segments.add_segment(generated, text=beside, by=editor)
    generated.refresh_from_db()
    segments.choose_path(generated, leaf=GenerationAttempt.objects.get(article=generated).segment, by=editor)
    generated.refresh_from_db()
    paragraph = generated_paragraph(generated)

    save_body(generated, generated.body.replace(paragraph, "書き直した段落です。"), by=editor)

    assert not GenerationAttempt.objects.get(article=generated).machine_written
