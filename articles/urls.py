from django.urls import path, register_converter

from . import views
from .converters import UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")

app_name = "articles"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="home"),
    path("articles/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("category/<uslug:slug>/", views.CategoryView.as_view(), name="category"),
    path("author/<uslug:slug>/", views.AuthorView.as_view(), name="author"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
]
