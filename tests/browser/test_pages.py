import pytest

from tests.factories import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_live_preview_renders_sanitised_markdown(page, live_server, admin_login, screenshot):
    admin_login()
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_title", "推論モデルの台頭")
    page.fill(
        "textarea#id_body",
        '## 市場の動き\n\n**注目**の銘柄です。<img src="/nothing.png" onerror="document.title=\'pwned\'">',
    )
    preview = page.locator(".markdownx-preview")
    preview.locator("h2").wait_for()
    assert preview.locator("h2").inner_text() == "市場の動き#"  # with its anchor link
    assert preview.locator("strong").inner_text() == "注目"
    assert preview.locator("img").get_attribute("onerror") is None
    assert page.title() != "pwned"
    screenshot("preview")


def test_reader_pages_fit_a_phone(page, live_server, published_article, screenshot):
    published_article.body = "## 見出し\n\n" + "投資と技術の長い分析です。" * 80
    published_article.save()
    page.set_viewport_size({"width": 360, "height": 740})
    for url in ("/", published_article.get_absolute_url()):
        page.goto(f"{live_server.url}{url}")
        assert page.locator("html").get_attribute("lang") == "ja"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 360px"
    assert page.locator("h1.article-title").inner_text() == published_article.title
    screenshot("article-360")


def test_home_lists_articles_in_the_browser(page, live_server, author, category, screenshot):
    make_article(title="半導体サイクルの読み方", authors=[author], categories=[category], published=True)
    make_article(title="非公開の下書き", authors=[author], categories=[category])
    page.goto(f"{live_server.url}/")
    titles = page.locator(".card-title").all_inner_texts()
    assert titles == ["半導体サイクルの読み方"]
    screenshot("home")


def test_editor_approves_from_the_workflow_panel(
    page, live_server, browser, ready_article, editor, screenshot
):
    from articles.models import Article
    from editorial import workflow

    workflow.submit(ready_article, by=None)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/article/{ready_article.pk}/change/")
    assert page.locator(".workflow-panel .stage").inner_text() == "レビュー中"
    assert page.locator("button[name=_workflow]").all_inner_texts() == [
        "承認する（公開予定日時があれば予約、なければ今すぐ公開）",
        "差し戻す",
    ]
    screenshot("review-panel")
    page.click("button[value=approve]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator(".workflow-panel .stage").inner_text() == "公開中"
    ready_article.refresh_from_db()
    assert ready_article.status == Article.Status.PUBLISHED
    screenshot("published-panel")


def test_continuation_panel_in_the_browser(page, live_server, ready_article, editor, screenshot):
    from editorial.continuation import segments

    root_text = "新しい冷却技術の導入は、データセンターの電力効率を大きく改善します。液冷方式では"
    segments.add_segment(ready_article, text=root_text, by=editor)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/article/{ready_article.pk}/continuation/")
    page.fill("textarea[name=text]", "…液冷方式では、空調の電力を半分近くまで減らせます。")
    page.click("button[value=preview]")
    assert page.locator(".join-text mark").first.inner_text() == "液冷方式では"
    screenshot("join-preview")
    page.click("button[value=add]")
    page.wait_for_selector(".messagelist .success")
    # The body typed before any segment existed is the first segment of the path.
    assert page.locator(".segment.on-path").count() == 3
    assert "空調の電力を半分近くまで減らせます" in page.locator(".assembled-preview").inner_text()
    screenshot("tree")


def test_editor_takes_a_draft_to_scheduled_and_it_goes_live(
    page, live_server, tmp_path, ready_article, editor, screenshot
):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article
    from tests.celery_worker import running_beat, running_worker, wait_until

    fast = {"SWEEP_INTERVAL_SECONDS": "1"}
    with running_worker(extra_env=fast), running_beat(tmp_path, extra_env=fast):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", "password")
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}/admin/articles/article/{ready_article.pk}/change/")
        page.click("button[value=submit]")
        page.wait_for_selector(".messagelist .success")
        assert page.locator(".workflow-panel .stage").inner_text() == "レビュー中"

        when = timezone.localtime(timezone.now() + timedelta(seconds=6))
        page.fill("#id_publish_at_0", when.strftime("%Y-%m-%d"))
        page.fill("#id_publish_at_1", when.strftime("%H:%M:%S"))
        page.click("button[value=approve]")
        page.wait_for_selector(".messagelist .success")
        assert page.locator(".workflow-panel .stage").inner_text() == "公開予約"
        screenshot("scheduled")
        public = f"{live_server.url}{ready_article.get_absolute_url()}"
        assert page.goto(public).status == 404  # not before its time

        def live():
            return Article.objects.published().filter(pk=ready_article.pk).exists()

        assert wait_until(live, timeout=30)
        assert page.goto(public).status == 200
        assert page.locator("h1.article-title").inner_text() == ready_article.title
        screenshot("live")
