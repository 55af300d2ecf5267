"""Next Season settings: one file, driven by the environment (see .env.example)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
    SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
else:
    # Production secrets have no default: a missing one stops the site at start-up.
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    SITE_URL = env.str("SITE_URL")
    if not SECRET_KEY or not ALLOWED_HOSTS or not SITE_URL:
        raise ImproperlyConfigured(
            "Set SECRET_KEY, ALLOWED_HOSTS and SITE_URL when DEBUG is false."
        )
# The site's own origin (scheme, host, port): every link in a mail starts with it, never
# with the Host of the request that caused the mail.
SITE_URL = SITE_URL.rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, which its translated fields extend
    "core.apps.SiteAdminConfig",  # django.contrib.admin on core.admin.BoundedAdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "axes",
    "django_tasks_db",
    "corsheaders",
    "ninja",  # the API docs' page and its script, served from our own static files
    "accounts",
    "core",
    "guide",
]

MIDDLEWARE = [
    # Header middleware sits above WhiteNoise so static files get the headers too.
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.CrossOriginResourcePolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Uploaded images, with DEBUG off too: before sessions and languages, like WhiteNoise.
    "core.media.MediaFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Answers the read API's preflights and marks its answers readable from any origin.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateForFansMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads the body (CSRF reads the form only in its process_view, which
    # runs after every middleware here), once the reader and their token are known.
    "core.middleware.BoundedRequestBodyMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.middleware.AccountGoneMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "guide.context_processors.reader",
                "guide.context_processors.inbox",
            ],
        },
    },
]

# Databases ------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_is_sqlite = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if _is_sqlite:
    # Concurrent writers: WAL lets readers run beside a writer, IMMEDIATE takes the write
    # lock at BEGIN (no upgrade deadlocks), and the timeout waits for it instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
        ),
    }
if not _is_sqlite:
    # Parameters travel apart from the statement, so psycopg prepares a statement its
    # connection has run five times (a vote's four, a page's marks) and PostgreSQL parses
    # and plans it once: a vote's database CPU fell by about two fifths. Django leaves this
    # off for poolers that move a session between clients (PgBouncer's transaction mode);
    # ours, DATABASE_POOL, lends a whole connection.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env.bool("DATABASE_POOL", default=False) and not _is_sqlite:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": 4}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Kept open between requests, SQLite's too: opening one (its pragmas, and the dozens
    # of functions Django registers on it) cost more than some whole pages.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared by every process on the machine (rate limits and invalidation must hold
# across processes), so never per-process memory. Redis in production.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://django_cache?max_entries=5000")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.cache.RedisCache"  # one client per pool, see there

# Background work (telling fans what happened) through django.tasks. By default the
# tasks wait in the database and `manage.py db_worker` runs them (`make run` starts one
# beside the server); TASKS_BACKEND names another backend class.
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# TASKS_BACKEND=django_tasks_rq.RQBackend keeps them in Redis (RQ_URL) instead, for
# `manage.py rqworker default` to run: as many workers, on as many hosts, as needed.
RQ_QUEUES = {"default": {"URL": env.str("RQ_URL", default="redis://127.0.0.1:6379/2")}}
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    INSTALLED_APPS.append("django_rq")

# Mail through Django 6.1's MAILERS, from EMAIL_URL (console by default).
_email = env.email_url("EMAIL_URL", default="consolemail://")
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            key.removeprefix("EMAIL_").lower(): value
            for key, value in _email.items()
            if key
            in {
                "EMAIL_HOST",
                "EMAIL_PORT",
                "EMAIL_HOST_USER",
                "EMAIL_HOST_PASSWORD",
                "EMAIL_USE_TLS",
                "EMAIL_USE_SSL",
            }
            and value not in ("", None)
        },
    }
}
for _old, _new in (("host_user", "username"), ("host_password", "password")):
    if _old in MAILERS["default"]["OPTIONS"]:
        MAILERS["default"]["OPTIONS"][_new] = MAILERS["default"]["OPTIONS"].pop(_old)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Next Season <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, with the signed-in user's row from the cache (core/auth.py).
    "core.auth.CachedUserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "guide:home"
LOGOUT_REDIRECT_URL = "guide:home"

# Login throttling: lock a username+address pair (never a username alone, so nobody can
# lock someone else out) after five failures, for a cool-off; success resets the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The client's address, from the one function every per-address rule uses.
AXES_CLIENT_IP_CALLABLE = "core.network.client_address"

# Trusted proxies in front of the site (core/network.py). AXES_PROXY_COUNT is its
# former name, still read.
PROXY_COUNT = env.int("PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))

# Whole pages for visitors, and for signed-in fans on the pages shared with them
# (core/pagecache.py); the guide says which fans read the shared page, and keys it.
VISITOR_PAGE_CACHE = env.bool("VISITOR_PAGE_CACHE", default=True)
PAGE_CACHE_FAN_AUDIENCE = "guide.reading.shared_page_audience"
# What that audience is made of is read from the cache along with the signed-in user's
# row, in one round trip (core/auth.py).
USER_ROW_COMPANION_KEYS = "guide.reading.audience_keys"

# Rate limits (core/throttle.py): (max actions, window in seconds).
RATE_LIMITS = {
    # per fan
    "theory": (5, 3600),
    "comment": (20, 600),
    "vote": (120, 60),
    "report": (10, 3600),
    "email_change": (5, 3600),
    # per client address (core.network.client_address)
    "signup": (10, 3600),
    "password_reset": (10, 3600),
    # per address that account mail goes to, whoever asks: sign-up, reset, email change
    "mail_to_address": (5, 3600),
    "edit": (30, 600),  # theories and comments alike
    "delete": (30, 600),
    "settings": (30, 600),  # a signed-in fan's profile, progress and theme
    "follow": (60, 600),  # following theories, saving theories and comments, and undoing either
    "inbox": (60, 600),  # marking inbox lines read
    "unsubscribe": (30, 3600),  # per client address: links in mail work without signing in
    "forecast": (60, 600),  # stating or changing a probability
    "prediction": (10, 3600),  # a theory author stating a claim
    "image": (20, 86400),  # pictures a fan adds to their theories
    "export": (5, 3600),  # a fan downloading all their data
    # per client address: the read API (guide.api), cached answers included
    "api": (env.int("API_RATE_LIMIT", default=600), 60),
}

# The read API (guide.api) is public and read-only: any origin may GET it, never with
# cookies, and may read the headers a careful client needs.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_HEADERS = ("accept", "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Retry-After", "Link")
CORS_PREFLIGHT_MAX_AGE = 86400

# A font file for share cards (guide.cards) that draws every script fans write in, e.g.
# Noto Sans CJK for Korean names; empty, Pillow's own font draws the cards in English.
CARD_FONT = env.str("CARD_FONT", default="")

# The forecasters' leaderboard ranks fans with at least this many scored forecasts.
LEADERBOARD_MIN_FORECASTS = env.int("LEADERBOARD_MIN_FORECASTS", default=5)

# News by mail (guide.mailing): at most this many mails a day to one fan, and no second
# mail at once about the same theory within the quiet time (the digest takes the rest).
MAIL_DAILY_LIMIT = env.int("MAIL_DAILY_LIMIT", default=10)
MAIL_QUIET_MINUTES = env.int("MAIL_QUIET_MINUTES", default=60)

# Internationalisation ---------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
# Editors' content in both languages (guide/translation.py): English is the one an
# editor must write; a reader whose language has no text reads the other one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "ko")}
# Slugs are typed from the English title or name, whatever the editor's language.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"


def _in_language(verbose_name, code):
    """An editor reads "title (Korean)", in their own language, beside "title (English)"."""
    return format_lazy("{} ({})", verbose_name, dict(LANGUAGES)[code])


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = _in_language
USE_TZ = True

# Static files and uploads -------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    # Uploads: the local disk by default; object storage on several hosts, e.g.
    # STORAGE_BACKEND=storages.backends.s3.S3Storage with its options as JSON.
    "default": {
        "BACKEND": env.str(
            "STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env.json("STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Fans' data exports: private, so never under MEDIA_ROOT (served to anyone); only
    # their owner downloads one, through accounts.views.download_export.
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("EXPORTS_ROOT", default=BASE_DIR / "exports")},
    },
}
# A fan's export with more rows than this is made by the task worker, not in the request.
EXPORT_INLINE_ROWS = env.int("EXPORT_INLINE_ROWS", default=2000)
WHITENOISE_MAX_AGE = 31536000 if not DEBUG else 0
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Source maps (the API docs' scripts ship 11 MB of them) are read only by a browser's
# developer tools: compressing them took half of collectstatic's time for nothing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Bounded request bodies: a flood of fields or megabytes is refused with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024  # form fields only: Django leaves files out of it
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_IMAGE_UPLOAD_BYTES = 3 * 1024 * 1024
# A fan's picture for their theory (a screenshot, a panel) needs less than a poster.
MAX_THEORY_IMAGE_BYTES = 2 * 1024 * 1024
# The whole body, files included: one image, the form's fields and the multipart framing
# around them. core.middleware.BoundedRequestBodyMiddleware answers a larger
# Content-Length with a 413 without reading the body.
MAX_REQUEST_BODY_BYTES = MAX_IMAGE_UPLOAD_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE + 64 * 1024

# Security -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"  # Django sends none; core.middleware does
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A signed-in fan's every request reads their session: from the shared cache, with the
# database behind it (a session the cache lost is read from there, never lost).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for this exact host, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
    SILENCED_SYSTEM_CHECKS = [
        # HSTS preload/subdomains are deliberate opt-ins through the environment.
        "security.W005",
        "security.W021",
    ]

# Logging: errors to stderr, where gunicorn and the process manager collect them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
