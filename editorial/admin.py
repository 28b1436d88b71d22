from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from taggit.managers import TaggableManager

from articles.models import Article, ArticleAuthor, Author, Category

from .widgets import SuggestingTagWidget


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_team", "user"]
    list_filter = ["is_team"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class AtLeastOneAuthorFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        named = [
            form
            for form in self.forms
            if form.cleaned_data.get("author") and not form.cleaned_data.get("DELETE")
        ]
        if not named:
            raise ValidationError("著者を1人以上指定してください。")


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    formset = AtLeastOneAuthorFormSet
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 0
    min_num = 1


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "author_names", "category_names", "publish_at", "updated_at"]
    list_filter = ["status", "categories", "authors", "tags"]
    search_fields = ["title", "body"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["categories"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleAuthorInline]
    readonly_fields = ["status", "published_at", "reading_time", "version", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body", "excerpt"]}),
        ("分類", {"fields": ["categories", "tags"]}),
        ("公開", {"fields": ["status", "publish_at", "published_at"]}),
        (
            "記録",
            {"fields": ["reading_time", "version", "created_at", "updated_at"], "classes": ["collapse"]},
        ),
    ]
    formfield_overrides = {
        MarkdownxField: {"widget": AdminMarkdownxWidget},
        TaggableManager: {"widget": SuggestingTagWidget},
    }

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("article_authors", queryset=ArticleAuthor.authors_in_order()), "categories"
            )
        )

    @admin.display(description="著者")
    def author_names(self, article):
        return "、".join(author.name for author in article.ordered_authors)

    @admin.display(description="カテゴリー")
    def category_names(self, article):
        return "、".join(category.name for category in article.categories.all())
