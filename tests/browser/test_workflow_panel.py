"""The workflow panel as a writer meets it (issue 15, item 6): a blocked button
is disabled with its reasons beside it, and a submission can be withdrawn."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as_writer(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "writer")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def test_a_writer_sees_why_submit_is_blocked_then_withdraws_a_submission(
    page, live_server, ready_article, writer, screenshot
):
    from articles.models import Article
    from editorial import workflow

    Article.objects.filter(pk=ready_article.pk).update(excerpt="")
    log_in_as_writer(page, live_server)
    assert "ようこそ 山田 書子 さん" in " ".join(page.locator("#user-tools").inner_text().split())
    url = f"{live_server.url}/admin/articles/article/{ready_article.pk}/change/"
    page.goto(url)
    submit = page.locator("button[value=submit]")
    assert submit.is_disabled()
    assert "抜粋がありません。" in page.locator("#blocked-submit").inner_text()
    screenshot("submit-blocked")

    Article.objects.filter(pk=ready_article.pk).update(excerpt="要点です。")
    page.goto(url)
    assert page.locator(".checks-passed").inner_text() == "すべてのチェックに合格しました"
    page.click("button[value=submit]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator(".workflow-panel .stage").inner_text() == "レビュー中"
    assert page.locator("input[name=_save]").count() == 0  # read-only now

    page.fill("#workflow-comment", "数字を見直します")
    page.click("button[value=withdraw]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator(".workflow-panel .stage").inner_text() == "下書き"
    ready_article.refresh_from_db()
    assert ready_article.status == Article.Status.DRAFT
    assert workflow.available_actions(ready_article, writer)[0].verb == "submit"
    screenshot("withdrawn")
