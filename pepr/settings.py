"""Settings of the portal, read from the environment (see README: Configuration and .env.example).

The defaults are the embedded set-up of `make run`: SQLite, Celery tasks run in-process, e-mail
printed on the console. Production sets DATABASE_URL, REDIS_URL and DJANGO_SECRET_KEY.
"""
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-never-use-in-production")
else:
    # No default on purpose: a production process must not start with a guessable key.
    SECRET_KEY = env("DJANGO_SECRET_KEY")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# How e-mails greet and sign: the programme, not a host name.
PORTAL_NAME = env("PORTAL_NAME", default="PEPR BBTI")

INSTALLED_APPS = [
    "pepr",
    "calls",
    "governance",
    "projects",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "import_export",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # /healthz and /readyz answer here, before any session, user or cache is looked at.
    "pepr.core.middleware.ProbeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pepr.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "pepr.urls"
WSGI_APPLICATION = "pepr.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pepr.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # `make run`'s embedded database, used by several people at once (WAL, a busy timeout and
    # immediate transactions: see pepr/core/sqlite.py).
    from pepr.core import sqlite

    DATABASES["default"]["OPTIONS"] = sqlite.options(DATABASES["default"].get("OPTIONS"))
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles the correlated conflict-of-interest filters of the list pages for
    # seconds and saves nothing on queries that read one page: measured 2 s vs 0.2 s at 6,500.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is the broker and the cache in production; without it everything stays in-process.
REDIS_URL = env("REDIS_URL", default="")

# Surviving a database restart or a Redis outage (docs/operators.md, "Database restarts and Redis
# outages"). Persistent connections save a connection per request, and the health check replaces
# one that a database restart closed before a request uses it. Not for `make run`'s SQLite: the
# development server starts a thread per request, which would leave each connection open.
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "DATABASE_CONN_MAX_AGE", default=0 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Sessions in the database alone, not `cached_db`: while Redis is down the cache falls back to each
# process's memory, where a session signed out in one process would live on in another.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
if REDIS_URL:
    CACHES = {
        "default": {
            # RedisCache that falls back to local memory and warns while Redis is unreachable.
            "BACKEND": "pepr.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="pepr"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only when it finished, so a worker that dies mid-task hands it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE = {
    "close-due-ballots": {"task": "governance.close_due_ballots", "schedule": 60.0},
    "send-due-reminders": {"task": "pepr.send_due_reminders", "schedule": 300.0},
    # The outbox's sweep: e-mails never handed to the broker, failed ones due again (pepr.core.outbox).
    "sweep-outbox": {"task": "pepr.sweep_outbox", "schedule": 60.0},
}
# How long before a deadline each reminder goes out, e.g. "7d,2d,6h" (days d, hours h).
REMINDER_OFFSETS = {
    "draft_deadline": env.list("REMINDER_OFFSETS_DRAFT", default=["7d", "2d", "6h"]),
    "review_due": env.list("REMINDER_OFFSETS_REVIEW", default=["7d", "2d"]),
    "ballot_closing": env.list("REMINDER_OFFSETS_BALLOT", default=["2d", "6h"]),
    "report_due": env.list("REMINDER_OFFSETS_REPORT", default=["14d", "2d"]),
}

AUTH_USER_MODEL = "pepr.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Accounts (django-allauth): the e-mail address is the login and must be confirmed.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "pepr.core.forms.SignupProfileForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PEPR BBTI] "
# `make run` serves plain HTTP: its confirmation links say http://.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL",
                                    default="http" if DEBUG else "https")
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins from one address, whatever the account, counted by allauth. Never per
    # account alone ("/key"): anyone who knows an e-mail address could lock its owner out.
    "login_failed": env("RATE_LIMIT_LOGIN_FAILED", default="20/m/ip"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
if "/key" in ACCOUNT_RATE_LIMITS["login_failed"]:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("RATE_LIMIT_LOGIN_FAILED counts per address only (…/ip); failures "
                               "per address and account are RATE_LIMIT_LOGIN_FAILED_ACCOUNT.")
# ...and from one address for one account, counted by pepr.core.adapters.AccountAdapter.
LOGIN_FAILED_PER_ADDRESS_AND_ACCOUNT = env("RATE_LIMIT_LOGIN_FAILED_ACCOUNT", default="5/5m")
# Behind a reverse proxy every request comes from the proxy: the counts above need the client's
# address, read from X-Forwarded-For as appended by this many proxies of ours (0: REMOTE_ADDR).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_ADAPTER = "pepr.core.adapters.AccountAdapter"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "pepr_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# The read-only API for ANR's systems: token authentication, paged, described by OpenAPI.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PEPR BBTI portal API",
    "DESCRIPTION": "Read-only data of the programme's calls, applications, reviews, decisions "
                   "and projects, for ANR's systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Several models have a `status`: each enum keeps a stable name in the schema's components.
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "calls.applications.models.ApplicationStatus",
        "ProjectStatusEnum": "projects.follow_up.models.ProjectStatus",
        "DeliverableStatusEnum": "projects.follow_up.models.DeliverableStatus",
        "ProjectReportStatusEnum": "projects.reports.models.ProjectReportStatus",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="PEPR BBTI <noreply@pepr-bbti.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# E-mail delivery under faults (docs/operators.md, "E-mail delivery under faults"). Every wait on
# the SMTP server ends after EMAIL_TIMEOUT seconds; a delivery task is stopped after its time
# limits (soft: the failure is recorded; hard: the process is killed); an e-mail claimed longer ago
# than EMAIL_LEASE_SECONDS belongs to a worker that died and is tried again. A failed e-mail is
# tried again after each delay of EMAIL_RETRY_MINUTES (the last one repeats) for
# EMAIL_RETRY_FOR_HOURS, then given up ("dead") until staff resend it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_TASK_SOFT_TIME_LIMIT = env.int("EMAIL_TASK_SOFT_TIME_LIMIT", default=4 * EMAIL_TIMEOUT)
EMAIL_TASK_TIME_LIMIT = EMAIL_TASK_SOFT_TIME_LIMIT + 30
EMAIL_LEASE_SECONDS = EMAIL_TASK_TIME_LIMIT + 30
EMAIL_RETRY_MINUTES = [int(m) for m in env.list("EMAIL_RETRY_MINUTES", default=[1, 2, 5, 10, 30])]
EMAIL_RETRY_FOR_HOURS = env.int("EMAIL_RETRY_FOR_HOURS", default=72)

# Background reports under faults (docs/operators.md, "Worker crashes"). A report build is stopped
# after its time limits (soft: the failure is recorded; hard: the process is killed); a worker holds
# a build for REPORT_LEASE_SECONDS, after which a build still "building" belongs to a worker that
# died and the sweep (every minute) restarts it, at most REPORT_MAX_ATTEMPTS times.
REPORT_TASK_SOFT_TIME_LIMIT = env.int("REPORT_TASK_SOFT_TIME_LIMIT", default=8 * 60)
REPORT_TASK_TIME_LIMIT = REPORT_TASK_SOFT_TIME_LIMIT + 60
REPORT_LEASE_SECONDS = env.int("REPORT_LEASE_SECONDS", default=REPORT_TASK_TIME_LIMIT + 60)
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)
CELERY_BEAT_SCHEDULE["sweep-reports"] = {"task": "pepr.sweep_reports", "schedule": 60.0}
# A task taken by a worker that dies (kill -9, a lost machine) is acknowledged late, so Redis hands
# it to another worker once this timeout has passed (Redis's default: one hour). Just above the
# longest hard time limit, so that a task still running is never handed out twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": max(EMAIL_TASK_TIME_LIMIT, REPORT_TASK_TIME_LIMIT) + 60,
}

