import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import search, views
from articles.models import Article
from editorial.revisions import commit_content_change
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


def test_snippets_show_the_body_as_written_with_the_match_marked(client, author):
    # What readers saw before: "gpu", "生成aiの", a stray "#" and the title inside the snippet.
    make_article(
        title="GPU 特集：生成AIの計算資源",
        body="## 生成ＡＩの計算資源\n\n**Google** は *ＧＰＵ* を [自社設計のチップ](https://example.com) と併用します。",
        authors=[author],
        published=True,
    )
    for query in ("gpu", "ＧＰＵ"):
        response = client.get(reverse("articles:search"), {"q": query})
        snippet = re.search(r'<p class="snippet">(.*?)</p>', response.content.decode(), re.S).group(1)
        assert (
            snippet == "生成ＡＩの計算資源 Google は <mark>ＧＰＵ</mark> を 自社設計のチップ と併用します。"
        )
    response = client.get(reverse("articles:search"), {"q": "生成ai"})
    assert "<mark>生成ＡＩ</mark>の計算資源 Google は" in response.content.decode()


def test_whatever_finds_an_article_in_its_body_is_marked_in_its_snippet(client, author):
    # The index holds the text readers read: two table cells are two words, a heading has no "#".
    article = make_article(
        title="題",
        body="## 決算の見出し\n\n| 企業 | 売上 |\n| --- | --- |\n| A社 | 100億円 |\n\n本文は短い。",
        authors=[author],
        published=True,
    )
    assert "#" not in article.search_text and "企業 売上" in article.search_text
    assert found(client, "企業売上") == set() and found(client, "見出し#") == set()
    words = article.body_text.split()
    for query in [*words, *(word[:2] for word in words if len(word) > 2)]:
        page = client.get(reverse("articles:search"), {"q": query}).content.decode()
        snippet = re.search(r'<p class="snippet">(.*?)</p>', page, re.S)
        assert snippet and "<mark>" in snippet.group(1), query


def test_a_snippet_follows_an_edit_of_the_body(client, author, editor, django_capture_on_commit_callbacks):
    article = make_article(title="記事", body="旧い本文の GPU。", authors=[author], published=True)
    assert (
        "旧い本文の <mark>GPU</mark>" in client.get(reverse("articles:search"), {"q": "gpu"}).content.decode()
    )
    article.body = "新しい本文の Gpu。"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
        commit_content_change(article, by=editor)
    page = client.get(reverse("articles:search"), {"q": "gpu"}).content.decode()
    assert "新しい本文の <mark>Gpu</mark>" in page and "旧い本文" not in page


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


# Common queries: PostgreSQL's statistics say the grams are common, so the page reads the
# newest articles along the date index (search.newest_matches) instead of counting through
# the bigram index. The statistics only choose the way; what is found must not change.


@pytest.fixture(autouse=True)
def no_gram_statistics():
    search.forget_shares()
    yield
    search.forget_shares()


@pytest.fixture
def small_pages(settings, monkeypatch):
    # A cap of 4 and pages of 2: page 1 needs 3 results and page 2 needs 5, both within
    # the cap's 5, so both can be answered by the newest-first probe.
    settings.ARTICLES_PER_PAGE = 2
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 4)


def statistics_say_common(*grams, share=0.9):
    search._remember_shares(list(grams), [share] * len(grams) + [share, share, 0.0])


def results(client, query, page=1):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("articles:search"), {"q": query, "page": page})
    assert response.status_code == 200
    html = response.content.decode()
    count = re.search(r'class="result-count">([^<]*)<', html).group(1)
    probed = any("strpos(" in query["sql"] for query in queries.captured_queries)
    return [article.title for article in response.context["articles"]], count, probed


def aged(minutes, **fields):
    from datetime import timedelta

    from django.utils import timezone

    return make_article(published_at=timezone.now() - timedelta(minutes=minutes), **fields)


