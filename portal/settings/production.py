"""Production: configured from the environment only, and loud when something is missing."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env.required("SECRET_KEY")
if len(SECRET_KEY) < 40 or SECRET_KEY.startswith(("django-insecure", "change-me", "test-")):
    raise ImproperlyConfigured(
        "SECRET_KEY is too short or a known default; generate a long random value."
    )
ALLOWED_HOSTS = env.items_required("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.items("CSRF_TRUSTED_ORIGINS")
DATABASES["default"] = dj_database_url.parse(  # noqa: F405
    env.required("DATABASE_URL"), conn_max_age=env.integer("DB_CONN_MAX_AGE", 60)
)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}

if REDIS_URL:  # noqa: F405
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,  # noqa: F405
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# --- stats
# The reader cookie travels over HTTPS only (set STATS_READER_COOKIE_SECURE=false for
# a plain-HTTP benchmark on 127.0.0.1).
STATS_READER_COOKIE_SECURE = env.flag("STATS_READER_COOKIE_SECURE", True)
