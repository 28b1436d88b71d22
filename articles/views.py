from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from .cache import LISTING_TIMEOUT, listing_version
from .models import Article, Author, Category


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.published().for_listing().order_by("-published_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["listing_cache"] = {"version": listing_version(), "timeout": LISTING_TIMEOUT}
        return context


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        # Anything not published is a 404, never a 403: its existence must not leak.
        return Article.objects.published().for_listing()


class _FilteredListView(ArticleListView):
    """A list of published articles narrowed to one category, author or tag."""

    model = None
    heading_label = ""

    def get_queryset(self):
        self.subject = get_object_or_404(self.model, slug=self.kwargs["slug"])
        return super().get_queryset().filter(**{self.lookup: self.subject})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subject"] = self.subject
        context["heading_label"] = self.heading_label
        return context


class CategoryView(_FilteredListView):
    model = Category
    lookup = "categories"
    heading_label = "カテゴリー"


class AuthorView(_FilteredListView):
    model = Author
    lookup = "authors"
    heading_label = "著者"


class TagView(_FilteredListView):
    model = Tag
    lookup = "tags"
    heading_label = "タグ"
