"""Editors edit the generator's prompt in the admin; every save is a new version."""

import pytest
from django.urls import reverse

from editorial.generation import prompts
from editorial.models import GenerationAttempt, PromptTemplate

from . import fake_model as fake
from .conftest import article_awaiting
from .test_runner import run_until_stopped

pytestmark = pytest.mark.django_db


def edit(client, user, template, **changes):
    client.force_login(user)
    data = {
        "system": template.system,
        "instructions": template.instructions,
        "note": template.note,
        **changes,
    }
    return client.post(reverse("admin:editorial_prompttemplate_change", args=[template.pk]), data)


def first_version():
    return prompts.current_template()


def test_an_edit_is_saved_as_a_new_version_and_the_old_one_stays(client, editor):
    before = first_version()

    response = edit(client, editor, before, system="短く、結論から書いてください。", note="短くする")

    assert response.status_code == 302
    newest = PromptTemplate.objects.order_by("-version").first()
    assert (newest.version, newest.system, newest.created_by) == (2, "短く、結論から書いてください。", editor)
    assert PromptTemplate.objects.get(version=before.version).system == before.system


def test_the_next_pass_is_asked_with_the_new_version_and_names_it(
    client, editor, generator, fake_model, passes
):
    edit(client, editor, first_version(), instructions="続きを書いてください。\n{body}\n（{title}）")
    fake_model.then(fake.reply(passes[1]))
    article = article_awaiting(passes[0])

    run_until_stopped(article)

    assert GenerationAttempt.objects.get(article=article).prompt.version == 2
    user_message = fake_model.requests[0]["body"]["messages"][1]["content"]
    assert user_message.startswith("続きを書いてください。\n")
    assert user_message.endswith(f"（{article.title}）")


def test_a_save_without_changes_makes_no_version(client, editor):
    edit(client, editor, first_version())
    edit(client, editor, first_version())

    assert PromptTemplate.objects.count() == 1


@pytest.mark.parametrize(
    ("instructions", "message"),
    [
        ("続きを書いてください。{body}{author.password}", "使えない差し込み {author.password}"),
        ("続きを書いてください。{本文}", "使えない差し込み {本文}"),
        ("続きを書いてください。", "{body}（ここまでの本文）か {tail}"),
    ],
)
def test_a_template_the_generator_cannot_fill_is_refused_in_japanese(client, editor, instructions, message):
    response = edit(client, editor, first_version(), instructions=instructions)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert PromptTemplate.objects.count() == 1


def test_a_placeholder_is_text_never_evaluated(generator, fake_model, passes):
    first_version()
    PromptTemplate.objects.create(version=2, system="{title}", instructions="{body} {{title}} {title.upper}")
    fake_model.then(fake.reply(passes[1]))
    article = article_awaiting(passes[0])

    run_until_stopped(article)

    system, user = (message["content"] for message in fake_model.requests[0]["body"]["messages"])
    assert system == article.title
    assert user.endswith(f" {{{article.title}}} {{title.upper}}")


def test_writers_cannot_see_or_edit_the_prompt(client, writer):
    client.force_login(writer)

    assert client.get(reverse("admin:editorial_prompttemplate_changelist")).status_code == 403
    assert edit(client, writer, first_version(), system="x").status_code == 403
    assert PromptTemplate.objects.count() == 1


def test_versions_cannot_be_deleted_and_the_record_cannot_be_changed(client, editor, superuser):
    client.force_login(superuser)

    delete = client.get(reverse("admin:editorial_prompttemplate_delete", args=[first_version().pk]))
    record = client.get(reverse("admin:editorial_generationattempt_add"))

    assert delete.status_code == 403 and record.status_code == 403
    client.force_login(editor)
    listing = client.get(reverse("admin:editorial_generationattempt_changelist"))
    assert listing.status_code == 200 and "続きの生成の記録" in listing.content.decode()
