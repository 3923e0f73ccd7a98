"""System checks of the search settings."""

from django.conf import settings
from django.core import checks
from django.db import connection


def database_engine_matches(app_configs=None, **kwargs):
    """SEARCH_DATABASE_ENGINE is derived from the database URL in settings; a settings
    module that replaces DATABASES afterwards must derive it again."""
    from . import service

    engine = service.database_engine()
    if engine.vendor == connection.vendor:
        return []
    return [
        checks.Error(
            f"SEARCH_DATABASE_ENGINE ({settings.SEARCH_DATABASE_ENGINE}) is written for "
            f"{engine.vendor}, but the database is {connection.vendor}.",
            hint="Derive SEARCH_DATABASE_ENGINE from DATABASES (portal/settings/base.py).",
            id="search.E001",
        )
    ]
