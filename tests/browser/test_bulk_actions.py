"""The article list's bulk actions in a real browser (issue 15, item 4): an editor
selects articles of different stages, approves them and tags them, and is told in
Japanese what was done and, article by article, what was refused and why; on a
phone neither the list nor the action's form scrolls sideways."""

from datetime import timedelta
from pathlib import Path

import pytest

# The README's pictures are the ones these tests leave.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LIST = "/admin/articles/article/"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def articles(writer, category):
    """Two in review, ready to approve; one in review that a check holds back; a draft
    (an editor approves only what was sent to review); one already live."""
    from django.utils import timezone

    from articles.models import Article
    from tests.factories import READY_BODY, make_article

    def article(title, status, **fields):
        return make_article(
            title=title, body=READY_BODY, excerpt="要点です。", tags=["AI"], authors=[writer.author_profile],
            categories=[category], status=status, **fields,
        )  # fmt: skip

    S = Article.Status
    made = {
        "ready": article("半導体の需給を読む", S.REVIEW),
        "also ready": article("推論モデルの費用", S.REVIEW),
        "no excerpt": article("抜粋を書き忘れた記事", S.REVIEW),
        "draft": article("書きかけの下書き", S.DRAFT),
        "live": article("公開済みの解説", S.PUBLISHED, published_at=timezone.now() - timedelta(days=1)),
    }
    Article.objects.filter(pk=made["no excerpt"].pk).update(excerpt="")
    return made


def select(page, articles):
    for article in articles:
        page.check(f'input.action-select[value="{article.pk}"]')


def run_action(page, action):
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def test_an_editor_approves_and_tags_a_mixed_selection_and_is_told_what_was_refused_and_why(
    page, live_server, editor, articles, screenshot
):
    from articles.models import Article

    S = Article.Status
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}{LIST}")
    select(page, articles.values())
    run_action(page, "approve_now")
    page.wait_for_selector(".messagelist")

    done = page.locator(".messagelist .success").inner_text()
    assert "承認して公開しました（2件）" in done
    assert "「半導体の需給を読む」「レビュー中」→「公開中」" in done
    assert "「推論モデルの費用」「レビュー中」→「公開中」" in done
    refused = page.locator(".messagelist .warning").inner_text()
    assert "次の3件はできませんでした" in refused
    assert "「抜粋を書き忘れた記事」: この操作の前に直す必要があります: 抜粋がありません。" in refused
    assert (
        "「書きかけの下書き」: 「公開中」にする操作は「レビュー中」の記事にだけ行えます"
        "（この記事は今「下書き」）。" in refused
    )
    assert "「公開済みの解説」: すでに「公開中」です。" in refused
    # Each article is a line of its message, not a message of its own with a success tick.
    ticks = page.locator(".messagelist li li").evaluate_all(
        "items => items.map(item => getComputedStyle(item).backgroundImage)"
    )
    assert ticks == ["none"] * 5, ticks
    stages = {name: Article.objects.get(pk=article.pk).status for name, article in articles.items()}
    assert stages == {
        "ready": S.PUBLISHED,
        "also ready": S.PUBLISHED,
        "no excerpt": S.REVIEW,
        "draft": S.DRAFT,
        "live": S.PUBLISHED,
    }
    page.screenshot(path=SCREENSHOTS / "bulk-actions-1366.png", full_page=True)
    screenshot("approved")

    # A tag: the action asks for its name on a page of its own, then reports the same way.
    select(page, [articles["draft"], articles["no excerpt"]])
    run_action(page, "add_tag")
    page.wait_for_selector(".bulk-action-form")
    targets = page.locator(".bulk-targets").inner_text()
    assert "書きかけの下書き（下書き）" in targets and "抜粋を書き忘れた記事（レビュー中）" in targets
    page.fill("input[name=name]", "決算")
    page.click("input[name=_bulk_apply]")
    page.wait_for_selector(".messagelist")
    done = page.locator(".messagelist .success").inner_text()
    assert "タグ「決算」を追加しました（2件）" in done
    assert page.locator(".messagelist .warning").count() == 0
    for name in ("draft", "no excerpt"):
        assert "決算" in Article.objects.get(pk=articles[name].pk).tags.names(), name
    assert "決算" not in Article.objects.get(pk=articles["ready"].pk).tags.names()

    # Tagged again, with one that already has the tag: done for one, refused for the other.
    select(page, [articles["draft"], articles["ready"]])
    run_action(page, "add_tag")
    page.fill("input[name=name]", "決算")
    page.click("input[name=_bulk_apply]")
    page.wait_for_selector(".messagelist")
    assert "タグ「決算」を追加しました（1件）" in page.locator(".messagelist .success").inner_text()
    refused = page.locator(".messagelist .warning").inner_text()
    assert "次の1件はできませんでした" in refused
    assert "「書きかけの下書き」: すでにタグ「決算」が付いています。" in refused


def test_the_list_and_an_action_s_form_fit_a_phone(page, live_server, editor, articles, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "editor")
    page.goto(f"{live_server.url}{LIST}")
    assert sideways_overflow(page) <= 0, f"the article list scrolls sideways by {sideways_overflow(page)}px"
    select(page, [articles["ready"], articles["draft"]])
    run_action(page, "approve_at")
    page.wait_for_selector(".bulk-action-form")
    assert sideways_overflow(page) <= 0, f"the action's form scrolls sideways by {sideways_overflow(page)}px"
    screenshot("form-390")
    # A time in the past is refused on the form, in Japanese, and the form still fits.
    page.fill("input[name=publish_at]", "2020-01-01T09:00")
    page.click("input[name=_bulk_apply]")
    page.wait_for_selector(".errorlist")
    assert "公開予定日時には未来の日時を指定してください。" in page.locator(".errorlist").inner_text()
    assert sideways_overflow(page) <= 0, (
        f"the form with its error scrolls sideways by {sideways_overflow(page)}px"
    )
    page.click("text=やめて一覧に戻る")
    page.wait_for_url(f"{live_server.url}{LIST}")
    # The report, with its long refusals, fits too.
    select(page, articles.values())
    run_action(page, "approve_now")
    page.wait_for_selector(".messagelist .warning")
    assert sideways_overflow(page) <= 0, (
        f"the list with its report scrolls sideways by {sideways_overflow(page)}px"
    )
    screenshot("report-390")
