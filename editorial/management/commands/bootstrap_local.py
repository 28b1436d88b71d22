import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from articles.links import absolute_url
from articles.models import Article, ArticleAuthor, Author, Category
from editorial import revisions, workflow
from editorial.demo import content

LOCAL_ADMIN_USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "クイックスタート専用: データベースが空ならデモ記事を作り、ローカル用の管理者ログインを用意します。"
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("bootstrap_local はローカル開発専用です（DEBUG=1 のときだけ使えます）。")
        if Article.objects.exists():
            self.stdout.write("記事があるため、デモ記事は作成しません。")
        else:
            self.create_demo_content()
        self.ensure_local_admin()

    @transaction.atomic
    def create_demo_content(self):
        authors = {data["slug"]: Author.objects.create(**data) for data in content.AUTHORS}
        categories = {data["slug"]: Category.objects.create(**data) for data in content.CATEGORIES}
        # Oldest first, so the home page lists the last one on top.
        for data in reversed(content.ARTICLES):
            article = Article.objects.create(
                title=data["title"], slug=data["slug"], body=data["body"], excerpt=data["excerpt"]
            )
            for position, slug in enumerate(data["authors"]):
                ArticleAuthor.objects.create(article=article, author=authors[slug], position=position)
            article.categories.set([categories[slug] for slug in data["categories"]])
            article.tags.set(data["tags"])
            revisions.record_revision(article, by=None, note="デモ記事")
            # Through the workflow like any article, as the system.
            workflow.submit(article, by=None)
            if data.get("stage") != "review":
                workflow.approve(article, by=None)
        self.stdout.write(self.style.SUCCESS(f"デモ記事を {len(content.ARTICLES)} 件作成しました。"))

    def ensure_local_admin(self):
        # The password lives in var/ (git-ignored) so every `make run` can show it again.
        credentials = settings.VAR_DIR / "local-admin.txt"
        User = get_user_model()
        user = User.objects.filter(username=LOCAL_ADMIN_USERNAME).first()
        if user is None or not credentials.exists():
            password = secrets.token_urlsafe(12)
            if user is None:
                User.objects.create_superuser(LOCAL_ADMIN_USERNAME, "admin@localhost", password)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            credentials.parent.mkdir(parents=True, exist_ok=True)
            credentials.write_text(password)
            credentials.chmod(0o600)
        password = credentials.read_text().strip()
        self.stdout.write(
            self.style.SUCCESS(
                f"管理画面: {absolute_url(reverse('admin:index'))}  ユーザー名: {LOCAL_ADMIN_USERNAME}  "
                f"パスワード: {password}"
            )
        )
