"""Written building blocks for the cut-off corpus: sentences, items, code, tables.

Every text here was written for this corpus. Japanese sentences come in the
styles real blogs mix: polite (です・ます) and plain (だ・である) with 。,
casual lines that end without 。, questions and exclamations. Some sentences
are composed from parts (subject, middle, predicate) so that the generated
posts do not repeat whole sentences too often.
"""

# -- Japanese ---------------------------------------------------------------

JA_POLITE = [
    "半導体の在庫調整は、ようやく底を打ったように見えます。",
    "データセンター向けの受注は前年同期比で二割ほど増えました。",
    "ここで注目したいのは、推論向けチップの単価が下がり続けている点です。",
    "電力会社の設備投資計画も、この一年で大きく上方修正されています。",
    "円安が続く限り、輸出企業の利益は押し上げられるでしょう。",
    "ただし、金利が上がれば成長株の評価は厳しくなります。",
    "私自身、この銘柄を三年前から少しずつ買い増してきました。",
    "決算説明会では、経営陣が「価格より供給を優先する」と明言しました。",
    "クラウド各社の設備投資は、今期も過去最高を更新する見込みです。",
    "国内の中小企業でも、生成AIの試験導入が広がりつつあります。",
    "液冷方式への切り替えには、建屋の改修も必要になります。",
    "為替の前提を一円動かすだけで、営業利益は数十億円変わります。",
    "もちろん、短期的な株価の上下に一喜一憂する必要はありません。",
    "この分野では、日本の素材メーカーが依然として強みを持っています。",
    "規制の行方によっては、計画そのものが見直される可能性もあります。",
    "過去のサイクルを振り返ると、回復局面は想像より早く訪れました。",
    "数字だけを見れば順調ですが、利益率の低下は気になるところです。",
    "今回の発表で、市場の見方は少し楽観に傾いたと言えます。",
    "個人投資家にとっては、積み立てを続けることが何より大切です。",
    "現場の技術者に話を聞くと、人手不足の深刻さがよく分かります。",
    "新工場の稼働は、当初の予定から半年ほど遅れる見通しです。",
    "同社の株価は、発表の翌日に一割近く上昇しました。",
    "競合との価格競争は、来年以降さらに激しくなるかもしれません。",
    "モデルの学習よりも、日々の推論にかかる費用のほうが大きくなってきました。",
    "投資判断の前に、決算短信の注記まで目を通すことをおすすめします。",
    "この傾向は、少なくとも来年の前半までは続くと考えています。",
    "開発チームは、応答速度を従来の半分に縮めることに成功しました。",
    "その結果、一件あたりの処理コストは大幅に下がりました。",
    "ここ数年で、オープンソースのモデルの性能は驚くほど向上しました。",
    "海外の投資家も、日本の製造装置メーカーに改めて注目しています。",
    "蓄電池の価格低下は、再生可能エネルギーの普及を後押ししています。",
    "工場の自動化投資は、人件費の上昇を背景に加速しています。",
    "一方で、景気後退への警戒感も根強く残っています。",
    "長期で見れば、この調整はむしろ買い場だと私は考えます。",
    "配当利回りだけで銘柄を選ぶのは、少し危ういと感じます。",
    "セキュリティ対策の費用は、今や経営課題の一つになっています。",
    "詳しい数字は、会社が公表している資料で確認できます。",
    "この点については、次回の記事で改めて取り上げます。",
    "まずは小さく試して、効果を確かめてから広げるのが現実的です。",
    "通信各社も、エッジでの推論処理に力を入れ始めました。",
]

JA_PLAIN = [
    "需要の伸びは一時的なものではない。",
    "問題は、電力の供給が追いつくかどうかだ。",
    "市場はすでにこの成長をある程度織り込んでいる。",
    "だが、楽観しすぎるのは禁物である。",
    "半導体は景気の波を最も早く映す産業だ。",
    "設備投資の回収には、少なくとも五年はかかるだろう。",
    "数字は嘘をつかないが、見方次第で印象は変わる。",
    "技術の優位は、思ったほど長くは続かない。",
    "価格が下がれば、使われる場面は一気に広がる。",
    "結局のところ、勝つのは現場を知る企業なのだ。",
    "この流れを止めるのは難しいだろう。",
    "投資とは、未来の不確かさに値段をつける行為である。",
    "規模の経済が効き始めると、後発は苦しくなる。",
    "日銀の判断次第で、相場の景色は一変する。",
    "過去の成功体験が、次の失敗の種になることもある。",
]

