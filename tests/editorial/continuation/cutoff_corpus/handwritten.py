"""Whole posts written by hand for the cut-off corpus, the way blogs end.

Written before the detector was measured on them and kept out of its tuning:
they are part of the holdout. Each names its language and how it ends.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Post:
    lang: str
    tail: str
    text: str


POSTS = [
    Post(
        "ja",
        "no terminal punctuation",
        """
先週から話題になっている新型チップの件、ようやく資料を読み込めました。

結論から言うと、性能の伸びよりも電力効率の改善が目立ちます。推論一回あたりの消費電力は、前の世代の六割ほどだそうです。データセンターの運営側から見れば、これは電気代がそのまま四割減るのに近い話です。

もちろん、発表資料の数字は条件の良いときのものです。実際に導入した企業の声が出てくるまでは、少し割り引いて見ておくのがいいでしょう。

私は関連銘柄を少しだけ持っていますが、今回の発表で買い増すつもりはありません
くれぐれも自己責任で願います
""",
    ),
    Post(
        "ja",
        "{% endfigure %}",
        """
工場見学に行ってきました。

クリーンルームの中は想像以上に静かで、ロボットが黙々とウェハーを運んでいました。案内してくれた技術者によると、この一年で人の手が入る工程はさらに減ったそうです。

{% figure caption:"見学した工場の外観（筆者撮影）" %}
![工場の外観](/assets/images/2024/06/fab-visit.jpg)
{% endfigure %}
""",
    ),
    Post(
        "ja",
        "{% include %}",
        """
## 今月の運用成績

今月は米国株が大きく下げたものの、円安のおかげで円建ての評価額はほぼ横ばいでした。

積み立ては予定通り続けています。相場が荒れているときほど、淡々と買い続けることが大事だと改めて感じました。

{% include monthly-report-footer.html %}
""",
    ),
    Post(
        "ja",
        "link-only line",
        """
電力会社各社が、データセンター向けの新しい料金プランを発表しました。

注目は、夜間の電力を安く使える代わりに、需給がひっ迫したときは利用を抑えるという条件です。推論の処理は時間をずらせるものも多いので、うまく使えば費用をかなり抑えられそうです。

発表の全文はこちら

https://example.jp/press/2024/0612-datacenter-plan
""",
    ),
    Post(
        "ja",
        "footnotes",
        """
国内のAI関連投資は、昨年度に初めて一兆円を超えました[^1]。

その内訳を見ると、半分以上がデータセンターの建設と設備に向かっています。ソフトウェアへの投資はまだ小さく、ここに伸びしろがあると見る専門家も多いようです[^2]。

[^1]: 民間調査会社の推計。公的な統計ではまだ確認できない。
[^2]: 筆者が取材した証券アナリスト三名の見方
""",
    ),
    Post(
        "ja",
        "link definitions",
        """
決算シーズンが終わったので、気になった会社を三つだけ振り返ります。

まず装置メーカーのA社は、受注が過去最高でした。次に素材のB社は、値上げが効いて利益率が改善しています。最後にC社は、[説明会][c-call]での慎重な発言が印象に残りました。

どの会社も、来期の見通しは「需要次第」というのが本音のようです。

[c-call]: https://example.com/ir/c/2024q4-call
[a-deck]: https://example.com/ir/a/2024q4.pdf
""",
    ),
    Post(
        "ja",
        "fenced code",
        """
株価のデータを自動で集めるスクリプトを作りました。

毎朝七時に動かして、前日の終値をCSVに追記するだけの簡単なものです。使っているのは標準ライブラリと、データ取得用のライブラリ一つだけです。

中身はこんな感じ

```python
import csv
from datetime import date

def append_close(path, ticker, close):
    with open(path, "a", newline="") as f:
        csv.writer(f).writerow([date.today(), ticker, close])
```
""",
    ),
    Post(
        "ja",
        "table",
        """
主要クラウド三社の設備投資を比べてみました。

どの会社も前年から大きく増やしていますが、増やし方には差があります。

| 会社 | 前年度 | 今年度（計画） |
| --- | ---: | ---: |
| A社 | 3.2兆円 | 4.5兆円 |
| B社 | 2.8兆円 | 3.9兆円 |
| C社 | 1.1兆円 | 1.6兆円 |
""",
    ),
    Post(
        "ja",
        "signature",
        """
本日、当サイトは開設から五周年を迎えました。

