"""Control Tower settings, read from the environment (see README "Configuration").

Nothing configured gives the embedded default: SQLite, an in-memory channel layer, a file-system
Celery broker and the built-in Odoo sandbox. `CT_ENV=production` demands the real services and turns
on every deployment safeguard.
"""

from __future__ import annotations

import importlib.util
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from controltower import env, queues
from controltower.redis_pools import redis_pool_options

# Lets admin and queryset classes be subscripted for type checking (ModelAdmin[Store]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

CT_ENV = env.choice("CT_ENV", "embedded", ("embedded", "production"))
PRODUCTION = CT_ENV == "production"
VAR_DIR = Path(env.text("CT_VAR_DIR", str(BASE_DIR / "var"))).resolve()


def _secret_key() -> str:
    key = env.text("DJANGO_SECRET_KEY")
    if key:
        if PRODUCTION and len(key) < 50:
            raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters in production.")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (or DJANGO_SECRET_KEY_FILE) in production.")
    # Embedded mode: a random key kept on disk so sessions survive a restart of `make demo`.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.flag("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    # Debug pages show settings, SQL and source to whoever triggers an error.
    raise ImproperlyConfigured("DJANGO_DEBUG=true is refused in production (CT_ENV=production).")
ALLOWED_HOSTS = env.csv("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the portal's host names in production.")
CSRF_TRUSTED_ORIGINS = env.csv("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env.url("CT_SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "channels",
    "django_htmx",
    "template_partials",
    "guardian",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "apps.events",
    "apps.audit",
    "apps.organisation",
    "apps.portal",
    "apps.live",
    "apps.sync",
    "apps.integration",
    "apps.writeback",
    "apps.approvals",
    "apps.incidents",
    "apps.operations",
    "apps.adjustments",
    "apps.directives",
    "apps.health",
    "apps.notifications",
    "apps.dashboards",
    "apps.api",
    "apps.webhooks",
]
if not PRODUCTION and importlib.util.find_spec("apps.odoo_sandbox") is not None:
    # The Odoo sandbox is a development and test tool: production never imports it, and the
    # production image does not even contain it.
    INSTALLED_APPS.append("apps.odoo_sandbox")

MIDDLEWARE = [
    "apps.portal.middleware.LivenessMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (cookie, then Accept-Language) for everyone; once the person is known,
    # PersonLocaleMiddleware puts their own language and time zone in its place.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.portal.middleware.ScopeMemoMiddleware",
    "apps.portal.middleware.PersonLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "apps.portal.middleware.VaryOnHtmxMiddleware",
    "apps.portal.errors.ErrorPagesMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "controltower.urls"
ASGI_APPLICATION = "controltower.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.portal.context_processors.navigation",
                "csp.context_processors.nonce",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    database_url = env.text("DATABASE_URL")
    if not database_url:
        if PRODUCTION:
            raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "controltower.sqlite3",
                "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE",
                            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}}
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(database_url, conn_max_age=60, conn_health_checks=True))
    except Exception as exc:  # the library raises several types; the message must not echo the password
        scheme = database_url.split("://", 1)[0] if "://" in database_url else "(none)"
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a valid database URL (scheme {scheme!r}); "
            "expected postgres://user:password@host:5432/name."
        ) from exc
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL must name a database, e.g. postgres://host:5432/controltower.")
    if config["ENGINE"] == "django.db.backends.postgresql" and CT_DB_POOL_MAX_SIZE:
        # A pool per process (psycopg_pool): a request borrows a connection and gives it back when it
        # ends, so a web process never holds more than the pool's size however many requests it serves.
        config["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django must not
        config["CONN_HEALTH_CHECKS"] = True  # with a pool: checked before it is lent (a restarted server)
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(CT_DB_POOL_MIN_SIZE, CT_DB_POOL_MAX_SIZE), "max_size": CT_DB_POOL_MAX_SIZE,
            "timeout": CT_DB_POOL_TIMEOUT, "max_idle": 300}
    return config


# PostgreSQL connection pool per process (0: no pool, one persistent connection per thread) and the
# threads a web process runs requests' synchronous work on (see controltower/sync_threads.py).
CT_DB_POOL_MAX_SIZE = env.integer("CT_DB_POOL_MAX_SIZE", 8, minimum=0)
CT_DB_POOL_MIN_SIZE = env.integer("CT_DB_POOL_MIN_SIZE", 1, minimum=0)
CT_DB_POOL_TIMEOUT = env.decimal("CT_DB_POOL_TIMEOUT", 10.0, minimum=0.5)
CT_ASGI_THREADS = env.integer("CT_ASGI_THREADS", CT_DB_POOL_MAX_SIZE or 8, minimum=1)

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.url("REDIS_URL", schemes=("redis", "rediss", "unix"))
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL must be set in production (channel layer, broker, cache).")

