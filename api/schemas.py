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
