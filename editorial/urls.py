from django.urls import path

from . import views

app_name = "editorial"

# django-markdownx's own urls.py is deliberately not included: its views
# answer anonymous requests. These are the same endpoints, staff only.
urlpatterns = [
    path("markdownx/markdownify/", views.markdown_preview, name="markdown_preview"),
    path("markdownx/upload/", views.CheckedImageUploadView.as_view(), name="markdown_upload"),
    path("tags/suggest/", views.tag_suggestions, name="tag_suggestions"),
    path("preview/<str:token>/", views.shared_preview, name="shared_preview"),
]