JA_QUESTION_EXCLAIM = [
    "では、この成長はいつまで続くのでしょうか？",
    "本当にそれだけで十分なのか？",
    "これは買い時なのでしょうか、それとも罠でしょうか？",
    "あなたなら、どちらの会社に投資しますか？",
    "ここまで来ると、もはや別の産業です！",
    "まさかこんな展開になるとは！",
    "この差は想像以上に大きいですよ！",
    "皆さんの予想はいかがでしたか？",
    "その答えは、意外なところにありました！",
    "果たして、次の主役はどこになるのか？",
]

# Whole lines a casual writer ends without 。 (each is a finished sentence).
JA_WITHOUT_MARU = [
    "くれぐれも自己責任で願います",
    "気になる方はぜひチェックしてみてください",
    "今後の動向に注目です",
    "次の決算発表が楽しみですね",
    "正直、ここまで伸びるとは思いませんでした",
    "しばらくは様子見が賢明でしょう",
    "私はもう少し買い増すつもりです",
    "長文にお付き合いいただきありがとうございました",
    "この銘柄、まだまだ伸びると思うんですよね",
    "いやー、今回は本当に勉強になりました",
    "皆さんはどう考えますか",
    "それでは良い投資ライフを！",
    "みんなも試してみてね",
    "またまた含み損が増えました（笑）",
    "今日の相場は荒れましたね😅",
    "やっと黒字化しましたｗ",
    "ついに目標株価に届きました！！",
    "引き続きウォッチしていきます",
    "半導体の冬はまだ終わりません",
    "これぞまさに「選択と集中」",
    "結論は『分散こそ最強』",
    "（詳しくは次回の記事で）",
    "来週も更新しますのでお楽しみに",
    "これからも応援よろしくお願いします",
    "投資は自己責任でお願いします",
    "詳細が分かり次第、追記します",
    "今年も残りわずか、頑張りましょう",
    "少しでも参考になれば幸いです",
    "質問があれば気軽にどうぞ",
    "ご覧いただき、ありがとうございました🙏",
    "それにしても暑い一日でした",
    "これは面白くなってきましたね〜",
    "来月もこの調子でいきたいです♪",
    "ほんと、相場って難しいｗｗ",
    "焦らず、じっくりいきましょう",
    "次はいよいよ実践編です",
    "まだ始めていない方は、今日からでも遅くありません",
    "結果はまた報告しますね",
    "うーん、悩ましいところです",
    "わかる人にはわかるはず笑",
]

# Composed sentences: subject, middle, predicate.
JA_SUBJECTS = [
    "半導体の需要は",
    "データセンターの電力消費は",
    "推論チップの価格は",
    "国内の設備投資は",
    "クラウド事業の売上は",
    "電気自動車向けの電池は",
    "産業用ロボットの受注は",
    "生成AIの利用者数は",
    "日本の製造装置メーカーの株価は",
    "長期金利は",
    "ドル円相場は",
    "サイバー攻撃の被害額は",
    "エッジ端末の出荷台数は",
    "スタートアップへの投資額は",
    "個人投資家の買い越し額は",
    "光通信部品の受注残は",
    "液冷システムの導入件数は",
    "再生可能エネルギーの発電量は",
]
JA_MIDDLES = [
    "今年の後半にかけて",
    "前年同期と比べて",
    "市場の予想を上回るペースで",
    "ここ数か月で",
    "大手の発表をきっかけに",
    "金利の動きとは関係なく",
    "地域によって差はあるものの",
    "少なくとも来期までは",
    "アジアを中心に",
    "各社の慎重な見通しとは裏腹に",
    "供給網の混乱が落ち着いたことで",
    "新製品の投入に合わせて",
]
JA_PREDICATES_POLITE = [
    "大きく伸びています。",
    "緩やかに回復しました。",
    "高い水準を保つでしょう。",
    "二桁の成長を続けています。",
    "やや鈍化しました。",
    "過去最高を更新しました。",
    "横ばいで推移しています。",
    "再び増加に転じました。",
    "下げ止まりつつあります。",
    "想定を上回る結果となりました。",
    "引き続き拡大する見込みです。",
    "一段と重要になっていくはずです。",
]
JA_PREDICATES_PLAIN = [
    "大きく伸びている。",
    "緩やかに回復した。",
    "高止まりが続くだろう。",
    "二桁の成長を続けている。",
    "やや鈍化した。",
    "過去最高を更新した。",
    "横ばいで推移している。",
    "再び増加に転じた。",
]

