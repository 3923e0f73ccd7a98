"""Project-owned migrations for django-hitcount (see portal/settings/base.py, MIGRATION_MODULES)."""
