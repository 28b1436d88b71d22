"""The quick start's two logins (an editor and a writer) and the block that shows them.

Passwords are made once per machine and kept under VAR_DIR (git-ignored), so
every `make run` and `make login` shows the same ones without asking the
database; the editor's file keeps the name earlier versions used.
"""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from articles.links import absolute_url
from articles.models import Article, Author

from .. import roles
from .continued import SCHEDULED


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str  # as the block names it
    credentials_file: str
    author_slug: str = ""  # the byline a writer writes under


EDITOR = DemoUser("admin", "編集者（管理者）", "local-admin.txt")
WRITER = DemoUser("writer", "ライター（佐伯 遥）", "local-writer.txt", author_slug="saeki-haruka")
DEMO_USERS = (EDITOR, WRITER)


def _credentials(user: DemoUser):
    return settings.VAR_DIR / user.credentials_file


def ensure_users() -> dict:
    """Create the demo users that are missing (a password for each, kept under
    VAR_DIR); a user whose file is gone gets a new password. Returns the users."""
    User = get_user_model()
    made = {}
    for demo in DEMO_USERS:
        account = User.objects.filter(username=demo.username).first()
        path = _credentials(demo)
        if account is None or not path.exists():
            password = secrets.token_urlsafe(12)
            if account is None:
                account = _create(User, demo, password)
            else:
                account.set_password(password)
                account.save(update_fields=["password"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(password)
            path.chmod(0o600)
        if demo.author_slug:
            Author.objects.filter(slug=demo.author_slug, user__isnull=True).update(user=account)
        made[demo] = account
    return made


def _create(User, demo: DemoUser, password: str):
    if demo is EDITOR:
        return User.objects.create_superuser(demo.username, "admin@example.com", password)
    account = User.objects.create_user(
        demo.username,
        f"{demo.username}@example.com",
        password,
        is_staff=True,
        last_name="佐伯",
        first_name="遥",
    )
    account.groups.add(Group.objects.get(name=roles.WRITERS))
    return account


def login_block() -> list[str] | None:
    """The lines `make run` and `make login` print; None before the first `make run`."""
    passwords = {}
    for demo in DEMO_USERS:
        path = _credentials(demo)
        if not path.exists():
            return None
        passwords[demo] = path.read_text().strip()
    rule = "=" * 64
    lines = [
        rule,
        "ALLFORCES CMS（ローカル）",
        f"  読者サイト: {absolute_url('/')}",
        f"  管理画面:   {absolute_url(reverse('admin:index'))}",
    ]
    lines += [
        f"    {demo.role}  ユーザー名: {demo.username}  パスワード: {passwords[demo]}" for demo in DEMO_USERS
    ]
    if note := _scheduled_note():
        lines.append(f"  {note}")
    if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
        lines.append(f"  通知メールは {settings.EMAIL_FILE_PATH} にファイルで届きます。")
    lines += ["  この案内は make login でいつでも表示できます。Ctrl-C で停止します。", rule]
    return lines


def _scheduled_note() -> str:
    try:
        article = Article.objects.filter(slug=SCHEDULED["slug"]).first()
    except DatabaseError:  # `make login` before the first migrate: the block still shows the logins
        return ""
    if article is None or article.status != Article.Status.SCHEDULED or article.publish_at is None:
        return ""
    at = timezone.localtime(article.publish_at)
    return f"公開予約のデモ記事「{article.title}」は {at:%H:%M} に自動で公開されます。"