これまで記事を読んでくださった皆さま、取材にご協力いただいた企業の皆さまに、心からお礼を申し上げます。これからも、数字と現場の両方から投資と技術を読み解く記事をお届けしていきます。

— ALLFORCES編集部
""",
    ),
    Post(
        "ja",
        "signature",
        """
【お知らせ】来週の更新はお休みします。

編集部の夏季休暇のため、8月12日から16日までの記事の更新はありません。再開は19日の予定です。

以上
""",
    ),
    Post(
        "ja",
        "list",
        """
今年の後半に注目しているテーマをまとめておきます。

どれも短期で結果が出るものではありませんが、長い目で追いかける価値はあると思っています。

- 推論チップの価格競争
- データセンターの電力確保
- 国内の半導体工場の稼働状況
- 生成AIの業務での定着度
""",
    ),
    Post(
        "ja",
        "HTML block",
        """
先日の記事で紹介した計算方法について、いくつか質問をいただきました。

いちばん多かったのは「割引率はどう決めればいいのか」というものです。これは正直、人によって答えが違います。私は長期金利に数パーセントを上乗せした値を目安にしています。

<div class="notice">
  <p>本記事は情報提供を目的としたもので、特定の銘柄の売買を勧めるものではありません。</p>
</div>
""",
    ),
    Post(
        "ja",
        "iframe",
        """
先月登壇したカンファレンスの動画が公開されました。

推論基盤のコストをどう下げたか、三十分ほどでお話ししています。資料だけでは伝わりにくい部分もあるので、興味のある方はぜひ動画でどうぞ。

<iframe width="560" height="315" src="https://www.youtube.com/embed/XyZ987abc" title="講演動画" frameborder="0" allowfullscreen></iframe>
""",
    ),
    Post(
        "ja",
        "HTML comment",
        """
円安の影響を受けやすい業種を、ざっくり三つに分けて考えてみます。

一つ目は輸出の比率が高い製造業、二つ目は海外で稼ぐサービス業、三つ目は原材料の輸入に頼る内需の業種です。最初の二つは追い風、最後の一つは向かい風になります。

ただし、為替の予約をどこまでしているかで、影響の出る時期はかなり変わります。

<!-- 追記予定：各社の為替感応度の表 -->
""",
    ),
    Post(
        "ja",
        "{% highlight %}",
        """
Jekyllでブログを書いている方向けに、記事の冒頭に更新日を出す方法を紹介します。

テンプレートに次の一行を足すだけです。

{% highlight liquid %}
{% raw %}<p>最終更新：{{ page.last_modified_at | date: "%Y年%m月%d日" }}</p>{% endraw %}
{% endhighlight %}
""",
    ),
    Post(
        "ja",
        "math",
        """
配当割引モデルの考え方を簡単に説明します。

株の価値は、将来もらえる配当を今の価値に割り引いて足し合わせたものだと考えます。配当が一定の率で伸び続けると仮定すると、式はとても簡単になります。

$$
P = \\frac{D_1}{r - g}
$$
""",
    ),
    Post(
        "ja",
        "blockquote",
        """
尊敬する投資家の言葉で、ずっと手帳に書き留めているものがあります。

相場が大きく動いた日は、これを読み返してから取引するようにしています。

> 分からないものには投資しない。分かったつもりのものには、もっと注意する。
""",
    ),
    Post(
        "ja",
        "no terminal punctuation",
        """
今日は久しぶりに相場が大荒れでした

朝イチで半導体株が軒並み下げて、正直ちょっと焦りました（汗）
でも、こういうときこそ冷静に
ポートフォリオを見直したら、思ったほどダメージはなかったです

明日はどうなるかな〜
""",
    ),
    Post(
        "ja",
        "rule",
        """
今回は、個人投資家がAI関連株を選ぶときの考え方を整理しました。

派手な発表に飛びつくより、地味でも利益を出し続けている会社を探すほうが、長い目で見ると報われることが多いと感じています。

---

*本記事の内容は執筆時点の情報に基づいています。*
""",
    ),
    Post(
        "ja",
        "attribute list",
        """
最後に、今回の分析で使った前提をまとめておきます。

為替は1ドル150円、長期金利は1%、成長率は年3%で計算しました。前提を変えると結果も大きく変わるので、ご自身の見通しで計算し直してみてください。
{: .note}
""",
    ),
    Post(
        "ja",
        "image",
        """
新しく買ったキーボードが届きました。

