from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_japanese_title_gets_a_japanese_slug():
    article = make_article(title="半導体サイクルの読み方：在庫と設備投資")
    assert article.slug == "半導体サイクルの読み方在庫と設備投資"


def test_same_title_gets_a_unique_slug():
    first = make_article(title="推論モデルの台頭")
    second = make_article(title="推論モデルの台頭")
    third = make_article(title="推論モデルの台頭")
    assert [first.slug, second.slug, third.slug] == [
        "推論モデルの台頭",
        "推論モデルの台頭-2",
        "推論モデルの台頭-3",
    ]


def test_editor_chosen_slug_is_kept():
    article = make_article(title="推論モデルの台頭", slug="rise-of-reasoning-models")
    article.title = "改題した見出し"
    article.save()
    assert article.slug == "rise-of-reasoning-models"


def test_longest_title_twice_still_fits_the_slug_column():
    make_article(title="長" * 200)
    second = make_article(title="長" * 200)
    second.refresh_from_db()
    assert second.slug == "長" * (Article.SLUG_MAX_LENGTH - 2) + "-2"


def test_reading_time_follows_the_rendered_text_not_the_markdown():
    link_heavy = "[あ](https://example.com/" + "x" * 5000 + ")\n\n" + "い" * 400
    article = make_article(body=link_heavy)
    assert article.reading_time == 1


def test_reading_time_is_recomputed_on_every_save():
    article = make_article(body="あ" * 100)
    assert article.reading_time == 1
    article.body = "あ" * 1600
    article.save()
    article.refresh_from_db()
    assert article.reading_time == 4


def test_published_excludes_drafts_and_future_and_inconsistent_rows(author):
    live = make_article(title="公開", published=True)
    make_article(title="下書き")
    # Marked published but its time has not come: a mis-set row must not show early.
    make_article(title="未来", published=True, published_at=timezone.now() + timedelta(hours=1))
    make_article(title="日時なし", status=Article.Status.PUBLISHED)
    make_article(
        title="予約", status=Article.Status.SCHEDULED, publish_at=timezone.now() - timedelta(hours=1)
    )
    assert list(Article.objects.published()) == [live]


def test_authors_keep_their_order(author):
    from tests.factories import make_author

    second = make_author(name="佐伯 遥")
    article = make_article(authors=[second, author])
    assert article.ordered_authors == [second, author]


def test_the_rendering_is_stored_at_save_and_used_without_rendering_again(monkeypatch):
    from articles import models

    article = make_article(body="## 見出し\n\n本文です。<script>alert(1)</script>")
    stored = Article.objects.values("rendered_html", "rendered_from").get(pk=article.pk)
    assert "<h2" in stored["rendered_html"] and "<script" not in stored["rendered_html"]  # sanitised
    monkeypatch.setattr(models, "render", lambda text: pytest.fail("rendered again"))
    loaded = Article.objects.get(pk=article.pk)
    assert loaded.has_stored_rendering
    assert loaded.rendered_body == stored["rendered_html"]


def test_a_body_changed_behind_saves_back_is_rendered_afresh_never_shown_stale():
    article = make_article(body="古い本文です。")
    Article.objects.filter(pk=article.pk).update(body="新しい本文です。")
    loaded = Article.objects.get(pk=article.pk)
    assert not loaded.has_stored_rendering
    assert "新しい本文です。" in loaded.rendered_body
    loaded.store_rendering()
    again = Article.objects.get(pk=article.pk)
    assert again.has_stored_rendering and "新しい本文です。" in again.rendered_html


def test_a_changed_sanitiser_makes_every_stored_rendering_stale(monkeypatch):
    from articles import markdown

    article = make_article(body="本文です。<del>取り消し</del>")
    assert Article.objects.get(pk=article.pk).has_stored_rendering
    # Tightening the allowlist (or upgrading Markdown or nh3) changes the fingerprint.
    assert "<del>" in article.rendered_html
    monkeypatch.setattr(markdown, "ALLOWED_TAGS", markdown.ALLOWED_TAGS - {"del"})
    markdown.renderer_fingerprint.cache_clear()
    try:
        loaded = Article.objects.get(pk=article.pk)
        assert not loaded.has_stored_rendering
        assert "<del>" not in loaded.rendered_body and "取り消し" in loaded.rendered_body
    finally:
        markdown.renderer_fingerprint.cache_clear()


@pytest.mark.django_db(transaction=True)
def test_the_migration_dates_the_first_publication_of_everything_ever_published():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("articles", "0019_previous_next_read_live")], [("articles", "0020_first_published_at")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("articles", "Article")
        when = timezone.now() - timedelta(days=3)
        # Reopened from the archive, an article is in review with its publication date kept.
        for stage in ("published", "archived", "review"):
            old.objects.create(title=stage, slug=stage, status=stage, published_at=when)
        old.objects.create(title="draft", slug="draft", status="draft")
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        assert dict(Article.objects.values_list("slug", "first_published_at")) == {
            "published": when,
            "archived": when,
            "review": when,
            "draft": None,
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
