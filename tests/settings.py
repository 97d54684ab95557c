"""Settings of the test suite: production settings on PostgreSQL and Redis, with test shortcuts."""
import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pepr")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("CACHE_KEY_PREFIX", f"pepr-test-{os.getpid()}")
# Tasks run in the test's process unless a test starts a real worker (tests/worker.py).
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

from pepr.settings import *  # noqa: E402,F403

if not DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    raise RuntimeError("The suite runs on PostgreSQL: set DATABASE_URL=postgres://...")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client and the live server speak plain HTTP (tests/pepr/test_security_headers.py checks
# the production redirect with its own settings).
SECURE_SSL_REDIRECT = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One media folder per test run, shared with the worker processes the run starts (they inherit
# the environment), so that a worker reads the documents the test uploaded.
if not os.environ.get("PEPR_TEST_MEDIA_ROOT"):
    os.environ["PEPR_TEST_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="pepr-media-")
MEDIA_ROOT = os.environ["PEPR_TEST_MEDIA_ROOT"]
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
STATIC_ROOT = tempfile.mkdtemp(prefix="pepr-static-")
# A queue of its own per test run, so that two runs on one Redis never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = f"pepr-tests-{os.getpid()}"