# Sentences carrying inline markup; {url} is filled in by the generator.
JA_WITH_MARKUP = [
    "詳しくは[会社の発表資料]({url})をご覧ください。",
    "ポイントは**推論コストの低下**にあります。",
    "設定は `config.yml` の一行を変えるだけで済みます。",
    "同社は昨年、[新しい工場]({url})の建設を発表しました。",
    "ここで言う「推論」とは、学習済みのモデルを実際に動かすことを指します。",
    "**重要なのは、数字の裏にある前提を確かめることです。**",
    "*個人的には*、この判断は正しかったと思います。",
    "この指標は`PER`と呼ばれ、株価の割安さを測るのに使われます。",
]

JA_HEADINGS = [
    "## はじめに",
    "## 背景",
    "## 何が起きているのか",
    "## 数字で見る現状",
    "### 注意したい点",
    "## 投資家としての見方",
    "## 技術的なポイント",
    "### 実際に試してみた",
    "## まとめ",
    "## 今後の見通し",
]

# Items that are noun phrases, as Japanese lists usually are.
JA_ITEMS = [
    "送配電設備の増強",
    "液冷技術への移行",
    "地政学リスク",
    "為替の変動",
    "人材の確保",
    "電力料金の上昇",
    "推論チップの内製化",
    "サプライチェーンの分散",
    "規制当局の動向",
    "中小企業での導入事例",
    "決算発表の日程",
    "配当方針の変更",
    "新工場の稼働時期",
    "オープンソースモデルの台頭",
    "データの品質",
    "セキュリティ対策",
]
# Items that are whole sentences.
JA_SENTENCE_ITEMS = [
    "電力の確保が最大の課題になります。",
    "価格競争はしばらく続くでしょう。",
    "長期で見れば成長余地は大きいと考えます。",
    "短期の値動きには振り回されないことです。",
    "まずは少額から始めるのが無難です。",
    "決算の数字は必ず原文で確かめましょう。",
]

JA_LEAD_INS = [
    "実行結果は次の通りです。",
    "設定ファイルは以下のようになります。",
    "実際のコードはこちら：",
    "主な数字をまとめると次のようになります：",
    "手順は以下の通り",
    "比較した結果がこちら",
    "参考までに、使ったスクリプトを載せておきます。",
    "例えば、次のように書きます：",
]

JA_QUOTES = [
    "> 技術の進歩は、いつも予想より遅く、そして予想より大きい。",
    "> 価格が下がれば、需要は必ず後からついてくる。",
    "> 迷ったときは、売上ではなく現金の流れを見よ。",
]

JA_SIGNATURES = [
    "以上",
    "（了）",
    "— ALLFORCES編集部",
    "― 編集部",
    "文：山田太郎",
    "（おわり）",
    "それではまた！",
    "次回もお楽しみに",
    "今回はここまで",
    "以上、編集部からでした。",
    "#投資 #半導体 #生成AI",
]

# -- English ----------------------------------------------------------------