# Contacts shown on the privacy page (GDPR): the data controller and its data-protection officer.
PRIVACY_CONTROLLER = env("PRIVACY_CONTROLLER", default="Inserm, 101 rue de Tolbiac, 75013 Paris")
PRIVACY_DPO_EMAIL = env("PRIVACY_DPO_EMAIL", default="dpo@inserm.fr")
CONTACT_EMAIL = env("CONTACT_EMAIL", default="contact@pepr-bbti.fr")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS, as Django's deployment checklist asks (`manage.py check --deploy`): on by default outside
# debug, so that a forgotten variable leaves the portal safe; an operator whose proxy already
# redirects to HTTPS or sends HSTS may turn the portal's own off (README: Configuration). Debug
# (`make run`) serves plain http://127.0.0.1:8000, so none of this applies there.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # The container's healthcheck asks the probes over plain HTTP from inside: not redirected.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    # Both commit other hosts than the portal's for a year or more (README: Security): only the
    # operator of the whole domain can say yes, so they stay off unless set.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
                                              default=False)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# The checklist warns while includeSubDomains (W005) and preload (W021) are off; off is the
# deliberate default above, so these two warnings would only hide the others.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

# Content-Security-Policy (django-csp): scripts and styles come only from the portal's own static
# files, never inline, so that injected markup cannot run or restyle anything. Templates keep no
# <script> body, no style= and no on*= handler (tests/pepr/test_security_headers.py); the PDF
# templates are exempt, WeasyPrint reads them on the server. img-src allows data: for Bootstrap's
# form icons and the blank favicon.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step of every page at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