打鍵感がとても軽く、長い記事を書いても指が疲れにくいです。しばらく使ってみて、また感想を書きます。

![届いたキーボード](/assets/images/2024/07/keyboard.jpg)
*写真：筆者撮影*
""",
    ),
    Post(
        "ja",
        "Liquid",
        """
この記事は連載「電力とAI」の第三回です。

前回は送電網の制約について書きました。今回は、発電側の事情を見ていきます。

火力から再生可能エネルギーへの移行が進む中で、安定して電気を送り続けるのは簡単ではありません。データセンターの需要が急に増えれば、なおさらです。

{% if page.series %}
{% include series-nav.html series=page.series %}
{% endif %}
""",
    ),
    Post(
        "en",
        "plain prose",
        """
I finally moved our inference service off the big GPU instances.

The trick was batching. Once requests were grouped into small batches, a single mid-range card handled the whole load with room to spare. Latency went up by a few milliseconds, which nobody noticed.

The monthly bill is now about a third of what it was. I should have done this a year ago.
""",
    ),
    Post(
        "en",
        "fenced code",
        """
A reader asked how I pull closing prices into a spreadsheet every morning.

It is a cron job and about ten lines of Python. Here it is:

```python
import csv, datetime

def record(ticker, close, path="closes.csv"):
    with open(path, "a", newline="") as f:
        csv.writer(f).writerow([datetime.date.today(), ticker, close])
```
""",
    ),
    Post(
        "en",
        "signature",
        """
This is the last issue of the newsletter before the summer break.

Thank you for reading, replying and arguing with me all year. I learned more from your emails than from most of the reports I read.

See you in September.

Cheers,
Ken
""",
    ),
    Post(
        "en",
        "link definitions",
        """
Three things I read this week that changed my mind about chip stocks.

The first was the [capacity survey][survey], which shows far less new supply than I assumed. The second was a [long interview][interview] with a fab manager about yields. The third was simply the latest earnings release.

[survey]: https://example.org/reports/capacity-2024
[interview]: https://example.org/interviews/fab-manager "Interview"
""",
    ),
    Post(
        "en",
        "footnotes",
        """
Data centre power demand could double by the end of the decade.[^iea]

That number gets quoted a lot, usually without the caveats. The range of estimates is wide, and most of them assume today's efficiency.[^eff]

[^iea]: Range taken from several public forecasts; the midpoint is used here.
[^eff]: Per unit of compute, not per facility
""",
    ),
    Post(
        "en",
        "list",
        """
After a year of running small models in production, these are the things I would tell my past self.

- Measure cost per request, not per hour
- Cache aggressively
- Keep a fallback to the bigger model
- Log every prompt you can legally keep
""",
    ),
    Post(
        "en",
        "HTML block",
        """
Some housekeeping before the next post.

Comments are now moderated, because the spam got out of hand. Legitimate comments should appear within a day.

<p class="small">Questions about the site can go to the contact form instead.</p>
""",
    ),
    Post(
        "en",
        "{% include %}",
        """
The quarterly numbers are in, and they are better than I feared.

Revenue held up, margins improved slightly, and the company kept its dividend. The stock barely moved, which tells you how much was already priced in.

{% include newsletter-signup.html %}
""",
    ),
    Post(
        "en",
        "no terminal punctuation",
        """
Short one today, because the market did all the talking.

Everything I own went down, then most of it came back by the close. I did nothing, which was the right call.

Back to the regular schedule next week 👋
""",
    ),
]

# Written after the detector was finished, and measured once as they are.
LATE_POSTS = [
    Post(
        "ja",
        "plain prose",
        """
週末に、家族で地元の小さな工場の見学会に参加した。

部品の検査を担当しているのは、十年前に入社したという女性だった。最近は画像認識のシステムが入り、目で見る検査は半分ほどに減ったという。それでも、最後の判断は人がする。機械が「怪しい」と印を付けたものを、彼女が一つずつ手に取って確かめていく。

自動化の話になると、人の仕事がなくなるかどうかばかりが語られる。だが現場で見たのは、人と機械の分担が静かに変わっていく姿だった。
""",
    ),
    Post(
        "ja",
        "no terminal punctuation",
        """
【速報】日銀、政策金利を据え置き

本日の金融政策決定会合で、日銀は政策金利の据え置きを決めました。市場の予想通りの結果です。