EN_SENTENCES = [
    "Demand for inference chips keeps growing faster than supply.",
    "The company raised its full-year guidance for the second time.",
    "That is a big change from where we were two years ago.",
    "Margins improved because the product mix shifted towards servers.",
    "Still, the valuation already prices in a lot of good news.",
    "I have been holding a small position since last spring.",
    "Power, not silicon, is becoming the real bottleneck.",
    "Most of the new capacity will come online in 2026.",
    "Nobody expected the rebound to be this fast.",
    "The numbers look great on paper, but the cash flow tells another story.",
    "Open models have closed much of the gap with closed ones.",
    "Liquid cooling is no longer a niche option for data centres.",
    "In other words, the cycle has turned.",
    "The yen's weakness flatters exporters' earnings.",
    "This is where things get interesting.",
    "A lot of smaller firms are testing these tools right now.",
    "The main risk is a sudden slowdown in cloud spending.",
    "Shipments grew 14% year over year, well above estimates.",
    "As always, do your own research before you buy anything.",
    "Latency dropped by half after the upgrade.",
    "We rewrote the whole pipeline in about three weeks.",
    "The build now takes four minutes instead of twelve.",
    "Regulators have started to pay attention, too.",
    "Why does this matter for investors?",
    "Is the rally sustainable?",
    "What a quarter it was!",
    "That alone is worth the upgrade!",
    'She called it "the most boring revolution in computing."',
    "(I will come back to this in a later post.)",
    'The CEO said the plan was "on track."',
    "It is, e.g., cheaper to run small models at the edge.",
    "U.S. exports of advanced chips face new limits.",
    "Prices fell by roughly 3.5% in the last quarter.",
    "The results (and the guidance) beat expectations.",
    "I tried three approaches; only the last one worked.",
    "Here is the short version: costs are falling, and usage is rising.",
]
EN_SUBJECTS = [
    "Data centre spending",
    "The price of GPUs",
    "Demand for memory",
    "Our monthly cloud bill",
    "The number of active users",
    "Battery costs",
    "Orders for industrial robots",
    "Venture funding for AI startups",
    "The ten-year yield",
    "Inference traffic",
]
EN_MIDDLES = [
    "over the past year",
    "since the last earnings call",
    "despite higher rates",
    "across most regions",
    "after the new model launched",
    "in the first half",
]
EN_PREDICATES = [
    "has roughly doubled.",
    "kept climbing.",
    "fell more than expected.",
    "stayed flat.",
    "rose for the third quarter in a row.",
    "surprised almost everyone.",
    "is finally stabilising.",
]
EN_WITH_MARKUP = [
    "You can read the [full report]({url}) on the company's site.",
    "The key line is `max_batch_size`, which most people never touch.",
    "**The real story is the cost per query.**",
    "I wrote about this [last month]({url}), too.",
    "Set `WORKERS=4` and restart the service.",
]
EN_HEADINGS = [
    "## Background",
    "## What changed",
    "## The numbers",
    "### A caveat",
    "## Takeaways",
    "## Wrapping up",
]
EN_ITEMS = [
    "Power grid upgrades",
    "Liquid cooling",
    "Export controls",
    "Currency swings",
    "Hiring engineers",
    "Energy prices",
    "Custom accelerators",
    "Supply chain diversification",
    "Better observability",
    "Faster cold starts",
    "Lower cost per token",
    "Smaller, cheaper models",
]
EN_SENTENCE_ITEMS = [
    "Power is the main constraint.",
    "Prices will keep falling.",
    "Start small and measure.",
    "Read the filings, not the headlines.",
]
EN_LEAD_INS = [
    "Here is the config I ended up with:",
    "The output looks like this:",
    "The script is short:",
    "For example:",
    "Here are the numbers.",
    "This is the whole thing:",
]
EN_QUOTES = [
    "> The best time to cut costs is before you have to.",
    "> Software is eating the data centre, one rack at a time.",
]
EN_SIGNATURES = [
    "Cheers,\nKen",
    "Happy hacking!",
    "Thanks for reading",
    "— The editors",
    "-- Mika",
    "Stay tuned",
    "Happy investing",
    "#investing #semiconductors",
]
EN_EMOTICON_ENDINGS = [
    "Let me know what you think :)",
    "See you next week ;)",
    "That is all for today 🚀",
    "I am honestly impressed 👏",
]

# -- Shown content --------------------------------------------------------

CODE = [
    (
        "python",
        'import requests\n\nresponse = requests.get("https://api.example.com/v1/prices")\nprint(response.json()["close"])',
    ),
    ("bash", "pip install --upgrade pandas\npython analyze.py --since 2024-01-01"),
    ("ruby", 'def hello(name)\n  puts "Hello, #{name}"\nend'),
    ("yaml", "workers: 4\ntimeout: 30\nmodel: small-ja\n# 推論の同時実行数\nconcurrency: 8"),
    (
        "javascript",
        "const total = prices.reduce((sum, p) => sum + p, 0);\nconsole.log(total / prices.length);",
    ),
    ("sql", "SELECT ticker, AVG(close)\nFROM prices\nWHERE day >= '2024-01-01'\nGROUP BY ticker;"),
    ("", '$ curl -s https://example.com/health\n{"status": "ok"}'),
    (
        "python",
        "for ticker in tickers:\n    rows = fetch(ticker)\n    if not rows:\n        continue\n    save(ticker, rows)",
    ),
]

JA_TABLES = [
    "| 指標 | 2023年 | 2024年 |\n| --- | ---: | ---: |\n| 売上高 | 1,200億円 | 1,450億円 |\n| 営業利益 | 180億円 | 230億円 |",
    "| 銘柄 | 評価 |\n|:--|:--|\n| A社 | 強気 |\n| B社 | 中立 |\n| C社 | 弱気 |",
    "方式 | 消費電力 | 導入コスト\n--- | --- | ---\n空冷 | 高い | 低い\n液冷 | 低い | 高い",
]
EN_TABLES = [
    "| Metric | 2023 | 2024 |\n|---|---:|---:|\n| Revenue | 1.2bn | 1.45bn |\n| Operating margin | 15% | 16% |",
    "| Option | Latency | Cost |\n| --- | --- | --- |\n| Cloud | 80 ms | High |\n| Edge | 15 ms | Low |",
]