def test_statistics_come_from_analyze_without_a_query_of_their_own(client, author):
    for number in range(30):
        make_article(title=f"記事{number}", body="投資の話。", authors=[author], published=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    client.get("/")  # keeps the header's menu, so that neither search reads it
    with CaptureQueriesContext(connection) as stale:
        found(client, "推論")
    assert search.common_share("投資") > 0.9
    assert search.common_share("推論") == 0.0  # not in any article: not tracked
    with CaptureQueriesContext(connection) as fresh:
        found(client, "推論の")
    assert len(stale) == len(fresh)


def test_common_query_finds_only_exact_published_matches_newest_first(client, author, small_pages):
    from datetime import timedelta

    from django.utils import timezone

    aged(1, title="下書き", body="AIチップ", status=Article.Status.DRAFT)
    make_article(
        title="予約済み",
        body="AIチップ",
        published=True,
        published_at=timezone.now() + timedelta(hours=1),
    )
    aged(2, title="離れた字", body="AIのチッと鳴るアップ", published=True)  # every gram, not チップ
    aged(3, title="チップだけ", body="半導体チップ", published=True)
    for number in range(6):
        aged(10 + number, title=f"一致{number}", body="ＡＩチップの話", published=True)
    statistics_say_common("ai", "チッ", "ップ")
    assert results(client, "AI チップ") == (["一致0", "一致1"], "4 件以上", True)
    assert results(client, "AI チップ", page=2) == (["一致2", "一致3"], "4 件以上", True)
    # The same pages as the bigram index gives without the statistics.
    search.forget_shares()
    assert results(client, "ai チップ") == (["一致0", "一致1"], "4 件以上", False)
    search.forget_shares()
    assert results(client, "ai チップ", page=2) == (["一致2", "一致3"], "4 件以上", False)


def test_common_guess_with_few_matches_counts_them_exactly(client, author, small_pages):
    # The grams are everywhere but the phrase is in two old articles, past what the probe reads.
    for number in range(40):
        aged(number, title=f"新しい{number}", body="投資と推論", published=True)
    aged(100, title="古い一致", body="投資推論", published=True)
    aged(101, title="もっと古い一致", body="投資推論", published=True)
    statistics_say_common("投資", "資推", "推論")
    titles, count, probed = results(client, "投資推論")
    assert (titles, count, probed) == (["古い一致", "もっと古い一致"], "2 件", True)


def test_common_guess_with_matches_only_in_old_articles_still_pages_them(client, author, small_pages):
    for number in range(40):
        aged(number, title=f"新しい{number}", body="投資と推論", published=True)
    for number in range(6):
        aged(100 + number, title=f"古い一致{number}", body="投資推論", published=True)
    statistics_say_common("投資", "資推", "推論")
    assert results(client, "投資推論") == (["古い一致0", "古い一致1"], "4 件以上", True)
    assert results(client, "投資推論", page=3) == (["古い一致4", "古い一致5"], "4 件以上", False)


def test_common_guess_half_right_takes_the_page_from_the_probe(client, author, small_pages):
    # Fewer matches among the newest than the cap, but the first page is there.
    for number in range(3):
        aged(number, title=f"新しい一致{number}", body="投資推論", published=True)
    for number in range(40):
        aged(10 + number, title=f"間{number}", body="投資と推論", published=True)
    for number in range(3):
        aged(100 + number, title=f"古い一致{number}", body="投資推論", published=True)
    statistics_say_common("投資", "資推", "推論")
    assert results(client, "投資推論") == (["新しい一致0", "新しい一致1"], "4 件以上", True)


def test_common_query_asks_the_database_twice(client, author, small_pages):
    for number in range(6):
        aged(number, title=f"一致{number}", body="AIチップ", published=True)
    statistics_say_common("ai", "チッ", "ップ")
    with CaptureQueriesContext(connection) as queries:
        assert found(client, "AI チップ")
    # The time limit, the probe and the page, the header's categories; no count through the bigram index.
    assert len(queries) == 4


def test_common_guess_with_a_page_but_no_more_than_the_cap_says_the_exact_count(client, author, small_pages):
    for number in range(3):
        aged(number, title=f"一致{number}", body="投資推論", published=True)
    for number in range(40):
        aged(10 + number, title=f"他{number}", body="投資と推論", published=True)
    statistics_say_common("投資", "資推", "推論")
    assert results(client, "投資推論") == (["一致0", "一致1"], "3 件", True)


def test_the_probe_reads_no_further_than_it_is_told(author):
    for minutes, body in ((1, "別の話"), (2, "AIチップ"), (3, "別の話"), (4, "AIチップ"), (5, "AIチップ")):
        aged(minutes, title=f"{minutes}分前", body=body, published=True)
    newest = search.newest_matches(Article.objects.published(), "AI チップ", scan=3, limit=10)
    assert [Article.objects.get(pk=pk).title for pk in newest] == ["2分前"]
    newest = search.newest_matches(Article.objects.published(), "AI チップ", scan=10, limit=2)
    assert [Article.objects.get(pk=pk).title for pk in newest] == ["2分前", "4分前"]


def test_up_to_the_cap_the_search_runs_once_and_no_results_need_no_page_query(client, corpus):
    with CaptureQueriesContext(connection) as queries:
        assert found(client, "AI チップ") == {"AIチップの需要"}
    # The time limit, the search, the page, the header's categories.
    assert [" @@ " in query["sql"] for query in queries.captured_queries] == [False, True, False, False]
    with CaptureQueriesContext(connection) as queries:
        assert found(client, "量子もつれ") == set()
    assert len(queries) == 2  # the header's categories were kept by the first page


@pytest.mark.django_db(transaction=True)  # the view's transaction is the outermost, as in production
def test_a_search_running_past_the_time_limit_is_cut_short_and_the_reader_told(
    client, published_article, settings, monkeypatch
):
    settings.SEARCH_TIME_LIMIT_MS = 50

    def slow_find(*args, **kwargs):
        with connection.cursor() as cursor:  # a statement PostgreSQL itself must cancel
            cursor.execute("SELECT pg_sleep(2)")
        raise AssertionError("the time limit did not cancel the statement")

    monkeypatch.setattr(search, "find", slow_find)
    started = time.monotonic()
    response = client.get(reverse("articles:search"), {"q": "推論"})
    assert time.monotonic() - started < 1.5  # cancelled at the limit, not after the 2 s sleep
    assert response.status_code == 200
    page = response.content.decode()
    assert "時間がかかりすぎるため、途中でやめました" in page
    assert "0 件" in page
    # The cancelled transaction was rolled back: the connection serves the next request.
    monkeypatch.undo()
    settings.SEARCH_TIME_LIMIT_MS = 1000
    assert client.get(published_article.get_absolute_url()).status_code == 200


def test_index_text_is_the_stored_vector_as_postgresql_reads_it_back():
    """So a stored vector can be checked against its text (rebuild_reader_copies)."""
    text = search.normalise("引用符 'quote' \\ back\\slash 「ＡＩ」 🚀 Ä a ab abc 3$ 3")
    article = make_article(title="索引", body="本文。")
    Article.objects.filter(pk=article.pk).update(search_vector=search.index_value(text))
    stored = Article.objects.values_list("search_vector", flat=True).get(pk=article.pk)
    assert stored == search.index_text(text)
    assert stored != search.index_text(search.normalise("別の文"))
