import pytest

from editorial.continuation.segments import assemble_texts
from editorial.continuation.truncation import is_truncated
from tests.editorial.continuation import cutoff_corpus
from tests.editorial.continuation.cutoff_corpus.sample import SAMPLE, sample_passes

PARAGRAPH = "推論向けチップの単価は下がり続けています。電力の確保が次の課題です。"


@pytest.mark.parametrize(
    "text",
    [
        "需要は伸びている。",
        "本当に伸びるのか？",
        "伸びるだろう！",
        "彼は「まだ早い」と言った。",
        "「まだ早い。」",
        "（詳しくは次回。）",
        "結論は以下の通り……",
        "Demand keeps growing.",
        'He said "not yet."',
        "(See the appendix.)",
        "## まとめ",
        "---",
        "| 指標 | 値 |\n| --- | --- |\n| 在庫 | 高い |",
        "```python\nprint(1)\n```",
        "- 送配電設備\n- 冷却技術",
        "1. Power grids",
        "![図](https://example.com/a.png)",
        "> 需要の伸びに注目すべきです。",
        "**以上です。**",
        "",
    ],
)
def test_complete_endings(text):
    assert not is_truncated(text)


@pytest.mark.parametrize(
    "text",
    [
        "技術者としては、これらの低コスト",
        "例えば、精密なセンサーと、",
        "あるいは、",
        "投資家は新しい価値を創造",
        "The company raised prices and",
        "Margins improved because the",
        "```python\nprint(1)",
        "- 冷却技術は液冷への移行が進み、",
        "- 送配電設備の増強には時間が",
        "彼は「まだ早い",
    ],
)
def test_cut_off_endings(text):
    assert is_truncated(text)


@pytest.mark.parametrize(
    "ending",
    [
        "くれぐれも自己責任で願います",
        "気になる方はぜひチェックしてみてください",
        "今後の動向に注目です",
        "正直、ここまで伸びるとは思いませんでした",
        "しばらくは様子見が賢明でしょう",
        "皆さんはどう考えますか",
        "来週も更新しますのでお楽しみに",
        "これぞまさに「選択と集中」",
        "結論は『分散こそ最強』",
        "またまた含み損が増えました（笑）",
        "今日の相場は荒れましたね😅",
        "やっと黒字化しましたｗ",
        "ついに目標株価に届きました！！",
        "これは面白くなってきましたね〜",
        "Let me know what you think :)",
    ],
)
def test_a_finished_sentence_needs_no_full_stop(ending):
    assert not is_truncated(f"{PARAGRAPH}\n\n{ending}")


@pytest.mark.parametrize(
    "ending",
    [
        "底を打ったよ",  # …打ったように
        "数字は嘘をつかな",  # …つかない
        "規模はわずかな",  # …わずかな差
        "It is, e.g.",
        "いちばん多かったのは「割引率はどう決めればいいのか",  # the quotation is still open
    ],
)
def test_a_cut_that_only_looks_like_an_ending_is_flagged(ending):
    assert is_truncated(f"{PARAGRAPH}\n\n{ending}")


