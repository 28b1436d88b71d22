import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import views
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(author):
    return {
        "chips": make_article(
            title="AIチップの需要",
            body="推論向けのＡＩチップは、データセンター投資の中心です。",
            authors=[author],
            published=True,
        ),
        "phones": make_article(
            title="スマホ市場", body="ｽﾏﾎの買い替え周期が延びています。", authors=[author], published=True
        ),
        "split": make_article(
            title="分かれた言葉", body="投資の話と、資家という別の語。", authors=[author], published=True
        ),
        "english": make_article(
            title="Inference costs",
            body="Inference costs keep falling for large models.",
            authors=[author],
            published=True,
        ),
        "draft": make_article(title="下書きのAIチップ", body="推論とAIチップ。", authors=[author]),
    }


def found(client, query):
    response = client.get(reverse("articles:search"), {"q": query})
    assert response.status_code == 200
    return {article.title for article in response.context["articles"]}


def test_two_character_japanese_words(client, corpus):
    assert found(client, "推論") == {"AIチップの需要"}
    assert found(client, "投資") == {"AIチップの需要", "分かれた言葉"}


def test_every_term_must_appear(client, corpus):
    assert found(client, "AI チップ") == {"AIチップの需要"}
    assert found(client, "AI 買い替え") == set()


def test_matches_are_exact_substrings_not_scattered_bigrams(client, corpus):
    # "投資" and "資家" both occur in one article, but not "投資家".
    assert found(client, "投資家") == set()


def test_full_and_half_width_are_the_same(client, corpus):
    assert found(client, "ＡＩ") == {"AIチップの需要"}
    assert found(client, "スマホ") == {"スマホ市場"}
    assert found(client, "ｽﾏﾎ") == {"スマホ市場"}


def test_english_is_case_insensitive(client, corpus):
    assert found(client, "INFERENCE") == {"Inference costs"}


def test_drafts_are_never_found(client, corpus):
    assert "下書きのAIチップ" not in found(client, "チップ")


def test_title_matches_rank_first_and_snippets_mark_the_terms(client, author, corpus):
    make_article(
        title="別の記事", body="この記事でも推論について触れます。" * 3, authors=[author], published=True
    )
    response = client.get(reverse("articles:search"), {"q": "推論"})
    titles = [article.title for article in response.context["articles"]]
    assert set(titles) == {"AIチップの需要", "別の記事"}
    html = response.content.decode()
    assert "<mark>推論</mark>" in html


def test_empty_and_overlong_queries_are_handled(client, corpus):
    assert found(client, "") == set()
    assert found(client, "   ") == set()
    assert found(client, "あ" * 5000) == set()
    assert client.get(reverse("articles:search"), {"q": "<script>alert(1)</script>"}).status_code == 200


def test_search_page_query_count_is_constant(client, corpus, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(reverse("articles:search"), {"q": "AI"})


def test_short_terms_are_answered_by_the_index_alone(client, corpus):
    # One or two characters are themselves indexed grams: no re-reading of the text.
    with CaptureQueriesContext(connection) as short:
        assert found(client, "投資") == {"AIチップの需要", "分かれた言葉"}
    with CaptureQueriesContext(connection) as longer:
        assert found(client, "投資家") == set()
    rereads = re.compile(r'"search_text"(::text)? LIKE')
    assert not any(rereads.search(query["sql"]) for query in short.captured_queries)
    assert any(rereads.search(query["sql"]) for query in longer.captured_queries)


def test_result_count_stops_at_the_cap(client, author, monkeypatch):
    for number in range(3):
        make_article(title=f"投資の記事{number}", body="投資の話。", authors=[author], published=True)
    response = client.get(reverse("articles:search"), {"q": "投資"})
    assert "3 件" in response.content.decode()
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    response = client.get(reverse("articles:search"), {"q": "投資の"})  # not the cached page
    assert "2 件以上" in response.content.decode()
    assert len(response.context["articles"]) == 3


def test_common_queries_list_newest_first_along_the_date_index(client, author, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for days, title in ((3, "古い投資の話"), (1, "新しい記事"), (2, "真ん中の記事")):
        make_article(
            title=title,
            body="投資と推論の話。",
            authors=[author],
            published=True,
            published_at=now - timedelta(days=days),
        )
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 2)
    response = client.get(reverse("articles:search"), {"q": "投資 推論"})
    # More matches than the cap: newest first, not title matches first.
    assert [article.title for article in response.context["articles"]] == [
        "新しい記事",
        "真ん中の記事",
        "古い投資の話",
    ]
    assert "2 件以上" in response.content.decode()
