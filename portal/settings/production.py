"""Production: configured from the environment only, and loud when something is missing."""

from pathlib import Path

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

# The app servers keep no local state: the cache and the live counters are in Redis.
REDIS_URL = env.required("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "TIMEOUT": 300,
        "OPTIONS": {
            # A Redis outage degrades to cache misses instead of errors (see docs/operations.md).
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    },
    "renditions": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "renditions",
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    },
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# Sessions stay in the database (Django's default), so signing in and staying signed in
# do not depend on Redis; only editors and readers of password-protected pages have one.
# Failed logins are counted in the database too (django-axes, see base.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405

# Media files live on shared storage that the proxy serves (deploy/nginx/portal.conf).
MEDIA_ROOT = Path(env.required("MEDIA_ROOT"))
STATIC_ROOT = Path(env.get("STATIC_ROOT", str(BASE_DIR / "collected-static")))  # noqa: F405

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        # While Redis is down django-redis would log a traceback per cache call.
        "redis_down": {
            "()": "core.logs.OncePerInterval",
            "seconds": env.integer("REDIS_DOWN_LOG_SECONDS", 60),
            "message": "Redis unavailable: cache calls are skipped as misses",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        "django_redis.cache": {"filters": ["redis_down"]},
    },
}

# --- stats
# The reader cookie travels over HTTPS only (set STATS_READER_COOKIE_SECURE=false for
# a plain-HTTP benchmark on 127.0.0.1).
STATS_READER_COOKIE_SECURE = env.flag("STATS_READER_COOKIE_SECURE", True)