IMAGES_JA = [
    "![半導体工場の外観](/assets/images/2024/fab-exterior.jpg)",
    '![売上高の推移](/assets/images/2024/revenue-chart.png "売上高の推移")',
    "![](/assets/images/2024/datacenter.jpg)",
    "[![決算資料の表紙](/assets/images/2024/deck-thumb.png)](/assets/files/2024/deck.pdf)",
]
IMAGES_EN = [
    "![Revenue by segment](/assets/images/2024/segments.png)",
    "![A rack of liquid-cooled servers](/assets/images/2024/rack.jpg)",
]

URLS = [
    "https://example.com/ir/2024q3",
    "https://example.jp/news/20240512",
    "https://blog.example.org/posts/inference-costs",
    "/2024/05/12/power-demand/",
]

# -- the words of the tails, by language ---------------------------------------

HEADINGS = {"ja": JA_HEADINGS, "en": EN_HEADINGS}
QUOTES = {"ja": JA_QUOTES, "en": EN_QUOTES}
LEAD_INS = {"ja": JA_LEAD_INS, "en": EN_LEAD_INS}
ITEMS = {"ja": JA_ITEMS, "en": EN_ITEMS}
SENTENCE_ITEMS = {"ja": JA_SENTENCE_ITEMS, "en": EN_SENTENCE_ITEMS}
TABLES = {"ja": JA_TABLES, "en": EN_TABLES}
IMAGES = {"ja": IMAGES_JA, "en": IMAGES_EN}
SIGNATURES = {"ja": JA_SIGNATURES, "en": EN_SIGNATURES}

CLOSING_QUESTIONS = {"ja": JA_QUESTION_EXCLAIM, "en": ["Is the rally sustainable?", "What a quarter it was!"]}
FIGURE_CAPTIONS = {
    "ja": ["売上高の推移", "新工場の完成予想図", "推論コストの比較"],
    "en": ["Revenue by quarter", "The new plant"],
}
TABLE_CREDITS = {"ja": ["（出典：各社の決算資料）", "出典：各社決算資料"], "en": ["Source: company filings"]}
LINK_TEXTS = {"ja": ["会社の発表資料", "公式ブログ"], "en": ["The full report", "Official announcement"]}
LINK_LABELS = {"ja": ["関連記事：", "出典：", "参考："], "en": ["Source: ", "See also: "]}
LINK_TITLES = {"ja": ["電力需要の行方", "決算の読み方"], "en": ["Power demand", "Reading the filings"]}
LINK_ARROWS = {"ja": ["次の記事へ", "前編はこちら"], "en": ["Next post", "Part one"]}
PREVIOUS_NEXT = {
    "ja": [
        "[前の記事](/2024/04/01/a/) | [次の記事](/2024/06/01/b/)",
        "[« 前へ](/2024/04/01/a/) | [次へ »](/2024/06/01/b/)",
    ],
    "en": ["[« Previous](/2024/04/01/a/) | [Next »](/2024/06/01/b/)"],
}
# A last line that ends on its link; {url} is filled in by the generator.
ENDING_ON_A_LINK = {
    "ja": ["詳しくは[こちら]({url})", "元の発表は[会社のサイト]({url})で読めます。", "出典は {url}"],
    "en": ["Read the full story [here]({url})", "The slides are at <{url}>"],
}
LINK_LEAD_INS = {
    "ja": ["詳しくはこちら", "元の発表は以下から確認できます。"],
    "en": ["More here:", "The original announcement:"],
}
REFERENCE_LINKS = {
    "ja": ["詳しくは[発表資料][1]と[説明会の記録][2]を参照してください。"],
    "en": ["See the [filing][1] and the [call transcript][2] for details."],
}
REFERENCE_TITLES = {"ja": ["説明会の記録"], "en": ["Transcript"]}
FOOTNOTE_REFERENCES = {
    "ja": ["この数字は会社の公表値です[^1]。", "業界団体の推計では、さらに大きくなります[^2]。"],
    "en": ["This figure comes from the company itself[^1].", "Industry estimates are even higher[^2]."],
}
FIRST_FOOTNOTES = {
    "ja": ["[^1]: 2024年度の決算説明資料による。", "[^1]: 会社の公表値"],
    "en": ["[^1]: From the fiscal 2024 results deck.", "[^1]: Company data"],
}
SECOND_FOOTNOTES = {"ja": ["[^2]: 業界団体の推計"], "en": ["[^2]: Industry association estimate"]}
FOOTNOTE_PARAGRAPHS = {
    "ja": ["    推計の前提は年によって異なるので注意が必要です。"],
    "en": ["    The assumptions change from year to year."],
}
DISCLAIMERS = {
    "ja": ["本記事は情報提供を目的としており、投資を勧めるものではありません。"],
    "en": ["This post is not investment advice."],
}
SUMMARIES = {"ja": ["計算の前提"], "en": ["Assumptions"]}
IMAGE_CAPTIONS = {
    "ja": ["*図1：売上高の推移*", "（写真：筆者撮影）"],
    "en": ["*Figure 1: revenue by segment*", "Photo by Ken Tanaka on Unsplash"],
}
RELATED_HEADINGS = {"ja": ["## 関連記事", "## 参考リンク"], "en": ["## Further reading", "## Links"]}
AFTER_RULE = {
    "ja": ["*本記事は情報提供を目的としており、投資助言ではありません。*"],
    "en": ["*This post is for information only and is not investment advice.*"],
}
LIST_LEAD_INS = {
    "ja": ["注目したい点は次の通りです。", "チェックしたいポイント：", "今回のまとめ"],
    "en": ["What to watch:", "In short:"],
}
LIST_MARKERS = {"ja": ["- ", "* ", "1. ", "・"], "en": ["- ", "* ", "1. "]}
ATTRIBUTIONS = {"ja": ["> — ある投資家の言葉"], "en": ["> — an old trader's saying"]}
COLON_LEAD_INS = {
    "ja": ["使ったコマンドは次の通り：", "計算式は以下", "このスクリプトで集計しました:"],
    "en": ["Here is the command:", "The query I used:"],
}

