"""The continuation generator as an editor meets it in a real browser (issue 17, item 4).

An article's first pass is a person's; the model (tests/generation/fake_model.py,
over real HTTP, the runner in this process) wrote the rest, and one of its
replies was empty. On a desktop and on a phone the continuation page marks each
generated pass with its model and prompt version, and its record reads in
Japanese without the page scrolling sideways. The editor edits a generated
paragraph in the change form and saves: that pass is shown as a person's edit
and loses its mark. The prompt page keeps every version and refuses a template
the generator cannot fill."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from tests.browser.test_desk import log_in
from tests.generation import fake_model as fake
from tests.generation.conftest import article_awaiting, generator_settings
from tests.generation.test_runner import run_until_stopped, sample_reader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MARK = "機械が書いた部分・未編集"
# Latin words an editor may meet on the page: the model's name, units, the record's currency.
LATIN_ALLOWED = {"fake", "writer", "ms", "USD"}
# How many lines an element's text is laid out on: the distinct tops of its line boxes.
LINES_OF = """element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
}"""


@pytest.fixture
def fake_model():
    model = fake.FakeChatModel().start()
    yield model
    model.stop()


@pytest.fixture
def generator(fake_model):
    # Process-wide settings: the live server's thread sees the generator configured.
    with override_settings(CONTINUATION_GENERATOR=generator_settings(fake_model.url)):
        yield


@pytest.fixture
def chief(db):
    """An editor with a name, so the page can be seen naming people, not login ids."""
    from editorial.roles import EDITORS
    from tests.conftest import _staff_user

    return _staff_user("suzuki", EDITORS, last_name="鈴木", first_name="一郎")


@pytest.fixture
def generated(generator, fake_model, author, chief):
    """Pass 0 by a person; an empty reply; then passes 2, 3 and 4 by the model, as the sample reads."""
    from tests.editorial.continuation.cutoff_corpus.sample import sample_passes

    passes = sample_passes()
    # A busy site's passes have seven-digit numbers, which the record must still fit on a desktop.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('editorial_segment', 'id'),"
            " GREATEST(1000000, (SELECT MAX(id) FROM editorial_segment)))"
        )
    fake_model.then(fake.EMPTY)
    fake_model.responder = sample_reader(passes)
    article = article_awaiting(passes[0], author=author, by=chief)
    run_until_stopped(article)
    article.refresh_from_db()
    return article


def generated_attempts(article):
    from editorial.models import GenerationAttempt

    return list(GenerationAttempt.objects.filter(article=article, segment__isnull=False).order_by("pk"))


@pytest.fixture
def new_page(browser):
    """A page at a width, in a context of its own, closed after the test."""
    contexts = []

    def make(width):
        context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
        contexts.append(context)
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900 if width > 1000 else 844})
        return page

    yield make
    for context in contexts:
        context.close()


def open_continuation(page, live_server, article):
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/continuation/")
    page.wait_for_selector(".segment-tree")


def fits(page, what):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} scrolls sideways by {overflow}px"


def latin_words(text, *, besides=""):
    """The Latin words of ``text`` that are neither allowed nor in ``besides`` (the article's own text)."""
    found = set(re.findall(r"[A-Za-z]{2,}", text))
    return found - LATIN_ALLOWED - set(re.findall(r"[A-Za-z]{2,}", besides))


@pytest.mark.parametrize("width", [1366, 390])
def test_generated_passes_are_marked_and_the_record_reads_on_a_desktop_and_a_phone(
    new_page, live_server, generated, width
):
    from editorial.models import GenerationAttempt, Segment

    page = new_page(width)
    log_in(page, live_server, "suzuki")
    open_continuation(page, live_server, generated)

    # Each generated pass carries the mark with its model and prompt version; the person's does not.
    attempts = generated_attempts(generated)
    assert len(attempts) == 3
    first = Segment.objects.filter(article=generated, parent__isnull=True).get()
    assert page.locator(f'li.segment[data-segment="{first.pk}"] .machine-written').count() == 0
    for attempt in attempts:
        mark = page.locator(f'li.segment[data-segment="{attempt.segment_id}"] .machine-written')
        assert mark.is_visible()
        assert mark.inner_text() == f"{MARK}（fake-writer-1・プロンプト第1版）"
        box = mark.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, "the mark is cut off"
    assert page.locator(".machine-written").count() == 3

    # The record: every request, newest first, the empty reply with its reason.
    log = page.locator(".generation-log")
    assert log.locator("h2").inner_text() == "続きの自動生成"
    headers = log.locator("th").all_inner_texts()
    assert headers == [
        "日時",
        "結果",
        "部分",
        "モデル",
        "プロンプト",
        "トークン（入力／出力）",
        "応答時間",
        "費用",
        "詳細",
    ]
    rows = log.locator("tbody tr")
    assert rows.count() == GenerationAttempt.objects.filter(article=generated).count() == 4
    outcomes = [row.locator("td").nth(1).inner_text() for row in rows.all()]
    assert sorted(outcomes) == ["空の返答", "続きとして追加", "続きとして追加", "続きとして追加"]
    added = log.locator("tr.outcome-added").first
    assert "1200／800" in added.inner_text() and "0.001800 USD" in added.inner_text()
    # Readable: no header breaks into a column of single characters.
    for header in log.locator("th").all():
        lines = header.evaluate(LINES_OF)
        assert lines <= 1, f"「{header.inner_text()}」 wraps onto {lines} lines"
    # Japanese: what the page says is Japanese, besides the model's name and units.
    assert latin_words(page.locator("#content").inner_text(), besides=generated.body) == set()

    fits(page, "the continuation page")
    # The box to write the next pass in stays inside its section.
    section, box = (page.locator(what).bounding_box() for what in (".add-segment", ".add-segment textarea"))
    assert box["x"] + box["width"] <= section["x"] + section["width"], (
        "the text box sticks out of its section"
    )
    scroller = log.locator(".table-scroll")
    overflow = scroller.evaluate("box => box.scrollWidth - box.clientWidth")
    if width < 768:
        assert overflow > 0, "the record should scroll inside its own box on a phone"
        scroller.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
        assert scroller.evaluate("box => box.scrollLeft") > 0
        fits(page, "the continuation page with its record scrolled")
        scroller.evaluate("box => { box.scrollLeft = 0; }")
    else:
        assert overflow <= 0, "the record should fit a desktop without scrolling"
    page.screenshot(path=SCREENSHOTS / f"generation-{width}.png", full_page=True)


def test_an_edit_in_the_change_form_takes_the_mark_off_that_pass(new_page, live_server, generated):
    from editorial.generation import marks
    from editorial.models import GenerationAttempt

    edited, *untouched = generated_attempts(generated)
    paragraph = next(part.strip() for part in marks.own_text(edited.segment).split("\n\n") if len(part) > 40)
    page = new_page(1366)
    log_in(page, live_server, "suzuki")
    page.goto(f"{live_server.url}/admin/articles/article/{generated.pk}/change/")
    page.wait_for_selector("#writing-toolbar")

    body = page.input_value("#id_body")
    assert paragraph in body
    page.fill("#id_body", body.replace(paragraph, paragraph + "（編集部注：2025年時点の数字です）"))
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")

    open_continuation(page, live_server, generated)
    node = page.locator(f'li.segment[data-segment="{edited.segment_id}"]')
    assert node.locator(".machine-written").count() == 0
    assert node.locator(".machine-edited").inner_text() == "機械が書き、鈴木 一郎 が手を入れた部分"
    for attempt in untouched:
        other = page.locator(f'li.segment[data-segment="{attempt.segment_id}"]')
        assert MARK in other.locator(".machine-written").inner_text()
    assert page.locator(".machine-written").count() == 2
    assert GenerationAttempt.objects.get(pk=edited.pk).edited_by.username == "suzuki"
    assert "2025年時点の数字です" in page.locator(".assembled-preview").inner_text()


def test_the_prompt_page_keeps_every_version_and_refuses_an_unknown_placeholder(new_page, live_server, chief):
    from editorial.generation import prompts
    from editorial.models import PromptTemplate

    first = prompts.current_template()
    page = new_page(1366)
    log_in(page, live_server, "suzuki")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="続きの生成のプロンプト").first.click()
    page.locator("#result_list").get_by_role("link", name="第1版").click()
    page.wait_for_selector("#id_instructions")
    assert page.locator("label[for=id_instructions]").inner_text().startswith("依頼文")

    page.fill("#id_instructions", "記事「{title}」の続きを、です・ます調で書いてください。\n\n{body}")
    page.fill("#id_note", "短くした")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .info")
    # One message, saying what happened: a new version was added, the old one kept.
    assert page.locator(".messagelist li").all_inner_texts() == [
        "第2版として保存しました。これからの生成はこの版を使います。前の版はそのまま残ります。"
    ]
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2
    newest, kept = rows.all()
    assert newest.locator("th").inner_text() == "第2版"
    assert kept.locator("th").inner_text() == "第1版"
    assert newest.locator("td.field-in_use").inner_text() == "使用中"
    assert kept.locator("td.field-in_use").inner_text() == "以前の版（記録のため残しています）"
    assert newest.locator("td.field-note").inner_text() == "短くした"
    assert newest.locator("td.field-made_by").inner_text() == "鈴木 一郎"
    assert kept.locator("td.field-note").inner_text() == "最初の版"
    assert PromptTemplate.objects.get(version=1).instructions == first.instructions

    # A placeholder the generator cannot fill is refused, in Japanese, and nothing is saved.
    page.locator("#result_list").get_by_role("link", name="第2版").click()
    page.wait_for_selector("#id_instructions")
    page.fill("#id_instructions", "続きを書いてください。{body}{author}")
    page.click("input[name=_save]")
    error = page.locator(".field-instructions .errorlist")
    error.wait_for()
    assert error.inner_text() == (
        "使えない差し込み {author} があります。使えるのは {title}、{excerpt}、{body}、{tail} です。"
    )
    assert PromptTemplate.objects.count() == 2

    # 保存して編集を続ける opens the version just made, with what was written.
    page.fill("#id_instructions", "続きを書いてください。{body}")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .info")
    third = PromptTemplate.objects.get(version=3)
    assert page.url.endswith(f"/admin/editorial/prompttemplate/{third.pk}/change/")
    assert page.input_value("#id_instructions") == "続きを書いてください。{body}"
    assert page.locator(".field-version .readonly").inner_text() == "3"
