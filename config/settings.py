"""Settings for the portal, read only from environment variables.

A fresh clone runs with DEBUG=true and nothing else set: SQLite, Celery eager, console email.
Production (DEBUG unset or false) refuses to start with the development secret key or without a
pseudonym key of its own, and turns on HTTPS-only cookies, HSTS and the SSL redirect unless told otherwise.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# A checkout with nothing configured (no DEBUG, no SECRET_KEY) is a developer's: it runs in
# development mode. Anything that sets a SECRET_KEY (every deployment must) defaults to production.
# A deployment that forgot its key still cannot serve: DEBUG is then refused for any host but
# localhost (below).
DEBUG = env.bool("DEBUG", default="SECRET_KEY" not in env.ENVIRON)

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 - refused below outside DEBUG
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off. "
        "For local development set DEBUG=true (make run does this)."
    )

LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=LOCAL_HOSTS if DEBUG else [])
if DEBUG and not set(ALLOWED_HOSTS) <= {*LOCAL_HOSTS, "testserver"}:
    # DEBUG shows settings and stack traces to anyone who triggers an error: never on a host
    # that other people can reach.
    raise ImproperlyConfigured("DEBUG=true is for this computer only: ALLOWED_HOSTS may then list only localhost.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "portal.security_views.csrf_failure"

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_prometheus",
    "portal",
    "exposure",
    "wellbeing",
    "training",
]

# SecurityHeadersMiddleware comes first so that static files answered by WhiteNoise (which never
# calls the middleware below it) get the same headers as pages. Two-factor enforcement runs after
# authentication and the session timeouts; axes last, as its documentation requires. Prometheus's
# pair (django-prometheus: request counts and latencies by view name, for /metrics) brackets the rest.
MIDDLEWARE = [
    "portal.logjson.RequestIdMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.unavailable.UnavailableMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.audit.AuditContextMiddleware",
    "portal.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.middleware.IdleTimeoutMiddleware",
    "portal.twofactor.OTPSessionMiddleware",
    "portal.twofactor.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A read replica for reports (portal/replica.py, docs/operations.md): OH cohort reports, trainer and
# other aggregate reports and their exports read from it while it lags no more than
# REPLICA_MAX_LAG_SECONDS (checked at most every REPLICA_CHECK_SECONDS per process); otherwise, and
# for everything else, the primary. Unset: one database.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.replica.ReplicaRouter"]
REPLICA_READS = "replica" in DATABASES  # the test settings add a mirror alias but leave this off
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=5.0)
# Behind PgBouncer in transaction mode a server connection serves another client between
# transactions, so nothing may outlive a transaction: no session advisory locks (the sweep takes a
# lease row instead), no SET outside SET LOCAL, and no server-side cursors (QuerySet.iterator()
# would open a named cursor in one transaction and fetch from it in the next).
DATABASE_POOLER = env.str("DATABASE_POOLER", default="")
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured('DATABASE_POOLER must be "pgbouncer" or unset.')
if DATABASE_POOLER == "pgbouncer":
    for _alias in DATABASES:
        DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
# Axes first: it refuses a locked-out username+address before any password is checked. The portal
# backend is Django's ModelBackend that also loads the user's confirmed two-factor devices in the
# same query, so checking two-factor on every request costs no extra query.
# The slowdown (portal/signin_slowdown.py) comes next: it refuses a username that has failed from
# many addresses before its password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "portal.signin_slowdown.SlowdownBackend",
                           "portal.twofactor.PortalBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Static files as `collectstatic` writes them (STATIC_COLLECTED, on unless DEBUG): hashed names (with
# DEBUG too, portal/staticfiles.py) that WhiteNoise serves with a year's immutable Cache-Control,
# each with a brotli (.br, made because the Brotli package is installed) and a gzip copy. `make run`
# collects first and sets it too, so the development server sends a phone the same compressed,
# cached bytes as production. Off (a bare `runserver` with DEBUG), WhiteNoise reads static/ through
# the finders on every request, uncompressed.
STATIC_COLLECTED = env.bool("STATIC_COLLECTED", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "portal.staticfiles.CollectedStaticFilesStorage"
        if STATIC_COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS = not STATIC_COLLECTED

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console in development, SMTP from EMAIL_URL in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Password-reset links are bearer tokens: a backend that writes mail to stdout, a file or memory
# puts them in the logs (anyone who reads the logs could take over any account) or loses them.
# Production must hand mail to a real server.
NON_DELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
if not DEBUG and EMAIL_CONFIG["EMAIL_BACKEND"] in NON_DELIVERING_EMAIL_BACKENDS:
    raise ImproperlyConfigured(
        "With DEBUG off, EMAIL_URL must name a real mail server (e.g. smtp+tls://user:pass@mail.example.org:587): "
        "console, file, memory and dummy email would put password-reset links in the logs or lose them."
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="wellbeing-portal@localhost")
# Seconds before the SMTP connection gives up on each step. Mail is sent only by the worker
# (portal.tasks.notification_email_send), so this bounds a worker's wait, never a request's.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Where an urgent notice goes when it cannot be delivered to an OH member and their organisation
# has no second OH contact (Organisation.oh_escalation_email). Blank: the failure record says so.
OH_ESCALATION_EMAIL = env.str("OH_ESCALATION_EMAIL", default="")
# The notification outbox (portal/notify.py): attempts per address, with exponential backoff
# (base doubling per attempt, capped, with jitter) between them. A claim older than
# NOTIFY_EMAIL_CLAIM_TIMEOUT belongs to a worker that died mid-send; the resend sweep takes it over.
NOTIFY_EMAIL_MAX_ATTEMPTS = env.int("NOTIFY_EMAIL_MAX_ATTEMPTS", default=6)
NOTIFY_EMAIL_RETRY_BASE = env.float("NOTIFY_EMAIL_RETRY_BASE", default=30.0)
NOTIFY_EMAIL_RETRY_MAX_DELAY = env.float("NOTIFY_EMAIL_RETRY_MAX_DELAY", default=300.0)
NOTIFY_EMAIL_CLAIM_TIMEOUT = env.int("NOTIFY_EMAIL_CLAIM_TIMEOUT", default=300)

# Celery: Redis when REDIS_URL is set, otherwise tasks run eagerly inside the request.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None  # read only by portal.ping in tests; tasks ignore results
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A publish must never hang a request when Redis is down: fail fast and let the sweep catch up.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # How long a message taken by a worker that then dies (its host lost) waits before Redis hands it
    # to another worker: the nightly sweep resumes after at most this (docs/operations.md).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    "max_retries": 1,
}
CELERY_TASK_PUBLISH_RETRY = False
# A task waiting for its retry (an ETA message) is redelivered to a second worker by Redis once the
# visibility timeout passes, so every retry delay must stay below it (tests/test_task_config.py).
if NOTIFY_EMAIL_RETRY_MAX_DELAY >= CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]:
    raise ImproperlyConfigured("NOTIFY_EMAIL_RETRY_MAX_DELAY must be below the broker's visibility timeout.")
from config.schedule import BEAT_SCHEDULE as CELERY_BEAT_SCHEDULE  # noqa: E402,F401

# Security. Production defaults are strict; development keeps plain HTTP working.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60  # cookie lifetime: 12 hours (ASVS L2)
# The idle clock is written into the session (at most once a minute), which would slide
# SESSION_COOKIE_AGE forward, so the absolute limit is enforced from the sign-in time by
# IdleTimeoutMiddleware too.
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=12 * 60 * 60)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)  # idle: 30 minutes
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# `__Host-` cookies are refused by browsers unless Secure, Path=/ and without a Domain, so another
# host under the same domain (or a plain-HTTP page) can neither set nor overwrite them.
# Development on plain HTTP keeps Django's names (browsers drop insecure `__Host-` cookies).
SESSION_COOKIE_NAME = "__Host-sessionid" if not DEBUG else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if not DEBUG else "csrftoken"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG and not (SECURE_SSL_REDIRECT or env.bool("BEHIND_TLS_PROXY", default=False)):
    # Production must only ever be reached over HTTPS: either Django redirects, or a TLS proxy in
    # front does (and says so with X-Forwarded-Proto).
    raise ImproperlyConfigured("With DEBUG off, set SECURE_SSL_REDIRECT=true or BEHIND_TLS_PROXY=true.")
if not DEBUG and not (SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE and SECURE_HSTS_SECONDS >= 31536000):
    raise ImproperlyConfigured(
        "With DEBUG off, session and CSRF cookies must be Secure and SECURE_HSTS_SECONDS at least 31536000."
    )

# Two-factor sign-in (django-otp): TOTP apps plus single-use recovery codes. Required for the roles
# that see other people's records or configure the portal; optional for officers.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Police wellbeing portal")
OTP_TOTP_THROTTLE_FACTOR = 1  # each wrong code doubles the wait before the next try (1 s, 2 s, 4 s...)
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # admins may reset a person's authenticator, never read its key
TWO_FACTOR_RECOVERY_CODES = 10

# Lockout (django-axes): per username AND address together, never per address alone, because a
# whole station can share one address: one person mistyping must not lock out their colleagues.
# 10 failures then 30 minutes' wait caps guessing at 20 tries an hour per account and address,
# well inside ASVS 2.2.1 (at most 100 failures an hour on one account).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security_views.locked_out"
# Never copy form secrets into the attempts table (axes always masks "password").
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken", "password", "otp_token"]
AXES_ALLOWED_CORS_ORIGINS = ""

# Single sign-on with the force's identity provider (OpenID Connect: portal/oidc/, every variable in
# docs/onboarding.md). Off unless OIDC_ISSUER is set; the endpoints are discovered from the issuer
# when first needed. Only people already in the portal can sign in this way (never a new account).
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
OIDC_STAFF_NUMBER_CLAIM = env.str("OIDC_STAFF_NUMBER_CLAIM", default="")  # unset: match by email
OIDC_EMAIL_CLAIM = env.str("OIDC_EMAIL_CLAIM", default="email")
OIDC_ORGANISATION = env.str("OIDC_ORGANISATION", default="")  # slug: match people of this organisation only
# Which ID-token claim proves the provider did multi-factor authentication ("amr" or "acr") and
# the values that count; unset, the portal always asks for its own code where a role needs one.
OIDC_MFA_CLAIM = env.str("OIDC_MFA_CLAIM", default="")
OIDC_MFA_VALUES = env.list("OIDC_MFA_VALUES", default=[])
OIDC_BUTTON_LABEL = env.str("OIDC_BUTTON_LABEL", default="")
OIDC_SUPPORT_CONTACT = env.str("OIDC_SUPPORT_CONTACT", default="")
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)  # seconds for each call to the provider
OIDC_VERIFY_SSL = True
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
if OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too.")
if OIDC_ISSUER and not DEBUG and not OIDC_ISSUER.startswith("https://"):
    raise ImproperlyConfigured("OIDC_ISSUER must be an https:// address when DEBUG is off.")
if OIDC_MFA_CLAIM not in ("", "amr", "acr"):
    raise ImproperlyConfigured('OIDC_MFA_CLAIM must be "amr", "acr" or unset.')

# LOG_FORMAT=json: one JSON object a line with the request's id (portal/logjson.py, docs/operations.md).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured('LOG_FORMAT must be "plain" or "json".')
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.logjson.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
                   "json": {"()": "portal.logjson.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Demo data: the password every demo user gets, and the base32 TOTP secret of the demo users who
# must use two-factor sign-in (`manage.py demo_totp <username>` prints the current code).
# seed_demo and demo_totp refuse to run outside DEBUG.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="demo-portal-2026")
DEMO_TOTP_SECRET = env.str("DEMO_TOTP_SECRET", default="DEMOPORTALTOTPKEYNORTHMOOR234567")

# Keyed hash for pseudonymised exports (OH): a longitudinal cohort keeps each person's pseudonym
# for as long as this key is unchanged, so it is a secret of its own, never derived from SECRET_KEY
# (rotating SECRET_KEY, e.g. after a leak, must not silently break every cohort's linkage).
# Development uses a fixed key; production refuses to start without a real one.
DEV_PSEUDONYM_KEY = "dev-only-pseudonym-key-do-not-use-in-production"  # noqa: S105 - refused below outside DEBUG
PSEUDONYM_KEY = env.str("PSEUDONYM_KEY", default=DEV_PSEUDONYM_KEY if DEBUG else "")
PSEUDONYM_KEY_MIN_LENGTH = 32
if not DEBUG and (not PSEUDONYM_KEY.strip() or PSEUDONYM_KEY == DEV_PSEUDONYM_KEY):
    raise ImproperlyConfigured(
        "With DEBUG off, PSEUDONYM_KEY must be set to a random value of its own (at least "
        f"{PSEUDONYM_KEY_MIN_LENGTH} characters), kept unchanged for as long as longitudinal exports must link."
    )
if not DEBUG and PSEUDONYM_KEY == SECRET_KEY:
    raise ImproperlyConfigured(
        "PSEUDONYM_KEY must differ from SECRET_KEY: rotating SECRET_KEY would otherwise break the linkage "
        "of every longitudinal export."
    )
if not DEBUG and len(PSEUDONYM_KEY) < PSEUDONYM_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(f"PSEUDONYM_KEY must be at least {PSEUDONYM_KEY_MIN_LENGTH} random characters.")

# The public address of the site, for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Load balancers and container health checks call /healthz over plain HTTP inside the network, and
# the monitoring system /readyz and /metrics.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
# Only these client networks (REMOTE_ADDR, CIDR) are told the database and broker state; anyone
# else gets the bare {"status": ...} with 200 or 503, which says nothing about the internals.
HEALTHZ_ALLOWED_NETWORKS = env.list("HEALTHZ_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
try:
    [ipaddress.ip_network(net, strict=False) for net in HEALTHZ_ALLOWED_NETWORKS]
except ValueError as exc:
    raise ImproperlyConfigured(f"HEALTHZ_ALLOWED_NETWORKS: {exc}") from exc

# /readyz (portal/ops_views.py): the most seconds since the worker ran, and the beat sent, the
# minute heartbeat task, and since the nightly risk sweep finished, before it answers 503.
READYZ_WORKER_MAX_AGE = env.int("READYZ_WORKER_MAX_AGE", default=3 * 60)
READYZ_BEAT_MAX_AGE = env.int("READYZ_BEAT_MAX_AGE", default=3 * 60)
READYZ_SWEEP_MAX_AGE = env.int("READYZ_SWEEP_MAX_AGE", default=26 * 60 * 60)
# /metrics (portal/metrics.py): the Celery queues whose depth is reported (Redis list names).
METRICS_CELERY_QUEUES = env.list("METRICS_CELERY_QUEUES", default=["celery"])

# The cache holds the password-reset and sign-in rate counters (portal/ratelimit.py). With Redis
# every web worker shares them; without it (development, tests) each process counts alone.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Password-reset requests answered per client address and per account in an hour; more are
# answered with the same generic page but send nothing.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=5)
PASSWORD_RESET_LIMIT_PER_ACCOUNT = env.int("PASSWORD_RESET_LIMIT_PER_ACCOUNT", default=3)
# Sign-in slowdown per username from any address (an attacker rotating addresses): after
# SIGNIN_SLOWDOWN_AFTER failures from at least SIGNIN_SLOWDOWN_ADDRESSES addresses within
# SIGNIN_SLOWDOWN_WINDOW seconds, each further attempt must wait SIGNIN_SLOWDOWN_BASE seconds,
# doubling per failure, capped at SIGNIN_SLOWDOWN_MAX (portal/signin_slowdown.py).
SIGNIN_SLOWDOWN_AFTER = env.int("SIGNIN_SLOWDOWN_AFTER", default=5)
SIGNIN_SLOWDOWN_ADDRESSES = env.int("SIGNIN_SLOWDOWN_ADDRESSES", default=3)
SIGNIN_SLOWDOWN_WINDOW = env.int("SIGNIN_SLOWDOWN_WINDOW", default=60 * 60)
SIGNIN_SLOWDOWN_BASE = env.int("SIGNIN_SLOWDOWN_BASE", default=15)
SIGNIN_SLOWDOWN_MAX = env.int("SIGNIN_SLOWDOWN_MAX", default=5 * 60)

# Officers per transaction in the nightly risk sweep (also bounds the advisory locks one holds).
RISK_SWEEP_CHUNK = env.int("RISK_SWEEP_CHUNK", default=2000)
# The sweep's lease (portal/leases.py) lapses this long after its last renewal (one per chunk), so
# a sweep whose worker died is taken over by the next night's, or by a rerun after this long.
RISK_SWEEP_LEASE_SECONDS = env.int("RISK_SWEEP_LEASE_SECONDS", default=15 * 60)
# A sweep that finds the lease held tries again when it lapses (wellbeing.tasks.sweep_all_risk): that
# wait, an ETA message, must stay below the broker's visibility timeout or Redis hands it out twice.
if RISK_SWEEP_LEASE_SECONDS + 1 >= CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]:
    raise ImproperlyConfigured("RISK_SWEEP_LEASE_SECONDS must be below CELERY_VISIBILITY_TIMEOUT.")

# SCIM 2.0 provisioning from the force's identity provider (portal/scim, docs/onboarding.md), on
# django-scim2: its views, error bodies and filter parser; our bearer token per organisation, our
# mapping onto the HR import (portal/hr). SCIM_USER_NAME_IS says what the SCIM userName carries:
# "staff_number" (the staff number; the email from emails[type eq "work"]) or "email" (the work
# email, Entra's default userPrincipalName; the staff number then comes from externalId).
SCIM_USER_NAME_IS = env.str("SCIM_USER_NAME_IS", default="staff_number")
if SCIM_USER_NAME_IS not in ("staff_number", "email"):
    raise ImproperlyConfigured("SCIM_USER_NAME_IS must be staff_number or email")
SCIM_SERVICE_PROVIDER = {
    "USER_ADAPTER": "portal.scim.adapters.ScimUser",
    "GROUP_MODEL": "portal.models.ScimGroup",
    "GROUP_ADAPTER": "portal.scim.adapters.ScimGroupResource",
    "USER_FILTER_PARSER": "portal.scim.filters.UserFilter",
    "GROUP_FILTER_PARSER": "portal.scim.filters.GroupFilter",
    "SERVICE_PROVIDER_CONFIG_MODEL": "portal.scim.auth.ServiceProviderConfig",
    "BASE_LOCATION_GETTER": "portal.scim.auth.base_location",
    "GET_EXTRA_MODEL_FILTER_KWARGS_GETTER": "portal.scim.auth.organisation_filter",
    "GET_EXTRA_MODEL_EXCLUDE_KWARGS_GETTER": "portal.scim.auth.hand_made_people_excluded",
    "AUTH_CHECK_MIDDLEWARE": "portal.scim.auth.ScimTokenAuth",
    "WWW_AUTHENTICATE_HEADER": 'Bearer realm="scim"',
    "AUTHENTICATION_SCHEMES": [{"type": "oauthbearertoken", "name": "OAuth Bearer Token", "primary": True,
                                "description": "A token per organisation: manage.py scim_token ORG_SLUG"}],
}