INCLUDES = [
    "{% include related.html %}",
    "{% include share-buttons.html %}",
    '{% include image.html src="/assets/images/2024/chart.png" alt="chart" %}',
    "{% include disclaimer.md %}",
    "{%- include ads/footer.html -%}",
]
RAW_BLOCKS = [
    "{% raw %}\n```liquid\n{{ page.title | escape }}\n```\n{% endraw %}",
    "{% raw %}\n{% for post in site.posts %}\n  {{ post.title }}\n{% endfor %}\n{% endraw %}",
]
IFRAMES = [
    '<iframe width="560" height="315" src="https://www.youtube.com/embed/abc123XYZ" frameborder="0"'
    " allowfullscreen></iframe>",
    '<div class="video">\n  <iframe src="https://player.example.com/video/42" width="640" height="360"'
    ' allow="fullscreen"></iframe>\n</div>',
]
HTML_COMMENTS = [
    "<!-- 次回：電力編 -->",
    "<!--\nTODO: 図を差し替える\n決算の数字を再確認\n-->",
    "<!-- more -->",
]
SCRIPTS = [
    '<script type="application/ld+json">\n{\n  "@type": "BlogPosting",\n  "author": "ALLFORCES"\n}\n</script>',
    '<blockquote class="embed-post"><p lang="ja">需要の伸びがすごい。</p>&mdash; 投資家A (@investor_a)'
    ' <a href="https://social.example.com/p/1">2024年5月12日</a></blockquote>\n'
    '<script async src="https://social.example.com/widgets.js" charset="utf-8"></script>',
]
ATTRIBUTE_LISTS = ["{: .note}", "{: .notice--info}", '{:style="color: gray"}']
KRAMDOWN_COMMENTS = [
    "{::comment}\n下書きメモ：数字は速報値\n{:/comment}",
    "{::comment}\nThis part is hidden.\n{:/comment}",
]
MATH = ["$$\nP = \\frac{D}{r - g}\n$$", "$$ \\text{ROE} = \\frac{\\text{純利益}}{\\text{自己資本}} $$"]
RULES = ["---", "***", "* * *", "___"]
LIQUID_IF = "{% if page.comments %}\n{% include comments.html %}\n{% endif %}"
LIQUID_LINES = [
    '最終更新：{{ page.last_modified_at | date: "%Y年%m月%d日" }}',
    "{{ page.disclaimer }}",
    "{% gist 5f3e2a1b9c %}",
    "{% youtube abc123XYZ %}",
    "{% comment %}公開前に数字を確認{% endcomment %}",
]
