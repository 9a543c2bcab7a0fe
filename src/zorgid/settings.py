"""Django settings, all read from the environment through zorgid.config (README.md lists them)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from zorgid import config

BASE_DIR = Path(__file__).resolve().parent
ZORGID_HOME = config.home()
ZORGID_ENVIRONMENT = config.environment()
ZORGID_BASE_URL = config.base_url()
ZORGID_BASE_URL_FROM_ENV = "ZORGID_BASE_URL" in os.environ
ZORGID_AUDIT_ANCHOR = config.audit_anchor()  # audit/anchor.py
ZORGID_AUDIT_KEY = config.audit_key()  # audit/keys.py: the audit chain's keys, not SECRET_KEY
ZORGID_KEYSHARE_KEYS = config.keyshare_keys()  # identities/keyring.py: the key-share keys, not SECRET_KEY
SECRET_KEY = config.secret_key()
DEBUG = ZORGID_ENVIRONMENT != "productie" and os.environ.get("ZORGID_DEBUG") == "1"

ALLOWED_HOSTS = ["*"] if ZORGID_ENVIRONMENT == "acceptatie" else [
    host.strip() for host in os.environ.get("ZORGID_ALLOWED_HOSTS", "").split(",") if host.strip()
] or [ZORGID_BASE_URL.split("://", 1)[1].split(":")[0]]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",  # the success and error banners after a portal action (base.html)
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "zorgid.audit",
    "zorgid.ratelimit",
    "zorgid.pki",  # the status of the certificates zorgid issues, the CRLs
    "zorgid.outbox",
    "zorgid.identities",
    "zorgid.organisations",
    "zorgid.care_apps",
    "zorgid.applications",
    "zorgid.flows",
    "zorgid.registration",  # the use cases register their card purposes with the flows (flows.purposes)
    "zorgid.validation",
    "zorgid.attributes",
    "zorgid.smartcards",
    "zorgid.oidc",
    "zorgid.widscan",  # the WID scan app's link to a Mobile ID and its recorded checks (R-FLOW-WIDSCAN)
    "zorgid.portal",
    "zorgid.api",
]

MIDDLEWARE = [
    "zorgid.portal.request_ids.RequestIdMiddleware",  # first: every log line and audit event has the request's id
    "zorgid.portal.access_log.AccessLogMiddleware",  # the route, never the path's values (docs/security.md)
    "django.middleware.security.SecurityMiddleware",
    "zorgid.portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # pages only: the app's JSON API (/api/) has no session, browser language or CSRF token (portal/middleware.py)
    "zorgid.portal.middleware.PagesOnlySessionMiddleware",
    "zorgid.portal.middleware.PagesOnlyBrowserCookieMiddleware",
    "zorgid.portal.middleware.PagesOnlyMessageMiddleware",
    "zorgid.portal.middleware.PagesOnlyLocaleMiddleware",
    "zorgid.portal.middleware.RequestLimitMiddleware",
    "zorgid.portal.upload_limits.UploadLimitMiddleware",  # before anything reads a file's body (its own limit)
    "zorgid.portal.middleware.ControlCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "zorgid.portal.middleware.PagesOnlyCsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "zorgid.portal.middleware.ZorgidErrorMiddleware",
]

ROOT_URLCONF = "zorgid.urls"
# a message lives in the session until the next page shows it (the session is already read for every page)
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
WSGI_APPLICATION = "zorgid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "zorgid.portal.context.portal",
            ],
        },
    },
]

# PostgreSQL: each process keeps a pool of connections (psycopg_pool, at most ZORGID_DB_POOL_SIZE); a request
# takes one at its first query and gives it back when it ends, and a waiting status request gives it back
# before it waits (flows.waiting), so no request opens a connection of its own (docs/architecture.md). Health
# checks: the pool tests a connection before handing it out, so after a database restart every thread gets a new
# one at once instead of failing once with a 500.
DATABASES = {"default": dj_database_url.parse(config.database_url(), conn_max_age=0, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2, "max_size": int(os.environ.get("ZORGID_DB_POOL_SIZE", "10")), "timeout": 20,
    }
    # parameters bound by the server, and a statement run twice on a connection prepared: less parsing and planning
    # per request; ZORGID_DB_PREPARE=0 for a connection pooler in transaction mode (it cannot keep them)
    if os.environ.get("ZORGID_DB_PREPARE", "1") == "1":
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": str(ZORGID_HOME / "test-zorgid.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_ENGINE = "zorgid.portal.sessions"
SESSION_COOKIE_NAME = "zorgid_session"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE = ZORGID_BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
CSRF_TRUSTED_ORIGINS = [ZORGID_BASE_URL]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "zorgid.portal.views.csrf_failure"
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = ZORGID_HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["zorgid.api.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "zorgid.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "zorgid API",
    "DESCRIPTION": "The JSON API the ZORG-ID app client uses. Errors always have the shape of ErrorResponse.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # plain lines on stderr for a command; JSON (or text) lines on stdout for `zorgid serve` and the other
    # long-running commands (zorgid.log_handlers, ZORGID_LOG_FORMAT)
    "formatters": {"console": {"()": "zorgid.log_handlers.ConsoleFormatter"}},
    "handlers": {"console": {"class": "zorgid.log_handlers.ConsoleHandler", "formatter": "console"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Django's warnings name the request's path; it can hold a secret (zorgid.portal.access_log)
    "filters": {"hide_path_values": {"()": "zorgid.portal.access_log.HidePathValues"}},
    "loggers": {"zorgid": {"level": "INFO"}, "django.request": {"filters": ["hide_path_values"]},
                "django.security.csrf": {"filters": ["hide_path_values"]}},
}

# zorgid's own settings
ZORGID_LOGIN_FLOW_SECONDS = 5 * 60  # R-CONST-LOGIN
ZORGID_ACTIVATION_DAYS = 10  # R-CONST-REG
ZORGID_MOBILE_ID_VALIDITY_DAYS = 3 * 365
# the CRLs (docs/security.md, "Revocation: CRL and OCSP"): nextUpdate after this many hours; made anew on request
# (and by `zorgid pki crl`) once older than the refresh interval, and at every status change
ZORGID_CRL_VALIDITY_HOURS = int(os.environ.get("ZORGID_CRL_VALIDITY_HOURS", "6"))
ZORGID_CRL_REFRESH_HOURS = int(os.environ.get("ZORGID_CRL_REFRESH_HOURS", "4"))
ZORGID_LOGIN_WAIT_SECONDS = 20  # how long one status request of the waiting portal page may wait
# Request limits (docs/security.md): (requests, per seconds) per client address (REMOTE_ADDR), or per Mobile ID
# for a logged-in portal session. ZORGID_RATE_LIMIT_FACTOR scales them all (raise it for load tests only).
ZORGID_RATE_LIMIT_FACTOR = float(os.environ.get("ZORGID_RATE_LIMIT_FACTOR", "1"))
ZORGID_RATE_LIMITS = {
    "client-read": (240, 60),  # GET/HEAD of an anonymous client address, any page or API address
    "client-write": (60, 60),  # every other method of an anonymous client address
    "logged-in": (600, 60),  # any request of a logged-in portal session, per Mobile ID (not per address)
    "application-server": (1200, 60),  # a healthcare application's token and userinfo requests, per address
    "revocation-check": (3000, 60),  # CRL downloads and OCSP requests, per address
    "login-start": (60, 60),  # the start page makes a login flow
    "activation": (10, 60),
    "key-share-unlock": (20, 60),
    "key-share-pin": (10, 60),
    "login-approval": (30, 60),
    "card-response": (30, 60),
    "widscan-link": (120, 60),  # claims, state polls and declines of one WID scan link (both apps poll)
    "widscan-client": (240, 60),  # the same of one client address, any link
    "application-form": (5, 3600),
    "application-upload": (10, 3600),
    "application-document": (10, 3600),
    "application-address": (3, 86400),  # applications naming one e-mail address (they mail it), any client
    "application-reference": (10, 86400),  # documents sent for one application (upload, API, e-mail)
    "application-mail-in": (10, 86400),  # replies by e-mail answered for one application
}
# Waiting status requests (long polls) per worker process: at most ZORGID_WAIT_SLOTS at a time (keep it well
# below the threads of a worker), at most ZORGID_WAITS_PER_CLIENT of one client address; beyond that a status
# request answers at once and tells the page to ask again after ZORGID_WAIT_RETRY_SECONDS.
ZORGID_WAIT_SLOTS = int(os.environ.get("ZORGID_WAIT_SLOTS", "16"))
ZORGID_WAITS_PER_CLIENT = int(os.environ.get("ZORGID_WAITS_PER_CLIENT", "4"))
ZORGID_WAIT_RETRY_SECONDS = 3
ZORGID_PORTAL_NAME = "ZORG-ID Portaal"
ZORGID_CARD_FLOW_SECONDS = 5 * 60  # the Desktop App must answer within this time
ZORGID_CARD_CONFIRM_SECONDS = 30 * 60  # and the card's data be confirmed within this time after
ZORGID_UZI_TRUST_DIR = os.environ.get("ZORGID_UZI_TRUST_DIR") or None  # default: pki/truststores/<environment>/uzi
ZORGID_UZI_CRL_DIR = os.environ.get("ZORGID_UZI_CRL_DIR") or None
ZORGID_APPLICATION_EXPIRY_DAYS = int(os.environ.get("ZORGID_APPLICATION_EXPIRY_DAYS", "60"))
ZORGID_AUTO_ACTIVATION = os.environ.get("ZORGID_AUTO_ACTIVATION", "0") == "1"  # activation QR without the operator

# E-mail (R-FLOW-APPLY): over SMTP when ZORGID_SMTP_HOST is set, else kept in ZORGID_HOME/mail: each mail an .eml
# with its attachments in a folder beside it (outbox/dev_mail.py; /dev/mail and `zorgid dev mail` in acceptatie)
ZORGID_SMTP_HOST = os.environ.get("ZORGID_SMTP_HOST", "")
ZORGID_DEV_MAIL_DIR = ZORGID_HOME / "mail"
if ZORGID_SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = ZORGID_SMTP_HOST
    EMAIL_PORT = int(os.environ.get("ZORGID_SMTP_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("ZORGID_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("ZORGID_SMTP_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("ZORGID_SMTP_STARTTLS", "0") == "1"
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "zorgid.outbox.dev_mail.DevMailBackend"
    EMAIL_FILE_PATH = str(ZORGID_DEV_MAIL_DIR)
DEFAULT_FROM_EMAIL = os.environ.get("ZORGID_MAIL_FROM", "ZORG-ID <zorg-id@localhost>")
ZORGID_MAIL_IN_ADDRESS = os.environ.get("ZORGID_MAIL_IN_ADDRESS", "aanvragen@localhost")  # replies come here

# Mutual TLS and logout of healthcare applications (docs/security.md, docs/koppelen.md)
# tls_client_auth: a reverse proxy terminates TLS and passes the client certificate in this header (nginx:
# "$ssl_client_escaped_cert"); read only from these addresses (comma-separated IPs or networks; empty: never).
ZORGID_CLIENT_CERT_HEADER = os.environ.get("ZORGID_CLIENT_CERT_HEADER", "X-SSL-Client-Cert")
ZORGID_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("ZORGID_TRUSTED_PROXIES", "").split(",") if p.strip()]
# /metrics in productie (portal/metrics_access.py): a bearer token, or client networks (CIDRs); neither: 404
ZORGID_METRICS_TOKEN = os.environ.get("ZORGID_METRICS_TOKEN", "")
ZORGID_METRICS_NETWORKS = [n.strip() for n in os.environ.get("ZORGID_METRICS_NETWORKS", "").split(",") if n.strip()]
# Suppliers' public OV client certificates: their CAs (PEM files, roots and intermediates) and CRLs (*.crl)
ZORGID_TLS_CLIENT_TRUST_DIR = os.environ.get("ZORGID_TLS_CLIENT_TRUST_DIR") or None
ZORGID_TLS_CLIENT_CRL_DIR = os.environ.get("ZORGID_TLS_CLIENT_CRL_DIR") or None
# Back-channel logout: each POST waits at most this long; sent at once after the commit (in a thread) and by
# "zorgid oidc logouts send" (cron) for what is still due
ZORGID_BACKCHANNEL_TIMEOUT_SECONDS = 5
ZORGID_BACKCHANNEL_SEND_AT_ONCE = os.environ.get("ZORGID_BACKCHANNEL_SEND_AT_ONCE", "1") == "1"

# OpenID Connect provider (docs/koppelen.md): the issuer (https in productie, required there: production.py; in
# acceptatie, when empty, the origin of each request), and the lifetimes of a code, an access token, an ID token
ZORGID_OIDC_ISSUER = os.environ.get("ZORGID_OIDC_ISSUER", "").strip().rstrip("/")
ZORGID_OIDC_CODE_SECONDS = 60
ZORGID_OIDC_ACCESS_TOKEN_SECONDS = 300
ZORGID_OIDC_ID_TOKEN_SECONDS = 300
