"""Old Jekyll addresses of imported articles, and the permanent redirect from them.

An address is looked up by its key: the path with runs of slashes made one,
without a trailing slash, a final ``.html``/``.htm`` or a final ``/index``, so
``/a/b/``, ``/a/b``, ``/a/b.html`` and ``/a/b/index.html`` all find the same
article. Case counts, as it did on the web server that served the Jekyll site.
"""

import logging
import re
from dataclasses import dataclass
from urllib.parse import unquote

from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponsePermanentRedirect
from django.utils.encoding import iri_to_uri

from allforces.unavailable import unavailable_response
from articles.models import Article

from .models import LegacyURL

logger = logging.getLogger(__name__)

MAX_LENGTH = LegacyURL._meta.get_field("key").max_length
_SLASHES = re.compile("/{2,}")


def legacy_key(path: str) -> str:
    """The form of a decoded path that old addresses are matched by (see the module's docstring)."""
    key = _SLASHES.sub("/", path).rstrip("/")
    for suffix in (".html", ".htm"):
        if key.endswith(suffix):
            key = key.removesuffix(suffix)
            break
    if key.endswith("/index") or key == "index":
        key = key.removesuffix("index").rstrip("/")
    if not key.startswith("/"):
        key = f"/{key}"
    return key


def _storable(text: str) -> bool:
    # PostgreSQL refuses NUL in text, and nothing longer than the column can match.
    return "\x00" not in text and len(text) <= MAX_LENGTH


@dataclass(frozen=True)
class Clash:
    """An old address that could not be given to an article, and why (in Japanese)."""

    path: str
    taken_by: Article | None
    message: str


# No savepoint of its own: the importer calls it for every post, inside the post's own.
@transaction.atomic(savepoint=False)
def record_legacy_urls(article: Article, paths: list[str], *, new_article: bool = False) -> list[Clash]:
    """Make ``paths`` the article's old addresses, replacing the ones it had.

    Paths of one key are one address (the first path is kept). An address another
    article already has stays that article's: it is returned as a ``Clash`` (and
    logged) for the import report. The site's root is never recorded: it is our
    home page, not an old article.
    """
    wanted: dict[str, str] = {}
    clashes = []
    for path in paths:
        if not path:
            continue
        key = legacy_key(path)
        if not (_storable(path) and _storable(key)):
            clashes.append(
                Clash(
                    path, None, f"旧URL {path[:80]} は長すぎるか使えない文字を含むため、登録しませんでした。"
                )
            )
            continue
        if key != "/":
            wanted.setdefault(key, path)
    if not new_article:
        LegacyURL.objects.filter(article=article).exclude(key__in=wanted).delete()
    # Two imports at once may both claim a key: the unique index decides, and
    # ignore_conflicts waits for the other transaction instead of failing.
    LegacyURL.objects.bulk_create(
        [LegacyURL(article=article, path=path, key=key) for key, path in wanted.items()],
        ignore_conflicts=True,
    )
    for row in LegacyURL.objects.filter(key__in=wanted).select_related("article"):
        path = wanted[row.key]
        if row.article_id != article.pk:
            other = row.article
            message = (
                f"旧URL {path} は記事「{other.title}」（ID {other.pk}）の旧URLとして登録済みのため、"
                "この記事には登録しませんでした。"
            )
            logger.warning("legacy URL %s of article %s is already article %s's", path, article.pk, other.pk)
            clashes.append(Clash(path, other, message))
        elif row.path != path:
            LegacyURL.objects.filter(pk=row.pk).update(path=path)
    return clashes


def _candidates(request) -> list[tuple[str, bool]]:
    """The keys to look up, most specific first, each with whether the redirect keeps the query."""
    candidates = []
    query = request.META.get("QUERY_STRING", "")
    if query:
        # "/what?.html" on the old site was a file named "what?.html"; a link
        # that did not encode the "?" arrives with ".html" as the query.
        candidates.append((legacy_key(f"{request.path}?{unquote(query)}"), False))
    candidates.append((legacy_key(request.path), True))
    return [(key, keeps_query) for key, keeps_query in candidates if _storable(key)]


