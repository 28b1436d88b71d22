from ninja import Schema


class ArticleIn(Schema):
    title: str
    text: str
    excerpt: str = ""
    authors: list[str] = []
    categories: list[str] = []
    tags: list[str] = []


class PassIn(Schema):
    text: str
    parent: int | None = None


class CheckOut(Schema):
    code: str
    level: str
    message: str
    paragraph: int | None = None


class SegmentOut(Schema):
    id: int
    parent: int | None
    depth: int
    on_path: bool
    is_leaf: bool
    source: str
    length: int
    overlap: int | None


class ArticleOut(Schema):
    id: int
    title: str
    status: str
    version: int
    length: int
    truncated: bool
    checks: list[CheckOut]
    segments: list[SegmentOut]
    pending_version: bool
    kept_hand_edits: int | None = None


class ErrorOut(Schema):
    detail: str


# The content API's answers are built as JSON by api/content.py (and stored as bytes for the
# page cache); these schemas describe them in the OpenAPI document.


class NamedOut(Schema):
    slug: str
    name: str


class ContentSummaryOut(Schema):
    id: int
    slug: str
    title: str
    excerpt: str
    url: str
    published_at: str
    updated_at: str
    version: int
    authors: list[NamedOut]
    categories: list[NamedOut]
    tags: list[NamedOut]


class ContentListOut(Schema):
    results: list[ContentSummaryOut]
    next_cursor: str | None
    next: str | None


class ContentDetailOut(ContentSummaryOut):
    first_published_at: str | None
    html: str


class SearchResultOut(ContentSummaryOut):
    snippet: str


class ContentSearchOut(Schema):
    query: str
    count: int
    more_than_count: bool
    notes: list[str]
    results: list[SearchResultOut]
    page: int
    next: str | None
