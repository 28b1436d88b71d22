import pytest

from editorial.continuation.truncation import is_truncated


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
