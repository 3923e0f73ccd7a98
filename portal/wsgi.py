"""WSGI entry point. Servers run production settings unless told otherwise."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()

# Import the URLconf, and with it every view module, now rather than on each worker's
# first request: gunicorn preloads this module (preload_app), so its workers share
# these pages copy-on-write. Importing opens no database connection.
from django.urls import get_resolver  # noqa: E402

_url_patterns = get_resolver().url_patterns
