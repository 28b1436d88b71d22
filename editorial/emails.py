"""The emails the workflow sends, built from the article as it is when sent."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.urls import reverse

from .roles import REVIEW_PERMISSION


def _admin_url(article):
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk])


def editor_addresses():
    app_label, codename = REVIEW_PERMISSION.split(".")
    granted = Q(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label
    )
    granted |= Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    users = get_user_model().objects.filter(is_active=True).filter(granted | Q(is_superuser=True))
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def author_addresses(article):
    links = article.article_authors.select_related("author__user")
    return sorted(
        {
            link.author.user.email
            for link in links
            if link.author.user and link.author.user.is_active and link.author.user.email
        }
    )


def _send(subject, body, recipients):
    if not recipients:
        return 0
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    return send_mass_mail(messages)


def send_submitted(article):
    return _send(
        f"[ALLFORCES] レビュー依頼: {article.title}",
        f"「{article.title}」がレビューに提出されました。\n\n{_admin_url(article)}\n",
        editor_addresses(),
    )


def send_changes_requested(article, comment):
    return _send(
        f"[ALLFORCES] 差し戻し: {article.title}",
        f"「{article.title}」が差し戻されました。\n\n編集者のコメント:\n{comment}\n\n{_admin_url(article)}\n",
        author_addresses(article),
    )


def send_published(article):
    public_url = settings.SITE_URL + article.get_absolute_url()
    return _send(
        f"[ALLFORCES] 公開されました: {article.title}",
        f"「{article.title}」が公開されました。\n\n{public_url}\n",
        author_addresses(article),
    )