発表直後の為替は小動きでした
詳しい分析は、夕方の記事でお届けします
""",
    ),
    Post(
        "ja",
        "list",
        """
## 今週の決算スケジュール

今週は半導体関連の決算が集中します。気になる会社をまとめました。

* 月曜：装置メーカーA社
* 水曜：素材メーカーB社
* 木曜：クラウド大手C社（米国時間）
* 金曜：国内通信D社
""",
    ),
    Post(
        "ja",
        "footnotes",
        """
生成AIの業務利用について、社内でアンケートを取りました[^survey]。

「毎日使っている」と答えた人は全体の三割でした。一方で、「使い方が分からない」という声も同じくらいありました。道具を配るだけでは定着しない、ということがよく分かります。

来月からは、部署ごとに小さな勉強会を開く予定です。

[^survey]: 2024年6月実施、回答者数212名。
    設問は選択式と自由記述の二種類。
""",
    ),
    Post(
        "ja",
        "fenced code",
        """
### ログの集計をワンライナーで

アクセスログから、時間帯ごとのリクエスト数を数えたいときに使っているコマンドです。

```bash
awk '{print substr($4, 14, 2)}' access.log | sort | uniq -c
```

出力はこんな感じ：

```
  1203 09
  1877 10
  2410 11
```
""",
    ),
    Post(
        "ja",
        "signature",
        """
今回の取材にご協力いただいた皆さま、ありがとうございました。

記事の内容に関するご意見やご質問は、お問い合わせフォームからお寄せください。いただいた声は、今後の記事づくりの参考にさせていただきます。

（文・写真：編集部 佐藤）
""",
    ),
    Post(
        "ja",
        "HTML block",
        """
今月のおすすめ書籍を紹介します。

半導体産業の歴史を、技術者の視点から丁寧に描いた一冊です。専門用語には注釈が付いているので、業界に詳しくない方でも読み進められます。

<div class="book-card">
  <img src="/assets/images/books/semiconductor-history.jpg" alt="書影">
  <p class="book-title">半導体の百年</p>
</div>
""",
    ),
    Post(
        "ja",
        "image",
        """
先月から始めた家庭菜園、ついにトマトが実りました！

毎朝水をやるだけでしたが、思ったよりたくさん収穫できました。投資の話とは関係ありませんが、たまにはこういう日記もいいですよね。

![ベランダのトマト](/assets/images/2024/08/tomato.jpg)
""",
    ),
    Post(
        "ja",
        "rule",
        """
以上、データセンター向け電力の現状を三回に分けて見てきました。

送電網の増強には時間がかかります。その間、企業は自家発電や蓄電池、立地の工夫で乗り切るしかありません。この制約が、どの会社にとって追い風になり、どの会社にとって向かい風になるのか。引き続き追いかけていきます。

* * *
""",
    ),
    Post(
        "en",
        "plain prose",
        """
We shipped the new search last Tuesday, and nothing caught fire.

The old index took forty minutes to rebuild; the new one updates in place within seconds of an edit. Editors noticed before we announced anything, which is the best review a feature can get.

There are still rough edges. Typos in Japanese queries are handled poorly, and ranking for very short queries needs work. Both are on the list for next month.
""",
    ),
    Post(
        "en",
        "table",
        """
## Cost per thousand requests

Here is what we paid last month for each option, all at the same traffic.

| Setup | Cost | p95 latency |
|-------|-----:|------------:|
| Large model, cloud | $4.10 | 820 ms |
| Small model, cloud | $0.90 | 310 ms |
| Small model, our own GPUs | $0.55 | 290 ms |
""",
    ),
    Post(
        "en",
        "link-only line",
        """
The recording of last week's webinar is up.

We covered how we moved inference to smaller models, what broke along the way, and what we would do differently. The Q&A at the end is probably the most useful part.

Watch it here: https://example.org/webinars/small-models-2024
""",
    ),
    Post(
        "en",
        "signature",
        """
That's it for this month's portfolio update.

Nothing dramatic happened, which is exactly how I like it. Contributions went in on schedule and I rebalanced once, in May.

Until next time,
Mika
""",
    ),
    Post(
        "en",
        "footnotes",
        """
Chip export rules changed again this week.[^1] The new limits are narrower than the draft, but they cover more products.

For most investors the direct impact is small. The indirect effect on planning, though, is real: nobody builds a fab on rules that change every six months.

[^1]: The final text was published on Monday; the draft had circulated for a month.
""",
    ),
]
