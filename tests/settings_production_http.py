"""Production settings as they are, for tests/test_redis_down.py's gunicorn, except that
static file URLs need no collectstatic manifest (the test serves no static files)."""

from portal.settings.production import *  # noqa: F403

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
