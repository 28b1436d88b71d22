"""The editorial roles: group names and what each may do."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from taggit.models import Tag

from articles.models import Article, public_tags

WRITERS = "ライター"
EDITORS = "編集者"

REVIEW_PERMISSION = "articles.review_article"

WRITER_PERMISSIONS = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.add_articleauthor",
    "articles.change_articleauthor",
    "articles.delete_articleauthor",
    "articles.view_articleauthor",
    "articles.view_author",
    "articles.view_category",
    "taggit.view_tag",
    "editorial.view_revision",
    "editorial.view_transition",
]

EDITOR_PERMISSIONS = WRITER_PERMISSIONS + [
    REVIEW_PERMISSION,
    "articles.delete_article",
    "articles.add_author",
    "articles.change_author",
    "articles.add_category",
    "articles.change_category",
    "taggit.add_tag",
    "taggit.change_tag",
]


def editors():
    """The active users who may review: the editor group, a direct grant, or superusers."""
    app_label, codename = REVIEW_PERMISSION.split(".")
    granted = Q(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label
    )
    granted |= Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(pk__in=users.filter(granted | Q(is_superuser=True)).values("pk"))


def is_editor(user) -> bool:
    return bool(user and user.is_active and user.has_perm(REVIEW_PERMISSION))


def author_profile(user):
    """The Author a staff user writes as, or None."""
    return getattr(user, "author_profile", None) if user and user.is_authenticated else None


def is_author_of(user, article) -> bool:
    profile = author_profile(user)
    return profile is not None and article.article_authors.filter(author=profile).exists()


def visible_articles(user, articles=None):
    """The articles ``user`` may see in the admin: every one for an editor,
    their own (at any stage) for a writer."""
    articles = Article.objects.all() if articles is None else articles
    if is_editor(user):
        return articles
    return articles.filter(article_authors__author__user=user).distinct()


def visible_tags(user, tags=None):
    """The tags ``user`` may see named: every one for an editor; for a writer,
    those on published articles and on articles they may see. A tag used only
    on someone else's draft may name a story that is not out yet."""
    tags = Tag.objects.all() if tags is None else tags
    if is_editor(user):
        return tags
    return tags.filter(
        Q(pk__in=public_tags().values("pk"))
        | Q(pk__in=visible_articles(user, Article.objects.order_by()).values("tags"))
    )


def install_role_groups(group_model, permission_model):
    """Create (or complete) the Writer and Editor groups with their permissions.

    Takes the model classes so the data migration can pass its historical ones.
    """
    for name, codes in ((WRITERS, WRITER_PERMISSIONS), (EDITORS, EDITOR_PERMISSIONS)):
        grant(group_model, permission_model, name, codes)


def grant(group_model, permission_model, name: str, codes: list[str]) -> None:
    """Give the group ``name`` (made if missing) the permissions ``codes`` ("app_label.codename").

    In a few queries, whatever the number of codes: every staff user the tests make installs
    the roles again (a flush empties the groups), and a query per permission cost each test
    about a quarter of a second. A code naming no permission raises, as a typo must.
    """
    wanted = {tuple(code.split(".", 1)) for code in codes}
    found = {
        (permission.content_type.app_label, permission.codename): permission
        for permission in permission_model.objects.select_related("content_type").filter(
            codename__in={codename for _, codename in wanted},
            content_type__app_label__in={app_label for app_label, _ in wanted},
        )
    }
    if missing := sorted(".".join(code) for code in wanted - found.keys()):
        raise permission_model.DoesNotExist(f"No such permissions: {', '.join(missing)}")
    group, _ = group_model.objects.get_or_create(name=name)
    group.permissions.add(*(found[code] for code in wanted))


WRITER_EDITABLE_STAGES = ("draft", "continuation")


def may_edit_content(user, article) -> bool:
    """Editors edit any article; writers their own while it is a draft or awaiting continuation."""
    if is_editor(user):
        return True
    return article.status in WRITER_EDITABLE_STAGES and is_author_of(user, article)


def may_save_changes(user, article) -> bool:
    """Whether ``user`` may save the change form: content they may edit, or a
    published article of their own, whose changes wait as a pending version."""
    if may_edit_content(user, article):
        return True
    return article.status == "published" and is_author_of(user, article)
