"""Content-API answers served from the store as early as reader pages are.

The views (api.content) build an answer and mark it with what it shows, as the
reader pages' views do; this middleware keeps it (articles.cache) and answers the
next request for it from the store before the session, authentication, CSRF and
message middleware, URL resolving and django-ninja's routing: one Redis round
trip and no SQL, as a stored page. The same events forget both.

Only paths under the content API are looked up: it needs no token and answers
everyone alike. The editorial API beside it (``/api/v1/articles…``) answers by
token and is never stored or served from here.
"""

import hashlib
import json

from articles.cache import StoredResponseMiddleware

from .content import LIST_PARAMETERS, SEARCH_PARAMETERS

PREFIX = "/api/v1/content/"
# The form of the key and of what is stored under it: a release that changes either must change
# this, so that while old and new releases run side by side neither reads what the other stored.
ANSWER_FORM = 2
# The query parameters each answer reads, by its path under PREFIX (an article's detail reads
# its path alone). Only these count in the key, so other parameters cannot multiply the copies.
READS = {
    "articles": [parameter["name"] for parameter in LIST_PARAMETERS],
    "search": [parameter["name"] for parameter in SEARCH_PARAMETERS],
}


def answer_key(request) -> str | None:
    """The stored answer's key: the path and the parameters the answer reads, as sent (``limit=010``
    is a copy of its own); None for a request that is no content-API read."""
    if request.method != "GET" or not request.path_info.startswith(PREFIX):
        return None
    where = request.path_info.removeprefix(PREFIX)
    if where in READS:
        read = [request.GET.get(name) for name in READS[where]]
    elif where.startswith("articles/"):
        read = []
    else:
        return None
    wanted = json.dumps([ANSWER_FORM, request.path, read], ensure_ascii=False)
    return "api-content:" + hashlib.sha256(wanted.encode()).hexdigest()


class StoredAnswerMiddleware(StoredResponseMiddleware):
    """Answer a content-API read from the store, or keep the answer its view marked.

    Requests with a session cookie are served too: the answer is the same for everyone. What
    the view builds for them is marked private (allforces.frontend_cache), and not kept.
    """

    def key(self, request) -> str | None:
        return answer_key(request)