if REDIS_URL:
    # channels_redis waits for messages with a 5-second blocking pop while redis-py reads with a 5-second
    # socket timeout by default: the two race and an idle consumer dies. Its pool also refuses (rather
    # than waits) beyond `max_connections`, and every group join of a connecting page takes one.
    _layer_timeout = env.decimal("CT_CHANNEL_LAYER_SOCKET_TIMEOUT", 10.0, minimum=6)
    # Pools with health checks and a quick retry (controltower/redis_pools.py): connections that died with a
    # Redis restart are replaced on first use, so websockets and the cache recover as soon as it is back.
    _layer_urls = env.urls("CT_CHANNEL_LAYER_REDIS_URLS", [REDIS_URL], schemes=("redis", "rediss", "unix"))
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"prefix": "ct",
        "hosts": [{"address": address, **redis_pool_options(asyncio=True, socket_timeout=_layer_timeout),
                   "max_connections": env.integer("CT_CHANNEL_LAYER_MAX_CONNECTIONS", 1000, minimum=10)}
                  for address in _layer_urls]}}}  # several URLs: channels_redis shards groups over them
    # The cache fails open: while Redis is away pages are computed afresh and limits start over.
    CACHES: dict[str, dict[str, Any]] = {"default": {"BACKEND": "controltower.cache.FailOpenRedisCache",
                                                     "LOCATION": REDIS_URL, "KEY_PREFIX": "ct",
                                                     "OPTIONS": redis_pool_options(socket_timeout=2.0)}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis in production; a file-system broker in embedded mode so worker and beat need no server.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {}
if not REDIS_URL:
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(_queue_dir), "data_folder_out": str(_queue_dir),
                                       "processed_folder": str(VAR_DIR / "celery" / "processed"),
                                       "control_folder": str(VAR_DIR / "celery" / "control"),
                                       "store_processed": False}