class LegacyURLRedirectMiddleware:
    """Answer a 404 at an old Jekyll address of a live article with a 301 to the article.

    As ``django.contrib.redirects``' fallback middleware, it acts only on what
    would otherwise be a 404 to a GET or HEAD, so no current page can be
    shadowed and other responses cost nothing. Only a live article's address
    redirects: for any other the 404 stands unchanged, so whether an unpublished
    article exists does not show. The query string is carried over.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        candidates = _candidates(request)
        if not candidates or connection.needs_rollback:
            # needs_rollback: a view left a transaction it could not roll back (possible
            # only inside a test's transaction); there is nothing to ask the database then.
            return response
        try:
            found = {
                row.key: row.article
                for row in LegacyURL.objects.filter(
                    key__in=[key for key, _ in candidates], article__in=Article.objects.published()
                ).select_related("article")
            }
        except (OperationalError, InterfaceError):
            # A 404 would tell search engines the old address is gone; a 503 says "try again".
            logger.exception("legacy URL lookup failed: %s", request.path)
            return unavailable_response(request)
        for key, keeps_query in candidates:
            if key in found:
                location = found[key].get_absolute_url()
                query = request.META.get("QUERY_STRING", "")
                if query and keeps_query:
                    location = f"{location}?{query}"
                return HttpResponsePermanentRedirect(location)
        return response


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_PCRE_SPECIAL = re.compile(r"([\\^$.|?*+()\[\]{}])")
NGINX_MAP_HEADER = """\
# ALLFORCES: Jekyll 時代の旧URL → 記事のURL（manage.py legacy_urls --nginx で書き出したもの）
#
# 使い方: このファイルを http { } の中で読み込み、server { } の中で転送します。
#     http {
#         include /etc/nginx/allforces-legacy-urls.map;
#         server {
#             if ($allforces_redirect) { return 301 $allforces_redirect$is_args$args; }
#         }
#     }
# 左の列は nginx の $uri と比べます。$uri はパーセントエンコードを解いた形（日本語はそのまま）で、
# 連続するスラッシュは1つにまとめられています。nginx の map は文字列を大文字と小文字を区別せずに
# 比べるため、大文字と小文字だけが違う旧URLが別の記事を指すときは、区別する正規表現（~）で書きます。
# 公開中の記事だけが載っています。記事を公開・非公開にしたら書き出し直してください
# （ここに載っていない旧URLも、アプリケーションが同じように転送します）。
# 下の map_hash_* は長い日本語のURLと件数に足りる大きさです。nginx.conf で既に設定しているなら、
# この2行を消し、そちらをこの値以上にしてください（同じ設定が2つあると nginx は起動しません）。
"""


def _nginx_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _forms(path: str) -> list[str]:
    """The decoded paths nginx may see for one old address: every form with the same key."""
    key = legacy_key(path)
    forms = [key, f"{key}/", f"{key}.html", f"{key}/index.html", path]
    return [form for form in dict.fromkeys(forms) if legacy_key(form) == key]


def nginx_map(redirects: list[tuple[str, str]]) -> str:
    """An nginx ``map $uri $allforces_redirect`` file sending each old path to its new URL.

    ``redirects`` are (old path, new URL) pairs, the paths decoded as stored. Each
    old address is written in every form it may arrive in (with and without the
    trailing slash, ``.html`` and ``/index.html``). Forms that nginx, comparing
    strings without regard to case, could not tell apart but that lead to
    different places are written as case-sensitive regular expressions instead.
    """
    entries: dict[str, str] = {}
    for path, url in redirects:
        target = iri_to_uri(url).replace("$", "%24")  # "$" would start an nginx variable
        for form in _forms(path):
            if not any(character < " " or character == "\x7f" for character in form):
                entries.setdefault(form, target)
    folded: dict[str, set[str]] = {}
    for form, target in entries.items():
        folded.setdefault(form.translate(_ASCII_LOWER), set()).add(target)
    lines, written = [], set()
    for form, target in entries.items():
        fold = form.translate(_ASCII_LOWER)
        if len(folded[fold]) > 1:
            pattern = "~^" + _PCRE_SPECIAL.sub(r"\\\1", form) + "$"
            lines.append(f"    {_nginx_quoted(pattern)} {_nginx_quoted(target)};")
        elif fold not in written:
            written.add(fold)
            lines.append(f"    {_nginx_quoted(form)} {_nginx_quoted(target)};")
    return (
        NGINX_MAP_HEADER
        + _hash_sizes(entries)
        + "map $uri $allforces_redirect {\n"
        + "\n".join(lines)
        + "\n}\n"
    )


def _power_of_two_at_least(number: int) -> int:
    return 1 << max(number - 1, 1).bit_length()


def _hash_sizes(entries: dict[str, str]) -> str:
    # nginx needs a bucket to hold a pointer, the key (aligned to 8 bytes, plus 2) and
    # an end marker; twice that leaves room for keys that land in one bucket.
    longest = max((len(form.encode()) for form in entries), default=0)
    bucket = max(64, _power_of_two_at_least(2 * (16 + (longest + 2 + 7) // 8 * 8)))
    size = max(2048, _power_of_two_at_least(4 * len(entries)))
    return f"map_hash_bucket_size {bucket};\nmap_hash_max_size {size};\n"
