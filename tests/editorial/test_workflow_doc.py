"""docs/workflow.md's table of what a writer sees and edits of their own
articles, stage by stage, against what the admin does."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from editorial import pending
from tests.editorial.admin_forms import change_form_data
from tests.factories import READY_BODY, make_article
from tests.security.access import FORBIDDEN, OK, REDIRECT, client_for, outcome

pytestmark = pytest.mark.django_db

S = Article.Status
ROW = re.compile(r"^\| `(?P<stage>\w+)` \| (?P<sees>yes|no) \| (?P<edits>yes|no) \|", re.MULTILINE)


def documented_writer_access() -> dict[str, tuple[bool, bool]]:
    text = (Path(settings.BASE_DIR) / "docs" / "workflow.md").read_text(encoding="utf-8")
    section = text.split("## What a writer sees of their own articles", 1)[-1].split("\n## ", 1)[0]
    return {m["stage"]: (m["sees"] == "yes", m["edits"] == "yes") for m in ROW.finditer(section)}


def test_the_document_has_a_row_for_every_stage():
    assert sorted(documented_writer_access()) == sorted(S.values)


@pytest.mark.parametrize("stage", S.values)
def test_a_writer_sees_and_edits_their_own_article_as_documented(stage, writer, category):
    sees, edits = documented_writer_access().get(stage, (None, None))
    fields = {}
    if stage == S.SCHEDULED:
        fields["publish_at"] = timezone.now() + timedelta(days=1)
    if stage in (S.PUBLISHED, S.ARCHIVED):
        fields["published_at"] = timezone.now() - timedelta(days=1)
    article = make_article(
        title="自分の記事の題",
        body=READY_BODY,
        excerpt="抜粋です。",
        authors=[writer.author_profile],
        categories=[category],
        status=stage,
        **fields,
    )
    client = client_for(writer)
    listed = "自分の記事の題" in client.get(reverse("admin:articles_article_changelist")).content.decode()
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url)
    preview = client.get(reverse("admin:articles_article_preview", args=[article.pk]))
    assert (listed, outcome(page) == OK, outcome(preview) == OK) == (sees, sees, sees)
    assert ('name="_save"' in page.content.decode()) == edits
    saved = client.post(url, change_form_data(article, title="書き換えた題"))
    assert outcome(saved) == (REDIRECT if edits else FORBIDDEN)
    article.refresh_from_db()
    # A published article's edit waits as its pending version; the live title stays (issue 15, item 3).
    proposed = pending.pending_of(article)
    assert ((proposed or article).title == "書き換えた題") == edits
    assert proposed is None or article.title == "自分の記事の題"
