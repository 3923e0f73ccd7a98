from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Tìm kiếm"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings

        from . import signals

        signals.connect()
        if settings.ELASTICSEARCH_URL:
            # Imported at start-up when it will be used, so that gunicorn's preloaded
            # workers share it; search.service otherwise imports it on first use.
            from .backends import elastic  # noqa: F401
