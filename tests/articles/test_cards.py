"""Cards stored on the article: reused while nothing they show has changed, and only then."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles import cards
from articles.models import Article, ArticleAuthor
from tests.factories import make_article, make_author, make_category

pytestmark = pytest.mark.django_db

CARD_TEMPLATE = "articles/_article_card.html"


def home(client):
    cache.clear()  # this is about the stored cards, not the page cache
    response = client.get(reverse("articles:home"))
    assert response.status_code == 200
    page = response.content.decode()
    # The cards alone: the featured list above them also names categories.
    cards_part = page[page.index('<h1 class="page-heading">') :]
    rendered = [template.name for template in response.templates].count(CARD_TEMPLATE)
    return cards_part, rendered


@pytest.fixture
def live(author, category):
    return make_article(title="元の見出し", authors=[author], categories=[category], published=True)


def test_a_card_is_rendered_once_and_then_read_from_the_article(client, live):
    first, rendered = home(client)
    assert rendered == 1 and "元の見出し" in first
    again, rendered = home(client)
    assert rendered == 0 and again == first
    stored = Article.objects.get(pk=live.pk)
    assert "元の見出し" in stored.card_html and stored.card_from == cards.card_digest(stored)


def test_an_edit_saved_or_written_by_a_queryset_update_renders_the_card_again(client, live):
    home(client)
    live.title = "保存で直した見出し"
    live.save()
    page, rendered = home(client)
    assert rendered == 1 and "保存で直した見出し" in page and "元の見出し" not in page
    Article.objects.filter(pk=live.pk).update(excerpt="更新文で書いた抜粋")
    page, rendered = home(client)
    assert rendered == 1 and "更新文で書いた抜粋" in page


def test_renamed_or_deleted_categories_leave_the_cards(client, live, category):
    home(client)
    category.name = "新しいカテゴリー名"
    category.save()
    page, _ = home(client)
    assert "新しいカテゴリー名" in page
    category.delete()
    page, rendered = home(client)
    assert rendered == 1 and "新しいカテゴリー名" not in page


def test_changing_an_articles_categories_from_either_side_reaches_its_card(client, live, category):
    markets = make_category(name="マーケット", slug="markets")
    home(client)
    live.categories.set([markets])
    page, _ = home(client)
    assert "マーケット" in page and category.name not in page
    category.articles.add(live)
    page, _ = home(client)
    assert category.name in page
    category.articles.clear()
    page, _ = home(client)
    assert category.name not in page


def test_authors_renamed_added_or_removed_reach_the_card(client, live, author):
    home(client)
    author.name = "改名した著者"
    author.save()
    page, _ = home(client)
    assert "改名した著者" in page
    guest = make_author(name="寄稿者", slug="guest")
    ArticleAuthor.objects.create(article=live, author=guest, position=1)
    page, _ = home(client)
    assert "寄稿者" in page
    ArticleAuthor.objects.filter(article=live, author=guest).delete()
    page, _ = home(client)
    assert "寄稿者" not in page


def test_a_changed_card_template_renders_every_card_again(client, live, monkeypatch):
    home(client)
    monkeypatch.setattr(cards, "template_fingerprint", lambda: "a template deployed later")
    _, rendered = home(client)
    assert rendered == 1
