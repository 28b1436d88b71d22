from django.apps import AppConfig


class WritingConfig(AppConfig):
    name = "writing"
    verbose_name = "執筆"
    default_auto_field = "django.db.models.BigAutoField"
