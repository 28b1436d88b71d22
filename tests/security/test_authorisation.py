"""Who may reach what: anonymous, writer, editor and superuser against every
admin URL, every editorial endpoint, every workflow verb and every public
address of an article that is not live.

The tables below are the specification. A URL added to the admin or to
``editorial/urls.py`` without a row here fails
``test_every_admin_url_has_a_row`` / ``test_every_editorial_url_has_a_row``.
"""

import io
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from taggit.models import Tag

from api import tokens
from articles.models import Article, refresh_live_copies
from editorial import previews, revisions
from editorial.generation import prompts
from editorial.legacy_urls import record_legacy_urls
from editorial.models import Comment, GenerationAttempt, ImportedSource, Notification, Transition
from media_library.models import Image as LibraryImage
from tests.editorial.admin_forms import change_form_data
from tests.factories import READY_BODY, make_article, make_author, make_category
from tests.security.access import (
    BAD_REQUEST,
    FORBIDDEN,
    LOGIN,
    MISSING,
    OK,
    REDIRECT,
    WRONG_METHOD,
    admin_routes,
    client_for,
    editorial_routes,
    outcome,
)

pytestmark = pytest.mark.django_db

S = Article.Status
ROLES = ("anonymous", "writer", "other writer", "editor", "superuser")
# "writer" wrote the article under test; "other writer" is a writer who did not.

