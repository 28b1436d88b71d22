from django.urls import path

from . import views

app_name = "writing"

urlpatterns = [
    path("autosave/", views.save, name="autosave"),
    path("autosave/discard/", views.discard, name="autosave_discard"),
    path("presence/<int:article_id>/", views.heartbeat, name="presence"),
    path("presence/", views.who_is_where, name="presence_list"),
]
