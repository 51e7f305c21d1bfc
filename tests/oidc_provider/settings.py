"""Settings of the test identity provider: its own SQLite file, cookies and keys, from the
environment the fixture gives it (IDP_DIR, IDP_URL)."""

import os
from pathlib import Path

IDP_DIR = Path(os.environ["IDP_DIR"])
SITE_URL = os.environ["IDP_URL"]  # django-oidc-provider builds its issuer from it
DEBUG = False
SECRET_KEY = "test-identity-provider-only-" + "z" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "tests.oidc_provider.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [Path(__file__).resolve().parent / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                       "django.contrib.auth.context_processors.auth"]},
}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": IDP_DIR / "idp.sqlite3"}}
# Tables straight from the models (migrate --run-syncdb): a fresh file in a second, not 40 migrations.
MIGRATION_MODULES = {app: None for app in ("auth", "contenttypes", "sessions", "messages", "oidc_provider")}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/login/"
# The portal under test runs on the same address (another port): browsers share cookies across
# ports, so the provider's must have names of their own.
SESSION_COOKIE_NAME = "idp_session"
CSRF_COOKIE_NAME = "idp_csrftoken"
OIDC_IDTOKEN_PROCESSING_HOOK = "tests.oidc_provider.claims.id_token_hook"
OIDC_USERINFO = "tests.oidc_provider.claims.userinfo"
OIDC_IDTOKEN_INCLUDE_CLAIMS = True
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}