# fmt: off
# route: (method, anonymous, writer, other writer, editor, superuser)
# Objects: the article is the writer's own draft; the user is the other writer.
ADMIN_MATRIX = {
    "index":                               ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "login":                               ("GET",  OK,    REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    "logout":                              ("POST", REDIRECT, OK,        OK,        OK,        OK),
    "password_change":                     ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "password_change_done":                ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "autocomplete":                        ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "jsi18n":                              ("GET",  LOGIN, OK,        OK,        OK,        OK),
    # Only to an object the user may see: the other writer may not learn a draft's slug.
    "view_on_site":                        ("GET",  LOGIN, REDIRECT,  MISSING,   REDIRECT,  REDIRECT),
    "app_list":                            ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "(?P<url>.*)$":                        ("GET",  LOGIN, MISSING,   MISSING,   MISSING,   MISSING),
    # Accounts and roles: the superuser's alone.
    "auth_group_changelist":               ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "auth_group_add":                      ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "auth_group_change":                   ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "auth_group_delete":                   ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "auth_group_history":                  ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "auth/group/<path:object_id>/":        ("GET",  LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    "auth_user_changelist":                ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "auth_user_add":                       ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "auth_user_change":                    ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "auth_user_delete":                    ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "auth_user_history":                   ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "auth_user_password_change":           ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "auth/user/<path:object_id>/":         ("GET",  LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    # API tokens: the superuser's alone; revoked, never deleted (the audit rows name them).
    "api_apitoken_changelist":             ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "api_apitoken_add":                    ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "api_apitoken_change":                 ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "api_apitoken_delete":                 ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "api_apitoken_history":                ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "api/apitoken/<path:object_id>/":      ("GET",  LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    # The continuation generator: editors edit its prompt (never delete a version) and read its record.
    "editorial_prompttemplate_changelist": ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "editorial_prompttemplate_add":        ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "editorial_prompttemplate_change":     ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "editorial_prompttemplate_delete":     ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "editorial_prompttemplate_history":    ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "editorial/prompttemplate/<path:object_id>/": ("GET", LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    "editorial_generationattempt_changelist": ("GET", LOGIN, FORBIDDEN, FORBIDDEN, OK,      OK),
    "editorial_generationattempt_add":     ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "editorial_generationattempt_change":  ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "editorial_generationattempt_delete":  ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "editorial_generationattempt_history": ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "editorial/generationattempt/<path:object_id>/": ("GET", LOGIN, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
    # Login attempts recorded by django-axes: the superuser's alone, and nobody adds one by hand.
    "axes_accessattempt_changelist":  ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes_accessattempt_add":         ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "axes_accessattempt_change":      ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes_accessattempt_delete":      ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes_accessattempt_history":     ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes/accessattempt/<path:object_id>/":("GET",  LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    "axes_accesslog_changelist":      ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes_accesslog_add":             ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "axes_accesslog_change":          ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes_accesslog_delete":          ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes_accesslog_history":         ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes/accesslog/<path:object_id>/":   ("GET",  LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    "axes_accessfailurelog_changelist":("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes_accessfailurelog_add":      ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "axes_accessfailurelog_change":   ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes_accessfailurelog_delete":   ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes_accessfailurelog_history":  ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "axes/accessfailurelog/<path:object_id>/":("GET",  LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    # Tags: writers look (the change page is read-only for them), editors change and merge.
    "taggit_tag_changelist":               ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "taggit_tag_add":                      ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    # The tag is used only on the writer's draft: the other writer may not learn it.
    "taggit_tag_change":                   ("GET",  LOGIN, OK,        REDIRECT,  OK,        OK),
    "taggit_tag_delete":                   ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "taggit_tag_history":                  ("GET",  LOGIN, OK,        REDIRECT,  OK,        OK),
    "taggit_tag_merge_tags":               ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "taggit/tag/<path:object_id>/":        ("GET",  LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    # Authors and categories: writers look, editors add and change, only the superuser deletes.
    "articles_author_changelist":          ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "articles_author_add":                 ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "articles_author_change":              ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "articles_author_delete":              ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "articles_author_history":             ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "articles/author/<path:object_id>/":   ("GET",  LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    "articles_category_changelist":        ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "articles_category_add":               ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "articles_category_change":            ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "articles_category_delete":            ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    "articles_category_history":           ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "articles/category/<path:object_id>/": ("GET",  LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    # Articles. A writer outside the article is bounced to the admin index by
    # Django's own views (it is not in their queryset) and refused by ours.
    "articles_article_changelist":         ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "articles_article_add":                ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "articles_article_change":             ("GET",  LOGIN, OK,        REDIRECT,  OK,        OK),
    "articles_article_history":            ("GET",  LOGIN, OK,        REDIRECT,  OK,        OK),
    "articles_article_delete":             ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "articles/article/<path:object_id>/":  ("GET",  LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    "articles_article_schedule":           ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "articles_article_preview":            ("GET",  LOGIN, OK,        FORBIDDEN, OK,        OK),
    "articles_article_continuation":       ("GET",  LOGIN, OK,        FORBIDDEN, OK,        OK),
    "articles_article_revision_diff":      ("GET",  LOGIN, OK,        FORBIDDEN, OK,        OK),
    "articles_article_revision_restore":   ("POST", LOGIN, REDIRECT,  FORBIDDEN, REDIRECT,  REDIRECT),
    "articles_article_preview_link":       ("POST", LOGIN, FORBIDDEN, FORBIDDEN, REDIRECT,  REDIRECT),
    # Pending versions of a published article (the draft under test has none to show).
    "articles_article_pending_diff":       ("GET",  LOGIN, MISSING,   FORBIDDEN, MISSING,   MISSING),
    "articles_article_pending_publish":    ("POST", LOGIN, FORBIDDEN, FORBIDDEN, REDIRECT,  REDIRECT),
    "articles_article_pending_discard":    ("POST", LOGIN, FORBIDDEN, FORBIDDEN, REDIRECT,  REDIRECT),
    # Comments on the writer's draft: its writer and editors; the other writer never finds it.
    "articles_article_comment_add":        ("POST", LOGIN, REDIRECT,  MISSING,   REDIRECT,  REDIRECT),
    "articles_article_comment_reply":      ("POST", LOGIN, REDIRECT,  MISSING,   REDIRECT,  REDIRECT),
    "articles_article_comment_resolve":    ("POST", LOGIN, REDIRECT,  MISSING,   REDIRECT,  REDIRECT),
    "articles_article_comment_reopen":     ("POST", LOGIN, REDIRECT,  MISSING,   REDIRECT,  REDIRECT),
    # The media library: every writer browses, uploads and uses it (the image under test is the
    # writer's; the other writer's change page is read-only); only editors delete.
    "media_library_image_changelist":      ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "media_library_image_add":             ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "media_library_image_change":          ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "media_library_image_delete":          ("GET",  LOGIN, FORBIDDEN, FORBIDDEN, OK,        OK),
    "media_library_image_history":         ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "media_library/image/<path:object_id>/":("GET", LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
    "media_library_image_dialog":          ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "media_library_image_browse":          ("GET",  LOGIN, OK,        OK,        OK,        OK),
    # Sent with no file: refused as bad input, after the permission check let it through.
    "media_library_image_upload":          ("POST", LOGIN, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST),
    # Notifications: everyone has a list; the one under test is the writer's, nobody else's to mark.
    "notifications":                       ("GET",  LOGIN, OK,        OK,        OK,        OK),
    "notification_read":                   ("POST", LOGIN, REDIRECT,  MISSING,   MISSING,   MISSING),
    "notifications_read_all":              ("POST", LOGIN, REDIRECT,  REDIRECT,  REDIRECT,  REDIRECT),
}

# route: (method, anonymous, writer, other writer, editor, superuser)
EDITORIAL_MATRIX = {
    "markdown_preview":                    ("POST", LOGIN, OK,        OK,        OK,        OK),
    "markdown_upload":                     ("POST", LOGIN, OK,        OK,        OK,        OK),
    "tag_suggestions":                     ("GET",  LOGIN, OK,        OK,        OK,        OK),
    # A signed link is the permission itself: whoever holds it may look.
    "shared_preview":                      ("GET",  OK,    OK,        OK,        OK,        OK),
}

MOVES, REFUSED = "moves", "refused"
# verb: (stage it starts from, stage it leads to, anonymous, writer, other writer, editor, superuser)
# The writer is the article's author; every refusal must leave the stage untouched.
WORKFLOW_MATRIX = {
    "submit":            (S.DRAFT,        S.REVIEW,       LOGIN, MOVES,   REFUSED, MOVES, MOVES),
    "mark_continuation": (S.DRAFT,        S.CONTINUATION, LOGIN, REFUSED, REFUSED, MOVES, MOVES),
    "mark_complete":     (S.CONTINUATION, S.DRAFT,        LOGIN, REFUSED, REFUSED, MOVES, MOVES),
    "request_changes":   (S.REVIEW,       S.DRAFT,        LOGIN, REFUSED, REFUSED, MOVES, MOVES),
    # The author's: the writer's read-only form in review still takes this one button.
    "withdraw":          (S.REVIEW,       S.DRAFT,        LOGIN, MOVES,   REFUSED, REFUSED, REFUSED),
    "approve":           (S.REVIEW,       S.PUBLISHED,    LOGIN, REFUSED, REFUSED, MOVES, MOVES),
    "publish":           (S.SCHEDULED,    S.PUBLISHED,    LOGIN, REFUSED, REFUSED, MOVES, MOVES),
    "reschedule":        (S.SCHEDULED,    S.SCHEDULED,    LOGIN, REFUSED, REFUSED, MOVES, MOVES),
    "unschedule":        (S.SCHEDULED,    S.REVIEW,       LOGIN, REFUSED, REFUSED, MOVES, MOVES),
    "archive":           (S.PUBLISHED,    S.ARCHIVED,     LOGIN, REFUSED, REFUSED, MOVES, MOVES),
    "reopen":            (S.ARCHIVED,     S.REVIEW,       LOGIN, REFUSED, REFUSED, MOVES, MOVES),
}
# fmt: on

# Articles readers must not see, however they ask and whoever they are.
NOT_LIVE = {
    "draft": {"status": S.DRAFT},
    "continuation": {"status": S.CONTINUATION},
    "review": {"status": S.REVIEW},
    "scheduled in the future": {"status": S.SCHEDULED, "publish_at": timedelta(days=2)},
    "scheduled and overdue": {"status": S.SCHEDULED, "publish_at": -timedelta(minutes=5)},
    "archived": {"status": S.ARCHIVED, "published_at": -timedelta(days=3)},
    "published with a future time": {"status": S.PUBLISHED, "published_at": timedelta(days=1)},
}
PUBLIC_ROLES = ("anonymous", "writer", "editor", "superuser")


def expected_by_role(row):
    return dict(zip(ROLES, row, strict=True))


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def users(writer, other_writer, editor, superuser):
    return {
        "anonymous": None,
        "writer": writer,
        "other writer": other_writer,
        "editor": editor,
        "superuser": superuser,
    }


@pytest.fixture
def own_draft(writer, category):
    return make_article(
        title="推論モデルの台頭",
        body=READY_BODY,
        excerpt="推論モデルの動向を整理します。",
        tags=["AI"],
        authors=[writer.author_profile],
        categories=[category],
    )


def admin_path(route, objects) -> str:
    """The address of an admin route with the test's objects filled in."""
    pattern = admin_routes()[route]
    if "(?P<app_label>" in pattern:
        return reverse("admin:app_list", kwargs={"app_label": "articles"})
    if "(?P<url>" in pattern:
        return "/admin/no-such-page/"
    model = "/".join(pattern.split("/")[:2])
    values = {
        # "View on site" (r/<content type>/<object id>/) is asked about the article.
        "object_id": objects["ids"].get(model, objects["article"].pk),
        "pk": objects["article"].pk,
        "revision_pk": objects["revision"].pk,
        "id": objects["other_writer"].pk,
        "content_type_id": ContentType.objects.get_for_model(Article).pk,
        "notification_id": objects["notification"].pk,
        "comment_pk": objects["comment"].pk,
    }
    return "/admin/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), pattern)


ADMIN_QUERIES = {
    "autocomplete": lambda objects: {
        "app_label": "articles",
        "model_name": "article",
        "field_name": "categories",
    },
    "articles_article_revision_diff": lambda objects: {"from": objects["revision"].pk},
}


@pytest.fixture
def objects(own_draft, other_writer, writer, category):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    tag = Tag.objects.get(name="AI")
    token, _ = tokens.issue(name="パイプライン", user=writer, scopes=["articles:read"], by=None)
    seen = {
        "username": "editor",
        "ip_address": "203.0.113.7",
        "user_agent": "test",
        "path_info": "/admin/login/",
    }
    sent_back = Transition.objects.create(
        article=own_draft, from_status=S.REVIEW, to_status=S.DRAFT, comment="出典を追記してください。"
    )
    return {
        "article": own_draft,
        "notification": Notification.objects.create(
            recipient=writer,
            kind=Notification.Kind.CHANGES_REQUESTED,
            article=own_draft,
            transition=sent_back,
        ),
        "revision": revisions.record_revision(own_draft, by=writer),
        "comment": Comment.objects.create(article=own_draft, author=writer, field="title", text="題を短く。"),
        "other_writer": other_writer,
        "ids": {
            "auth/group": Group.objects.get(name="ライター").pk,
            "auth/user": other_writer.pk,
            "taggit/tag": tag.pk,
            "articles/author": writer.author_profile.pk,
            "articles/category": category.pk,
            "articles/article": own_draft.pk,
            "axes/accessattempt": AccessAttempt.objects.create(
                **seen, get_data="", post_data="", failures_since_start=1
            ).pk,
            "axes/accesslog": AccessLog.objects.create(**seen).pk,
            "axes/accessfailurelog": AccessFailureLog.objects.create(**seen).pk,
            # A row only: no page under test reads the file itself.
            "media_library/image": LibraryImage.objects.create(
                file="library/2026/01/test.png",
                alt="推論の需要のグラフ",
                credit="ALLFORCES編集部作成",
                width=4,
                height=4,
                size_bytes=100,
                format="PNG",
                uploaded_by=writer,
            ).pk,
            "api/apitoken": token.pk,
            "editorial/prompttemplate": prompts.current_template().pk,
            "editorial/generationattempt": GenerationAttempt.objects.create(
                article=own_draft, outcome=GenerationAttempt.Outcome.EMPTY, model="fake-writer-1"
            ).pk,
        },
    }


# --- The admin ---------------------------------------------------------------


def test_every_admin_url_has_a_row():
    routes = set(admin_routes())
    assert sorted(set(routes) - set(ADMIN_MATRIX)) == [], "admin URLs with no row in ADMIN_MATRIX"
    assert sorted(set(ADMIN_MATRIX) - set(routes)) == [], "rows in ADMIN_MATRIX for URLs that no longer exist"


@pytest.mark.parametrize("route", ADMIN_MATRIX)
def test_admin_url(route, users, objects):
    method, *row = ADMIN_MATRIX[route]
    url = admin_path(route, objects)
    query = ADMIN_QUERIES.get(route, lambda objects: {})(objects)
    found = {}
    for role, user in users.items():
        client = client_for(user)
        found[role] = outcome(client.get(url, query) if method == "GET" else client.post(url, query))
    assert found == expected_by_role(row), f"{method} {url}"


def test_post_only_admin_views_refuse_get(users, objects):
    client = client_for(users["editor"])
    post_only = (
        "articles_article_preview_link",
        "articles_article_revision_restore",
        "articles_article_pending_publish",
        "articles_article_pending_discard",
        "articles_article_comment_add",
        "articles_article_comment_reply",
        "articles_article_comment_resolve",
        "articles_article_comment_reopen",
        "notification_read",
        "notifications_read_all",
        "media_library_image_upload",
    )
    for route in post_only:
        assert outcome(client.get(admin_path(route, objects))) == WRONG_METHOD


def test_view_on_site_does_not_name_an_article_the_user_may_not_see(users, own_draft):
    content_type = ContentType.objects.get_for_model(Article).pk
    theirs = client_for(users["other writer"])
    response = theirs.get(reverse("admin:view_on_site", args=[content_type, own_draft.pk]))
    assert outcome(response) == MISSING
    assert own_draft.slug not in response.content.decode() and "Location" not in response
    for forged in (f"{content_type}x", "99999999"):
        assert outcome(theirs.get(f"/admin/r/{forged}/{own_draft.pk}/")) == MISSING
    mine = client_for(users["writer"]).get(reverse("admin:view_on_site", args=[content_type, own_draft.pk]))
    assert outcome(mine) == REDIRECT and mine["Location"].endswith(own_draft.get_absolute_url())


def test_writer_sees_but_cannot_change_their_own_article_in_review(users, own_draft):
    Article.objects.filter(pk=own_draft.pk).update(status=S.REVIEW)
    own_draft.refresh_from_db()
    client = client_for(users["writer"])
    url = reverse("admin:articles_article_change", args=[own_draft.pk])
    assert outcome(client.get(url)) == OK
    response = client.post(url, change_form_data(own_draft, title="書き換えたタイトル"))
    assert outcome(response) == FORBIDDEN
    own_draft.refresh_from_db()
    assert own_draft.title == "推論モデルの台頭"


def test_writer_cannot_restore_a_revision_of_their_article_in_review(users, objects):
    article = objects["article"]
    Article.objects.filter(pk=article.pk).update(status=S.REVIEW, title="レビュー中のタイトル")
    response = client_for(users["writer"]).post(admin_path("articles_article_revision_restore", objects))
    assert outcome(response) == FORBIDDEN
    article.refresh_from_db()
    assert article.title == "レビュー中のタイトル"


def test_other_writer_cannot_add_to_the_continuation_of_an_article_not_theirs(users, own_draft):
    url = reverse("admin:articles_article_continuation", args=[own_draft.pk])
    response = client_for(users["other writer"]).post(url, {"action": "add", "text": "続きの文。"})
    assert outcome(response) == FORBIDDEN
    assert not own_draft.segments.exists()


def test_forged_stage_fields_in_the_change_form_are_ignored(users, own_draft):
    client = client_for(users["writer"])
    data = change_form_data(
        own_draft, status="published", published_at_0="2026-01-01", published_at_1="09:00", title="新しい題"
    )
    response = client.post(reverse("admin:articles_article_change", args=[own_draft.pk]), data)
    assert outcome(response) == REDIRECT
    own_draft.refresh_from_db()
    assert own_draft.title == "新しい題"  # the save went through ...
    assert own_draft.status == S.DRAFT  # ... and the stage did not move
    assert own_draft.published_at is None


@pytest.mark.parametrize("role", ["writer", "other writer"])
def test_forged_delete_by_a_writer_is_refused(role, users, own_draft):
    client = client_for(users[role])
    response = client.post(reverse("admin:articles_article_delete", args=[own_draft.pk]), {"post": "yes"})
    assert outcome(response) == FORBIDDEN
    assert Article.objects.filter(pk=own_draft.pk).exists()


def test_forged_bulk_delete_by_a_writer_deletes_nothing(users, own_draft):
    client = client_for(users["writer"])
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "delete_selected", "_selected_action": [own_draft.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert Article.objects.filter(pk=own_draft.pk).exists()


def test_editor_may_delete_an_article(users, own_draft):
    response = client_for(users["editor"]).post(
        reverse("admin:articles_article_delete", args=[own_draft.pk]), {"post": "yes"}
    )
    assert outcome(response) == REDIRECT
    assert not Article.objects.filter(pk=own_draft.pk).exists()


def test_writer_cannot_merge_tags_across_everyone_s_articles(users, own_draft, other_writer):
    others = make_article(title="別の記事", authors=[other_writer.author_profile], tags=["半導体"])
    client = client_for(users["writer"])
    tags = list(Tag.objects.values_list("pk", flat=True))
    selecting = client.post(
        reverse("admin:taggit_tag_changelist"), {"action": "render_tag_form", "_selected_action": tags}
    )
    assert selecting.status_code in (200, 302)
    merging = client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "統合後"})
    assert outcome(merging) == FORBIDDEN
    assert sorted(others.tags.names()) == ["半導体"]
    assert not Tag.objects.filter(name="統合後").exists()


def test_editor_merges_tags(users, own_draft):
    other = make_article(title="別の記事", tags=["半導体"])
    client = client_for(users["editor"])
    tags = [str(pk) for pk in Tag.objects.values_list("pk", flat=True)]
    client.post(
        reverse("admin:taggit_tag_changelist"), {"action": "render_tag_form", "_selected_action": tags}
    )
    response = client.post(reverse("admin:taggit_tag_merge_tags"), {"new_tag_name": "統合後"})
    assert outcome(response) == REDIRECT
    assert list(other.tags.names()) == ["統合後"]


def test_user_autocomplete_is_the_superuser_s_alone(users, objects):
    query = {"app_label": "articles", "model_name": "author", "field_name": "user", "term": "w"}
    found = {
        role: outcome(client_for(user).get(reverse("admin:autocomplete"), query))
        for role, user in users.items()
    }
    assert found == {
        "anonymous": LOGIN,
        "writer": FORBIDDEN,
        "other writer": FORBIDDEN,
        "editor": FORBIDDEN,
        "superuser": OK,
    }


def test_a_writer_s_lists_hold_only_their_own_articles(users, writer, other_writer, category):
    tomorrow = timezone.now() + timedelta(days=1)
    mine = make_article(
        title="自分の予約記事", authors=[writer.author_profile], status=S.SCHEDULED, publish_at=tomorrow
    )
    theirs = make_article(
        title="他人の予約記事", authors=[other_writer.author_profile], status=S.SCHEDULED, publish_at=tomorrow
    )
    for route in ("admin:articles_article_changelist", "admin:articles_article_schedule"):
        shown = {
            role: {
                a.title
                for a in (mine, theirs)
                if a.title in client_for(users[role]).get(reverse(route)).content.decode()
            }
            for role in ("writer", "other writer", "editor", "superuser")
        }
        assert shown == {
            "writer": {"自分の予約記事"},
            "other writer": {"他人の予約記事"},
            "editor": {"自分の予約記事", "他人の予約記事"},
            "superuser": {"自分の予約記事", "他人の予約記事"},
        }, route


# --- Tags named only on another writer's draft --------------------------------


@pytest.fixture
def tagged_world(writer, other_writer):
    """A tag on a published article, one on the writer's own draft, one only on
    the other writer's draft (it may name a story that is not out)."""
    make_article(title="公開記事", tags=["公開タグ"], published=True)
    make_article(title="自分の下書き", authors=[writer.author_profile], tags=["自分のタグ"])
    make_article(title="他人の下書き", authors=[other_writer.author_profile], tags=["極秘タグ"])
    Tag.objects.create(name="未使用タグ")


TAG_NAMES = ("公開タグ", "自分のタグ", "極秘タグ", "未使用タグ")


def tags_named_in(page: str) -> set[str]:
    return {name for name in TAG_NAMES if name in page}


def test_tag_suggestions_name_no_tag_only_on_another_writer_s_draft(users, tagged_world):
    url = reverse("editorial:tag_suggestions")
    found = {role: set(client_for(users[role]).get(url).json()["tags"]) for role in ("writer", "editor")}
    assert found == {"writer": {"公開タグ", "自分のタグ"}, "editor": set(TAG_NAMES)}


def test_article_list_tag_filter_names_no_tag_only_on_another_writer_s_draft(users, tagged_world):
    url = reverse("admin:articles_article_changelist")
    found = {
        role: tags_named_in(client_for(users[role]).get(url).content.decode())
        for role in ("writer", "editor")
    }
    assert found == {"writer": {"公開タグ", "自分のタグ"}, "editor": set(TAG_NAMES)}


def test_tag_admin_lists_no_tag_only_on_another_writer_s_draft(users, tagged_world):
    url = reverse("admin:taggit_tag_changelist")
    found = {
        role: tags_named_in(client_for(users[role]).get(url).content.decode())
        for role in ("writer", "editor")
    }
    assert found == {"writer": {"公開タグ", "自分のタグ"}, "editor": set(TAG_NAMES)}
    hidden = Tag.objects.get(name="極秘タグ")
    response = client_for(users["writer"]).get(reverse("admin:taggit_tag_change", args=[hidden.pk]))
    assert outcome(response) == REDIRECT and "極秘タグ" not in response.content.decode()


def test_tag_autocomplete_names_no_tag_only_on_another_writer_s_draft(users, tagged_world):
    query = {"app_label": "articles", "model_name": "article", "field_name": "tags", "term": ""}
    response = client_for(users["writer"]).get(reverse("admin:autocomplete"), query)
    assert {result["text"] for result in response.json()["results"]} == {"公開タグ", "自分のタグ"}


# --- Workflow verbs through the change form -----------------------------------


def article_in_stage(stage, writer, category):
    fields = {"status": stage}
    if stage == S.SCHEDULED:
        fields["publish_at"] = timezone.now() + timedelta(days=1)
    if stage in (S.PUBLISHED, S.ARCHIVED):
        fields["published_at"] = timezone.now() - timedelta(days=1)
    return make_article(
        title="推論モデルの台頭",
        body=READY_BODY,
        excerpt="推論モデルの動向を整理します。",
        tags=["AI"],
        authors=[writer.author_profile],
        categories=[category],
        **fields,
    )


@pytest.mark.parametrize("verb", WORKFLOW_MATRIX)
def test_workflow_verb(verb, users, writer, category):
    source, target, *row = WORKFLOW_MATRIX[verb]
    for role, expected in expected_by_role(row).items():
        check_workflow_verb(verb, source, target, role, users[role], expected, writer, category)


def check_workflow_verb(verb, source, target, role, user, expected, writer, category):
    article = article_in_stage(source, writer, category)
    before = (article.status, article.publish_at)
    data = change_form_data(article, _workflow=verb, _workflow_comment="理由を書きます。")
    if verb == "reschedule":
        new_time = timezone.localtime(timezone.now() + timedelta(days=5))
        data["_workflow_publish_at"] = new_time.strftime("%Y-%m-%dT%H:%M")
    response = client_for(user).post(reverse("admin:articles_article_change", args=[article.pk]), data)
    article.refresh_from_db()
    after = (article.status, article.publish_at)
    if expected == MOVES:
        assert outcome(response) == REDIRECT, f"{verb} by {role}"
        assert after != before and article.status == target, f"{verb} by {role}"
    elif expected == LOGIN:
        assert outcome(response) == LOGIN
        assert after == before
    else:
        # Refused on the server: a 403 where the article is not theirs to change,
        # the workflow's own refusal (and the form back) where it is.
        assert outcome(response) in (FORBIDDEN, REDIRECT), response.status_code
        assert after == before, f"{role} moved the article with a forged {verb}"
        assert not article.transitions.exists()


def test_csrf_is_kept_on_the_workflow_buttons(users, own_draft):
    client = client_for(users["editor"], enforce_csrf_checks=True)
    data = change_form_data(own_draft, _workflow="submit")
    response = client.post(reverse("admin:articles_article_change", args=[own_draft.pk]), data)
    assert outcome(response) == FORBIDDEN
    own_draft.refresh_from_db()
    assert own_draft.status == S.DRAFT


# --- Editorial endpoints ------------------------------------------------------


def test_every_editorial_url_has_a_row():
    assert sorted(editorial_routes()) == sorted(EDITORIAL_MATRIX)


def editorial_request(client, route, article):
    if route == "markdown_preview":
        return client.post(reverse("editorial:markdown_preview"), {"content": "**太字**"})
    if route == "markdown_upload":
        image = SimpleUploadedFile("図.png", png_bytes(), content_type="image/png")
        return client.post(
            reverse("editorial:markdown_upload"),
            {"image": image},
            headers={"x-requested-with": "XMLHttpRequest"},
        )
    if route == "tag_suggestions":
        return client.get(reverse("editorial:tag_suggestions"), {"q": "A"})
    if route == "shared_preview":
        token = previews.preview_token(article)
        return client.get(reverse("editorial:shared_preview", kwargs={"token": token}))
    raise AssertionError(f"no request written for {route}")


@pytest.mark.parametrize("route", EDITORIAL_MATRIX)
def test_editorial_url(route, users, own_draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    method, *row = EDITORIAL_MATRIX[route]
    found, stored = {}, {}
    for role, user in users.items():
        before = len(list(tmp_path.rglob("*.png")))
        response = editorial_request(client_for(user), route, own_draft)
        assert response.request["REQUEST_METHOD"] == method
        found[role] = outcome(response)
        stored[role] = len(list(tmp_path.rglob("*.png"))) - before
    assert found == expected_by_role(row)
    if route == "markdown_upload":
        assert stored == {role: int(expected == OK) for role, expected in expected_by_role(row).items()}


def test_a_tampered_preview_token_is_not_found(own_draft):
    other = make_article(title="別の下書き")
    token = previews.preview_token(own_draft)
    forged = token.replace(str(own_draft.pk), str(other.pk))
    assert (
        outcome(client_for(None).get(reverse("editorial:shared_preview", kwargs={"token": "x" + token})))
        == MISSING
    )
    if forged != token:
        assert (
            outcome(client_for(None).get(reverse("editorial:shared_preview", kwargs={"token": forged})))
            == MISSING
        )


def csrf_token_for(client):
    client.get(reverse("admin:index"))
    return client.cookies["csrftoken"].value


@pytest.mark.parametrize("route", ["markdown_preview", "markdown_upload"])
def test_csrf_is_kept_on_the_editor_endpoints(route, users, own_draft, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(users["writer"], enforce_csrf_checks=True)
    assert outcome(editorial_request(client, route, own_draft)) == FORBIDDEN
    assert not any(tmp_path.rglob("*"))
    client.defaults["HTTP_X_CSRFTOKEN"] = csrf_token_for(client)
    assert outcome(editorial_request(client, route, own_draft)) == OK


# --- Public addresses of articles that are not live -----------------------------


@pytest.fixture
def public_world(writer, category):
    """A live article and a hidden one sharing author, category and tag, so
    every list that shows the live one could show the hidden one too."""
    now = timezone.now()
    live = make_article(
        title="公開中の記事 GPU市場",
        slug="live-article",
        body="## 概要\n\nGPU市場の話です。",
        excerpt="公開中です。",
        authors=[writer.author_profile],
        categories=[category],
        tags=["共通タグ"],
        published=True,
        published_at=now - timedelta(days=1),
    )
    return {"live": live, "category": category, "author": writer.author_profile, "now": now}


def make_hidden(kind, world):
    fields = {"status": NOT_LIVE[kind]["status"]}
    for name in ("publish_at", "published_at"):
        if name in NOT_LIVE[kind]:
            fields[name] = world["now"] + NOT_LIVE[kind][name]
    hidden = Article.objects.create(
        title="未公開の極秘記事 GPU市場",
        slug="hidden-article",
        body="極秘の本文 GPU市場。",
        excerpt="極秘",
        **fields,
    )
    hidden.article_authors.create(author=world["author"], position=0)
    hidden.categories.set([world["category"]])
    hidden.tags.set(["共通タグ"])
    ImportedSource.objects.create(article=hidden, source_key="_posts/hidden.md")
    record_legacy_urls(hidden, list(HIDDEN_LEGACY_PATHS))
    return hidden


# The hidden article's addresses on the old Jekyll site, and the forms they arrive in.
HIDDEN_LEGACY_PATHS = ("/2026/01/05/hidden.html", "/blog/ニュース/2026/01/05/極秘の記事/")
HIDDEN_LEGACY_REQUESTS = (
    "/2026/01/05/hidden.html",
    "/2026/01/05/hidden/",
    "/2026/01/05/hidden",
    "/2026/01/05/hidden/index.html",
    "/2026/01/05/hidden.html?utm_source=old",
    quote("/blog/ニュース/2026/01/05/極秘の記事/"),
    quote("/blog/ニュース/2026/01/05/極秘の記事.html"),
)


def listing_urls(world):
    category, author, live = world["category"], world["author"], world["live"]
    year, month = world["now"].year, world["now"].month
    return [
        reverse("articles:home"),
        reverse("articles:category", kwargs={"slug": category.slug}),
        reverse("articles:author", kwargs={"slug": author.slug}),
        reverse("articles:tag", kwargs={"slug": "共通タグ"}),
        reverse("articles:archive_year", kwargs={"year": year}),
        reverse("articles:archive_month", kwargs={"year": year, "month": month}),
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("articles:category_rss", kwargs={"slug": category.slug}),
        reverse("articles:category_atom", kwargs={"slug": category.slug}),
        reverse("articles:tag_rss", kwargs={"slug": "共通タグ"}),
        reverse("articles:tag_atom", kwargs={"slug": "共通タグ"}),
        reverse("articles:author_rss", kwargs={"slug": author.slug}),
        reverse("articles:author_atom", kwargs={"slug": author.slug}),
        reverse("sitemap"),
        reverse("articles:search") + "?q=GPU市場",
        live.get_absolute_url(),  # related articles, previous and next
    ]


@pytest.mark.parametrize("kind", NOT_LIVE)
def test_article_that_is_not_live_is_a_404_at_its_addresses(kind, users, public_world):
    hidden = make_hidden(kind, public_world)
    for role in PUBLIC_ROLES:
        client = client_for(users[role])
        detail = client.get(hidden.get_absolute_url())
        assert detail.status_code == 404, role
        assert "極秘" not in detail.content.decode()
        for address in HIDDEN_LEGACY_REQUESTS:
            old = client.get(address)
            assert old.status_code == 404, (role, address)
            assert "hidden-article" not in old.content.decode() and "Location" not in old, address
    # The same addresses answer once it is live: the 404s above are about the stage.
    Article.objects.filter(pk=hidden.pk).update(status=S.PUBLISHED, published_at=public_world["now"])
    for role in PUBLIC_ROLES:
        client = client_for(users[role])
        assert client.get(hidden.get_absolute_url()).status_code == 200, role
        for address in HIDDEN_LEGACY_REQUESTS:
            old = client.get(address)
            assert old.status_code == 301, (role, address)
            assert old["Location"].startswith(hidden.get_absolute_url()), address


@pytest.mark.parametrize("kind", NOT_LIVE)
def test_article_that_is_not_live_appears_in_no_list(kind, users, public_world):
    make_hidden(kind, public_world)
    for role in PUBLIC_ROLES:
        client = client_for(users[role])
        for url in listing_urls(public_world):
            response = client.get(url)
            assert response.status_code == 200, url
            page = response.content.decode()
            if url != public_world["live"].get_absolute_url():
                assert "live-article" in page, f"{url} does not list the live article"
            assert "極秘" not in page and "hidden-article" not in page, f"{kind} article on {url} for {role}"


@pytest.mark.parametrize("kind", NOT_LIVE)
def test_a_tag_used_only_by_articles_not_live_is_a_404(kind, users, public_world):
    """A new tag can name a story before it is out: its page and feeds stay 404 until then."""
    hidden = make_hidden(kind, public_world)
    hidden.tags.add("極秘タグ")
    addresses = [
        reverse(f"articles:{name}", kwargs={"slug": "極秘タグ"}) for name in ("tag", "tag_rss", "tag_atom")
    ]
    for role in PUBLIC_ROLES:
        client = client_for(users[role])
        for url in addresses:
            response = client.get(url)
            assert response.status_code == 404, (url, role)
            assert "未公開の極秘記事" not in response.content.decode()
    Article.objects.filter(pk=hidden.pk).update(status=S.PUBLISHED, published_at=public_world["now"])
    refresh_live_copies([hidden.pk])  # as the scheduler's batch publish does after its update
    assert [client_for(None).get(url).status_code for url in addresses] == [200, 200, 200]


def test_category_and_author_pages_of_a_hidden_article_do_not_list_it(users, public_world):
    lonely_author = make_author(name="新しい著者", slug="lonely")
    lonely_category = make_category(name="新しいカテゴリー", slug="lonely-category")
    make_article(title="極秘", slug="hidden-article", authors=[lonely_author], categories=[lonely_category])
    client = client_for(users["anonymous"])
    # An author without a live article has no public page at all (public_authors); a
    # category's page is there, empty.
    for url, status in (
        (reverse("articles:category", kwargs={"slug": "lonely-category"}), 200),
        (reverse("articles:author", kwargs={"slug": "lonely"}), 404),
        (reverse("articles:category_rss", kwargs={"slug": "lonely-category"}), 200),
        (reverse("articles:author_atom", kwargs={"slug": "lonely"}), 404),
    ):
        page = client.get(url)
        assert page.status_code == status, url
        assert "極秘" not in page.content.decode() and "hidden-article" not in page.content.decode()


@pytest.mark.parametrize("kind", NOT_LIVE)
def test_an_author_whose_articles_are_none_of_them_live_is_a_404(kind, users, public_world):
    """A staff member's author profile names someone who works here: their page and feeds
    stay 404 until one of their articles is live, and are not in the sitemap."""
    lonely = make_author(name="新しい著者", slug="lonely")
    hidden = make_hidden(kind, {**public_world, "author": lonely})
    addresses = [
        reverse(f"articles:{name}", kwargs={"slug": "lonely"})
        for name in ("author", "author_rss", "author_atom")
    ]
    for role in PUBLIC_ROLES:
        client = client_for(users[role])
        for url in addresses:
            response = client.get(url)
            assert response.status_code == 404, (url, role)
            assert "新しい著者" not in response.content.decode(), (url, role)
        assert "/author/lonely/" not in client.get(reverse("sitemap")).content.decode(), role
    Article.objects.filter(pk=hidden.pk).update(status=S.PUBLISHED, published_at=public_world["now"])
    refresh_live_copies([hidden.pk])  # as the scheduler's batch publish does after its update
    anonymous = client_for(None)
    assert [anonymous.get(url).status_code for url in addresses] == [200, 200, 200]
    assert "/author/lonely/" in anonymous.get(reverse("sitemap")).content.decode()