# For each kind of tail: a complete post ending with it, and a cut one.
TAILS = {
    "fenced code": (
        "実行結果は次の通り：\n\n```python\nprint(total)\n```",
        "実行結果は次の通り：\n\n```python\nprint(to",
    ),
    "indented code": (
        "実行結果は次の通りです。\n\n    $ python analyze.py\n    ok",
        "実行結果は次の通りです。\n\n    $ python analyze.py\n    ok\n\nこのスクリプトを毎朝",
    ),
    "{% highlight %}": (
        "{% highlight ruby %}\nputs 1\n{% endhighlight %}",
        "{% highlight ruby %}\nputs 1",
    ),
    "{% endfigure %}": (
        '工場を見学しました。\n\n{% figure caption:"外観" %}\n![外観](/a.jpg)\n{% endfigure %}',
        '工場を見学しました。\n\n{% figure caption:"外観" %}\n![外観](/a.jpg)',
    ),
    "{% include %}": (
        "積み立ては予定通り続けています。\n\n{% include monthly-footer.html %}",
        "積み立ては予定通り続けています。相場が荒れているときほど\n\n{% include monthly-footer.html %}",
    ),
    "{% raw %}": (
        "テンプレートはこう書きます。\n\n{% raw %}\n{{ page.title }}\n{% endraw %}",
        "テンプレートはこう書きます。\n\n{% raw %}\n{{ page.ti",
    ),
    "Liquid block": (
        "連載の第三回です。\n\n{% if page.series %}\n{% include series-nav.html %}\n{% endif %}",
        "連載の第三回です。\n\n{% if page.series %}\n{% include series-nav.html %}",
    ),
    "table": (
        "| 会社 | 前年度 |\n| --- | ---: |\n| A社 | 3.2兆円 |\n| B社 | 2.8兆円 |\n\n出典：各社決算資料",
        "| 会社 | 前年度 |\n| --- | ---: |\n| A社 | 3.2兆円 |\n| B社 | 2.8",
    ),
    "link-only line": (
        "発表の全文はこちら\n\n[会社の発表資料](https://example.jp/press/0612)",
        "発表の全文は[会社の発表資料](https://example.jp/pre",
    ),
    "autolink": (
        "The slides are online.\n\n<https://example.org/slides>",
        "The slides are online at <https://exam",
    ),
    "bare URL": (
        "発表の全文はこちら\n\nhttps://example.jp/press/0612",
        "発表の全文はこちらの\n\nhttps://example.jp/press/0612",
    ),
    "line ending on a link": (
        "詳しくは[こちら](https://example.jp/a)",
        "詳しくは[こちら](https://example.jp/a)と、",
    ),
    "link definitions": (
        "詳しくは[説明会][c]をご覧ください。\n\n[c]: https://example.com/ir/call",
        "詳しくは[説明会][c]をご覧くださ\n\n[c]: https://example.com/ir/call",
    ),
    "footnotes": (
        "投資は一兆円を超えました[^1]。\n\n[^1]: 民間調査会社の推計\n[^2]: 筆者の取材による",
        "投資は一兆円を超え\n\n[^1]: 民間調査会社の推計",
    ),
    "HTML block": (
        '<div class="note">\n  <p>売買を勧めるものではありません。</p>\n</div>',
        '<div class="note">\n  <p>売買を勧めるものでは',
    ),
    "iframe": (
        '動画が公開されました。\n\n<iframe src="https://www.youtube.com/embed/x" allowfullscreen></iframe>',
        '動画が公開されました。\n\n<iframe src="https://www.youtube.com/embed/x" allowfu',
    ),
    "HTML comment": (
        "影響の出る時期は変わります。\n\n<!-- 追記予定 -->",
        "影響の出る時期は変わります。\n\n<!-- 追記予定：各社の",
    ),
    "script": (
        '需要は伸びています。\n\n<script type="application/ld+json">\n{"@type": "BlogPosting"}\n</script>',
        '需要は伸びています。\n\n<script type="application/ld+json">\n{"@type": "Blog',
    ),
    "image": (
        "打鍵感がとても軽いです。\n\n![キーボード](/k.jpg)\n*写真：筆者撮影*",
        "打鍵感がとても軽いです。\n\n![キーボード](/k.j",
    ),
    "attribute list": ("前提は年3%で計算しました。\n{: .note}", "前提は年3%で計\n{: .note}"),
    "{::comment}": (
        "需要は伸びています。\n\n{::comment}\nメモ\n{:/comment}",
        "需要は伸びています。\n\n{::comment}\nメモ",
    ),
    "math": ("式は次のとおり：\n\n$$\nP = \\frac{D}{r - g}\n$$", "式は次のとおり：\n\n$$\nP = \\frac{D}{"),
    "heading": (
        "需要は伸びています。\n\n## 関連記事",
        "需要は伸びています。\n\n## 関連記事\n\n電力需要の見通しは",
    ),
    "rule": ("需要は伸びています。\n\n---", "需要は伸びてい\n\n---"),
    "Japanese list": (
        "注目点：\n\n- 推論チップの価格競争\n- 電力の確保",
        "注目点：\n\n- 推論チップの価格競争\n- 電力の確保と",
    ),
    "English list": (
        "What to watch:\n\n- Power grid upgrades\n- Liquid cooling",
        "What to watch:\n\n- Power grid upgrades\n- Liquid cooling and",
    ),
    "list of sentences": (
        "- 電力の確保が課題です。\n- 価格競争は続くでしょう。",
        "- 電力の確保が課題です。\n- 価格競争は続く",
    ),
    "blockquote": (
        "> 分からないものには投資しない。\n> — ある投資家",
        "> 分からないものには投資しない。分かったつもりのものには",
    ),
    "colon, then code": (
        "The query I used:\n\n```sql\nSELECT 1;\n```",
        "The query I used:\n\n```sql\nSELECT",
    ),
    "signature": ("五周年を迎えました。\n\n— ALLFORCES編集部", "五周年を迎え\n\n— ALLFORCES編集部"),
    "以上": ("来週の更新はお休みします。\n\n以上", "来週の更新は\n\n以上"),
    "sign-off": ("See you in September.\n\nCheers,\nKen", "See you in\n\nCheers,\nKen"),
    "hashtags": ("今日は相場が荒れましたね\n\n#投資 #半導体", "今日は相場が荒れ\n\n#投資 #半導体"),
}


