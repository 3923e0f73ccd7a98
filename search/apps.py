from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Tìm kiếm"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from . import semantics, service, signals
        from .checks import database_engine_matches

        signals.connect()
        semantics.connect()
        checks.register(database_engine_matches)
        # Imported at start-up, so that gunicorn's preloaded workers share the engine's
        # libraries; search.service otherwise imports it on first use.
        service.engine()
