"""Test settings: the real settings with a test key, fast hashing and no HTTPS redirect."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 50)
os.environ.setdefault("PSEUDONYM_KEY", "test-only-pseudonym-key-" + "y" * 32)
# Production settings refuse non-delivering email backends; tests replace this one with locmem below.
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:25")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if os.environ.get("TEST_EMAIL_URL"):
    # A worker process started by a test that runs its own local SMTP server (tests/smtp_support.py).
    vars().update(env.email_url("TEST_EMAIL_URL"))  # noqa: F405
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Plain-HTTP tests (the browser ones too) cannot keep `__Host-` cookies, which must be Secure.
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A second alias on the same test database (Django's TEST MIRROR), so the replica router can be
# tested (portal/tests/test_replica.py turns REPLICA_READS on); off, every read uses "default".
DATABASES.setdefault("replica", {**DATABASES["default"], "TEST": {"MIRROR": "default"}})  # noqa: F405
