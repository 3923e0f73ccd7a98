"""Local development and the embedded default served by `make run`."""

import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", ".localhost", "[::1]"]


def _dev_secret_key() -> str:
    """A per-checkout random key, kept out of git, so nothing secret is committed."""
    key_file = BASE_DIR / ".dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.get("SECRET_KEY") or _dev_secret_key()
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Static files come from the finders; nothing is collected outside production.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
