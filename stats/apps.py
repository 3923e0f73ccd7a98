from django.apps import AppConfig


class StatsConfig(AppConfig):
    # Two AppConfig classes live in this module, so "stats" in INSTALLED_APPS needs this
    # one marked as the default (without it Django used a plain AppConfig and ready(),
    # which connects stats.signals, never ran).
    default = True
    name = "stats"
    verbose_name = "Thống kê"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401


class HitcountConfig(AppConfig):
    """django-hitcount 1.3.5 as this project installs it.

    Its models predate DEFAULT_AUTO_FIELD (models.W042) and its migrations miss the
    HitCount.content_type related_name change (docs/stats.md). Keeping AutoField
    matches the tables its migrations create; the migrations themselves come from
    stats/vendor_hitcount/migrations (MIGRATION_MODULES), owned by this project.
    """

    name = "hitcount"
    label = "hitcount"
    verbose_name = "Hitcount"
    default_auto_field = "django.db.models.AutoField"
