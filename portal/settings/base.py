"""Settings shared by every environment. Secure by default: DEBUG is off and
SECRET_KEY comes from the environment (dev and test supply their own)."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from . import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = BASE_DIR / "portal"

DEBUG = False
SECRET_KEY = env.get("SECRET_KEY")
ALLOWED_HOSTS = env.items("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "news",
    "stats",
    "stats.apps.HitcountConfig",
    "search",
    "core",
    "axes",
    "csp",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Security headers go on every response, the page cache's included.
    "core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Cache hits are answered here, before sessions, CSRF and authentication run.
    "core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Turns a login refused by django-axes into the 429 page; axes asks to be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.session",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# The embedded default is SQLite; production passes a PostgreSQL URL.
DATABASES = {
    "default": dj_database_url.parse(
        env.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.integer("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several workers write to one file (counters, sessions, the new-readers bound). A
    # write transaction that begins as a read fails at once with "database is locked"
    # when it must upgrade its lock; beginning it IMMEDIATE makes it wait its turn, up
    # to the busy timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.get("REDIS_URL")
ELASTICSEARCH_URL = env.get("ELASTICSEARCH_URL")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "portal",
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese UI, Vietnamese time.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
# locale/admin first: the Vietnamese that Wagtail's and Django's own catalogues lack or
# get wrong on the editors' path (and the djangojs domain, which Wagtail's JavaScript
# catalogue reads only from LOCALE_PATHS), built from locale/admin/vi.tsv. Then the
# project's own catalogue (locale/vi, `makemessages` writes there): a project msgid
# equal to a Django or Wagtail one cannot override the admin's meaning, and
# tests/test_admin_vietnamese.py fails if one is not settled in locale/admin.
LOCALE_PATHS = [BASE_DIR / "locale" / "admin", BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.get("STATIC_ROOT", str(BASE_DIR / "collected-static")))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env.get("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = env.get("MEDIA_URL", "/media/")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Security headers that hold everywhere.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Reverse proxies in front of the app that append to X-Forwarded-For (core/net.py).
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 0)

WAGTAIL_SITE_NAME = "Cổng thông tin điện tử"
WAGTAILADMIN_BASE_URL = env.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Tags may have several words and show as typed (no quotes): core/tags.py.
WAGTAIL_TAG_SPACES_ALLOWED = True
TAGGIT_TAGS_FROM_STRING = "core.tags.parse_tags"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "doc", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# New pages get ASCII slugs (Vietnamese letters transliterated, đ as d), in the admin's
# JavaScript and on the server (news.text.ascii_slug), like the demo content.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"

# The anonymous page cache (core/pagecache.py): entry lifetime, browser max-age.
PAGE_CACHE_SECONDS = env.integer("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_MAX_AGE = env.integer("PAGE_CACHE_MAX_AGE", 60)
PAGE_CACHE_EXCLUDED_PATHS = (
    "/healthz",
    "/admin/",
    "/django-admin/",
    "/documents/",
    "/search/",
    "/stats/",
)

# Newsroom settings.
NEWS_PAGE_SIZE = env.integer("NEWS_PAGE_SIZE", 12)

LOG_LEVEL = env.get("LOG_LEVEL", "INFO").upper()
# Two lines per background task (search index, reference index) on every save, and
# django-axes' banner at the start of every process and command: they bury what a
# person needs to read. Failures still show; the rest with LOG_LEVEL=DEBUG.
QUIET_LOGGERS = {
    name: {"level": "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING"}
    for name in ("django_tasks", "axes.apps")
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": QUIET_LOGGERS,
}

# --- stats (view counters, visitor widget; see docs/stats.md)
# django-hitcount's migrations are owned here: upstream 1.3.5's models and migrations
# disagree, so makemigrations --check would fail on its app.
MIGRATION_MODULES = {"hitcount": "stats.vendor_hitcount.migrations"}
HITCOUNT_KEEP_HIT_IN_DATABASE = {"days": env.integer("STATS_KEEP_HITS_DAYS", 90)}
STATS_REDIS_URL = REDIS_URL or None
STATS_VIEW_WINDOW = env.integer("STATS_VIEW_WINDOW_SECONDS", 24 * 3600)
STATS_ONLINE_WINDOW = env.integer("STATS_ONLINE_MINUTES", 5) * 60
STATS_VISIT_IDLE_GAP = env.integer("STATS_VISIT_IDLE_MINUTES", 30) * 60
STATS_VISITS_START = env.integer("STATS_VISITS_START", 0)
STATS_NEW_READERS_PER_MINUTE = env.integer("STATS_NEW_READERS_PER_MINUTE", 120)
STATS_COUNTED_PAGE_MODELS = ["news.ArticlePage"]
STATS_INITIAL_COUNT_ATTRIBUTE = "initial_view_count"

# --- search
# Archive search (search/backends/): the database's own engine is always kept up to date
# and answers when no other is configured or the other fails; Elasticsearch answers when
# ELASTICSEARCH_URL is set. See docs/search.md.
SEARCH_DATABASE_ENGINE = (
    "search.backends.postgres.PostgresEngine"
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    else "search.backends.sqlite.SqliteEngine"
)
SEARCH_ENGINE = (
    "search.backends.elastic.ElasticsearchEngine" if ELASTICSEARCH_URL else SEARCH_DATABASE_ENGINE
)
SEARCH_ES_INDEX = env.get("SEARCH_ES_INDEX", "portal-archive")  # an alias; see docs/search.md
SEARCH_ES_TIMEOUT = env.integer("SEARCH_ES_TIMEOUT", 5)  # seconds, per request
# Copies of each shard on other nodes: 0 for one node, 1 or more for a cluster (a node
# can then die without search losing the index; see docs/operations.md).
SEARCH_ES_REPLICAS = env.integer("SEARCH_ES_REPLICAS", 0)
# Primary shards of a new index: a shard merged to one segment is searched by one thread,
# so two let one query use two cores; ranked searches give each shard the whole index's
# term statistics (docs/search.md).
SEARCH_ES_SHARDS = env.integer("SEARCH_ES_SHARDS", 2)
SEARCH_PAGE_SIZE = env.integer("SEARCH_PAGE_SIZE", 10)

# --- workflow, feeds, api, security (see docs/workflow.md and docs/security.md)
# django-axes refuses logins from a locked-out client before Django's backend checks
# the password; its failures are counted in the database (see docs/security.md).
AUTHENTICATION_BACKENDS = [
    "core.security.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] = {"min_length": 12}
# Failed logins per client address and user name (and per address alone) before the
# login refuses further attempts for LOGIN_LOCKOUT_SECONDS. The password forms of
# restricted pages and documents count the same way, the restriction standing for the
# user name.
LOGIN_FAILURE_LIMIT = env.integer("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.integer("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20)
LOGIN_LOCKOUT_SECONDS = env.integer("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# Wagtail's login form, its password field labelled in Vietnamese (core.security).
WAGTAILADMIN_USER_LOGIN_FORM = "core.security.LoginForm"
AXES_HANDLER = "core.login_attempts.LoginAttemptsHandler"
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_LOCKOUT_SECONDS)
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout are refused without being recorded: the lockout ends on time,
# and hammering does not grow the stored record of the attempt.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "core.security.client_address"
AXES_USERNAME_CALLABLE = "core.security.login_name"
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
# Content-Security-Policy (django-csp): public pages run no inline script or style.
CSP_FRAME_SOURCES = env.items(
    "CSP_FRAME_SOURCES", "https://www.youtube.com,https://www.youtube-nocookie.com"
)


def _origin(url: str) -> str | None:
    """The origin of an absolute URL (a CDN for media or static files), else None."""
    parts = urlsplit(url)
    if parts.scheme in {"http", "https"} and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


_ASSETS = ["'self'", *sorted({o for o in map(_origin, (MEDIA_URL, STATIC_URL)) if o})]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": _ASSETS,
        "style-src": _ASSETS,
        "img-src": [*_ASSETS, "data:"],
        "font-src": _ASSETS,
        "media-src": _ASSETS,
        "connect-src": ["'self'"],
        "frame-src": CSP_FRAME_SOURCES or ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The Wagtail admin (and its previews) relies on inline scripts and styles; it is only
# reachable by signed-in staff, and still may not be framed by or post to other sites.
CSP_ADMIN_PATHS = ("/admin/", "/django-admin/")
CSP_ADMIN_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "font-src": ["'self'", "data:"],
    "media-src": ["'self'", "blob:", "https:"],
    "connect-src": ["'self'", "https://releases.wagtail.org"],
    "frame-src": ["'self'", "https:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Uploads: real raster images only (checked with Pillow), no SVG; documents via the view.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "core.uploads.SafeImageForm"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# No editor's e-mail address goes to Gravatar; the admin shows initials instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Wagtail moderation: the newsroom workflow created by news/migrations/0003.
NEWSROOM_WORKFLOW_NAME = "Duyệt tin bài"
NEWSROOM_EDITORS_GROUP = "Biên tập viên"
NEWSROOM_MODERATORS_GROUP = "Thư ký tòa soạn"
# The admin shows dates as WAGTAIL_DATE(TIME)_FORMAT (dd/mm/yyyy); Django's Vietnamese
# locale has no input formats, so without these the admin could not read back its own
# dates (publish date, go-live and expiry, event times).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d-%m-%Y %H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
# Feeds, Google News sitemap.
FEED_ITEMS = env.integer("FEED_ITEMS", 30)
NEWS_SITEMAP_DAYS = 2
NEWS_PUBLICATION_NAME = env.get("NEWS_PUBLICATION_NAME", WAGTAIL_SITE_NAME)
# import_articles refuses an export whose text (lead and body) is longer than this;
# a long provincial article is some 30,000 characters (docs/security.md, "Bad input").
IMPORT_MAX_BODY_CHARS = env.integer("IMPORT_MAX_BODY_CHARS", 200_000)
# Read-only API (Wagtail API v2 at /api/v2/): page size and per-client rate.
WAGTAILAPI_LIMIT_MAX = 50
# Search has its own page and JSON (/search/); Wagtail's API search is off (an invalid
# search_operator made it answer 500).
WAGTAILAPI_SEARCH_ENABLED = False
API_RATE = env.get("API_RATE", "120/min")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Anonymous for everyone: no session or password is accepted, so the API shows
    # exactly what a citizen may read.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
}