CELERY_QUEUE_NAMES = queues.QUEUE_NAMES  # controltower/queues.py: which queue each task goes to
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in CELERY_QUEUE_NAMES]
CELERY_TASK_DEFAULT_QUEUE = queues.DEFAULT_QUEUE
CELERY_TASK_ROUTES = queues.TASK_ROUTES
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.flag("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: anonymous users hold no object permissions
GUARDIAN_RAISE_403 = False

AXES_FAILURE_LIMIT = env.integer("CT_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env.integer("CT_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# How many reverse proxies in front of the portal append to X-Forwarded-For. 0: the header is ignored and
# the client is REMOTE_ADDR. One function (apps.audit.services.client_ip) gives the address to the
# sign-in lock-out, the API throttle, the audit trail and rejected webhook hints alike.
CT_PROXY_COUNT = env.integer("CT_PROXY_COUNT", 0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "apps.audit.services.client_ip"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages, formats and time zones (README): English is the source language; French and Spanish come
# from the catalogs in locale/ (compiled by `make test`, `make demo` and the image, never committed).
LANGUAGE_CODE = env.choice("CT_LANGUAGE", "en-gb", ("en-gb", "fr", "es"))
LANGUAGES = [("en-gb", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "ct_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.text("CT_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.text("CT_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.text("CT_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if PRODUCTION
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG and not PRODUCTION
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The API app may extend these (authentication by token, throttles, pagination) in apps/api/conf.py.
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "NUM_PROXIES": CT_PROXY_COUNT,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend",
                                "rest_framework.filters.OrderingFilter"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Control Tower API",
    "DESCRIPTION": "Approvals, incidents, exceptions, health and audit of the retail network, scoped to the caller.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Odoo. Embedded mode points at the built-in sandbox (`make demo` starts it on port 8069).
ODOO_URL = env.url("ODOO_URL", "" if PRODUCTION else "http://127.0.0.1:8069", schemes=("http", "https"))
ODOO_DB = env.text("ODOO_DB", "" if PRODUCTION else "retail")
ODOO_LOGIN = env.text("ODOO_LOGIN", "" if PRODUCTION else "admin")
ODOO_PASSWORD = env.text("ODOO_PASSWORD", "" if PRODUCTION else "admin")
ODOO_API_KEY = env.text("ODOO_API_KEY")
ODOO_TRANSPORT = env.choice("ODOO_TRANSPORT", "auto", ("auto", "jsonrpc", "json2"))
ODOO_TIMEOUT = env.decimal("ODOO_TIMEOUT", 10.0, minimum=0.1)
# Links into Odoo (apps.odoo_gateway.links): "odoo" → /odoo/<model>/<id> (17.2+), "web" → /web#id=..&model=..
# The older CT_APPROVAL_ODOO_LINK_STYLE is its default, so existing configurations keep their links.
ODOO_LINK_STYLE = env.choice("CT_ODOO_LINK_STYLE", env.choice("CT_APPROVAL_ODOO_LINK_STYLE", "odoo", ("odoo", "web")),
                             ("odoo", "web"))
if PRODUCTION and not (ODOO_URL and ODOO_DB and ODOO_LOGIN and (ODOO_PASSWORD or ODOO_API_KEY)):
    raise ImproperlyConfigured(
        "ODOO_URL, ODOO_DB, ODOO_LOGIN and ODOO_PASSWORD or ODOO_API_KEY must be set in production."
    )

# Sync engine and webhook hints (see README "Odoo sync").
CT_SYNC_INTERVAL = env.integer("CT_SYNC_INTERVAL", 30 if PRODUCTION else 5, minimum=1)
CT_RECONCILE_INTERVAL = env.integer("CT_RECONCILE_INTERVAL", 300 if PRODUCTION else 60, minimum=10)
CT_HINT_COALESCE_SECONDS = env.decimal("CT_HINT_COALESCE_SECONDS", 0.5, minimum=0)
CT_WEBHOOK_TOKEN = env.text("CT_WEBHOOK_TOKEN")
CT_WEBHOOK_SECRET = env.text("CT_WEBHOOK_SECRET")
if CT_WEBHOOK_TOKEN and len(CT_WEBHOOK_TOKEN) < 24:
    raise ImproperlyConfigured("CT_WEBHOOK_TOKEN must be at least 24 characters: it is the only key of the URL.")
# Write-backs (the outbox).
# Odoo unreachable (refused, timeout, 5xx) is waited out for this long, never counted in attempts; the
# attempts bound only unexpected crashes. Permanent refusals fail at once.
CT_WRITEBACK_OUTAGE_WINDOW_HOURS = env.decimal("CT_WRITEBACK_OUTAGE_WINDOW_HOURS", 72.0, minimum=0.01)
CT_WRITEBACK_MAX_ATTEMPTS = env.integer("CT_WRITEBACK_MAX_ATTEMPTS", 8, minimum=1)
CT_WRITEBACK_BACKOFF_SECONDS = env.decimal("CT_WRITEBACK_BACKOFF_SECONDS", 2.0, minimum=0)
CT_WRITEBACK_BACKOFF_CAP_SECONDS = env.decimal("CT_WRITEBACK_BACKOFF_CAP_SECONDS", 300.0, minimum=0)
CT_WRITEBACK_LEASE_SECONDS = env.integer("CT_WRITEBACK_LEASE_SECONDS", 120, minimum=5)
# A person's approval decision is held this long before its write-back may go to Odoo, so it can be
# undone (0: no undo, the write-back starts at once).
CT_APPROVAL_UNDO_SECONDS = env.integer("CT_APPROVAL_UNDO_SECONDS", 10, minimum=0)

# E-mail (notifications). Embedded mode prints messages to the console.
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if env.text("CT_EMAIL_HOST") or PRODUCTION
                 else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.text("CT_EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("CT_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env.text("CT_EMAIL_USER")
EMAIL_HOST_PASSWORD = env.text("CT_EMAIL_PASSWORD")
EMAIL_USE_TLS = env.flag("CT_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = env.text("CT_EMAIL_FROM", "Control Tower <control-tower@localhost>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie (the token is in hx-headers) but the admin's JS may
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every page (django-csp): scripts and styles from our own static files
# only, never inline, except a tag carrying the request's nonce (the API docs page); websockets and
# htmx requests to this origin; no frames, plugins or foreign form targets. See README "Security".
# Images also from blob: URLs: the store app previews photos made on the phone before they are sent.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": [SELF], "script-src": [SELF, NONCE], "style-src": [SELF, NONCE],
    "img-src": [SELF, "data:", "blob:"], "font-src": [SELF], "connect-src": [SELF], "object-src": [NONE],
    "base-uri": [SELF], "form-action": [SELF], "frame-ancestors": [NONE]}}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.flag("CT_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.integer("CT_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.flag("CT_HSTS_PRELOAD", False)
    if env.flag("CT_BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"client_errors": {"()": "apps.portal.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": env.choice("CT_LOG_LEVEL", "INFO",
                                                           ("DEBUG", "INFO", "WARNING", "ERROR"))},
}
