"""The project's URLs with the two benchmark floors in front of them."""

from django.urls import include, path

from . import floor_views

urlpatterns = [
    path("bench/floor/fixed/", floor_views.fixed_page, name="bench_floor_fixed"),
    path("bench/floor/row/<int:pk>/", floor_views.one_row, name="bench_floor_row"),
    path("", include("allforces.urls")),
]
