"""
Settings for the test suite: production settings (debug off) from newsroom/settings.py, with the few values a test
run must pin. The suite never reads a developer's .env, so it behaves the same on every machine.
"""

import os
import secrets

os.environ["DJANGO_ENV_FILE"] = ""
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The test client and the live server speak plain HTTP; HTTPS redirects and HSTS are covered by the
# `check --deploy` test of the real production settings and by tests that switch them on.
os.environ.setdefault("DJANGO_HTTPS", "0")
# A developer's Redis is theirs: the suite never connects to it (tests that need a Redis start their own,
# tests/redis_server.py). Removed from the environment, so processes the tests start do not see it either.
os.environ.pop("REDIS_URL", None)
# A process a test starts may be given a Redis the test started for it (with NEWSROOM_TEST_KEEP_CACHES).
if os.environ.get("NEWSROOM_TEST_REDIS_URL"):
    os.environ["REDIS_URL"] = os.environ["NEWSROOM_TEST_REDIS_URL"]

from newsroom.settings import *  # noqa: F403

# Templates are rendered without `collectstatic`; the hashed-manifest storage is exercised by its own tests.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

if os.environ.get("DJANGO_TEST_DATABASE_TEMPLATE") and "postgresql" in DATABASES["default"]["ENGINE"]:  # noqa: F405
    # Django creates the test database from template1; CI names an empty database it created with a UTF-8 locale,
    # so the suite runs on exactly that locale. (Never name a database with data in it: it would be copied.)
    DATABASES["default"]["TEST"] = {"TEMPLATE": os.environ["DJANGO_TEST_DATABASE_TEMPLATE"]}  # noqa: F405

# Local memory whatever the environment says: the autouse fixture that empties the cache before each test
# (tests/conftest.py) must only ever empty this one. Processes a test starts (a server, a command) on a database
# of their own may keep the production default instead, the cache in the database (NEWSROOM_TEST_KEEP_CACHES).
if not os.environ.get("NEWSROOM_TEST_KEEP_CACHES"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "newsroom-tests"}}

# Reads counted by a test stay in memory until the test flushes them (core.reads.reads_flush): no thread writes
# into a test's transaction, or into the next test's.
NEWSROOM_READS_FLUSH_SECONDS = 0

# Hashing a password with the production hasher takes a third of a second by design; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