@pytest.mark.parametrize("kind", TAILS)
def test_a_complete_post_with_this_tail_is_not_flagged(kind):
    complete, _ = TAILS[kind]
    assert not is_truncated(complete)


@pytest.mark.parametrize("kind", TAILS)
def test_a_cut_post_with_this_tail_is_flagged(kind):
    _, cut = TAILS[kind]
    assert is_truncated(cut)


def rates(samples):
    complete = [s for s in samples if s.complete]
    cuts = [s for s in samples if not s.complete and s.cut == "prose"]
    inside = [s for s in samples if s.cut.startswith("inside")]
    return (
        100 * sum(is_truncated(s.text) for s in complete) / len(complete),
        100 * sum(is_truncated(s.text) for s in cuts) / len(cuts),
        100 * sum(is_truncated(s.text) for s in inside) / len(inside) if inside else 100,
    )


@pytest.mark.parametrize("corpus", ["tuning", "holdout"])
def test_corpus_meets_the_targets(corpus):
    complete_flagged, cuts_flagged, inside_flagged = rates(getattr(cutoff_corpus, corpus)())
    assert complete_flagged <= 1, "more than 1 complete post in 100 flagged"
    assert cuts_flagged >= 95, "fewer than 95 cut posts in 100 flagged"
    assert inside_flagged >= 99, "a post cut inside a code block or the like not flagged"


def test_no_hand_written_complete_post_is_flagged():
    flagged = [s.text for s in cutoff_corpus.handwritten() if s.complete and is_truncated(s.text)]
    assert flagged == []


def test_the_corpus_is_labelled_as_described():
    samples = cutoff_corpus.tuning()
    assert len([s for s in samples if s.complete]) >= 500
    assert {s.tail for s in samples} == set(cutoff_corpus.TAILS)
    assert {s.lang for s in samples} == {"ja", "en"}
    # Every cut stops before the end of its post, in prose or inside a block.
    complete = {s.text for s in samples if s.complete}
    for sample in samples:
        if not sample.complete:
            assert sample.text not in complete
            assert any(text.startswith(sample.text.rstrip()) for text in complete)


sample_needed = pytest.mark.skipif(not SAMPLE.exists(), reason=f"the shared sample is not at {SAMPLE}")


@sample_needed
def test_the_samples_first_pass_is_flagged():
    assert is_truncated(sample_passes()[0])


@sample_needed
def test_the_samples_stitched_text_is_not_flagged():
    assert not is_truncated(assemble_texts(sample_passes()))


def test_a_comment_after_an_image_on_its_line_is_not_read_as_the_ending():
    # The importer leaves a marker there for an image it could not find.
    text = "The canister stove won on speed.\n\n![Stoves](/assets/s.png)<!-- 取り込み時に見つからなかった画像: /assets/s.png -->"
    assert not is_truncated(text)
    assert is_truncated(
        "The canister stove won on\n\n<!-- 取り込み時に見つからなかった画像: /assets/s.png -->"
    )


def test_the_polite_trailing_off_is_a_complete_ending():
    assert not is_truncated("深煎りを送りました。\n\n喜んでくれるといいのですが")
    assert is_truncated("深煎りを送りましたが")
