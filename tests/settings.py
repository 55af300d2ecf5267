"""Fast settings for the test suite, on top of the real ones."""

import os

# Always the production code paths, whatever the calling shell exported.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SITE_URL", "http://testserver")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Fans' exports in a folder of this run's own, never the project's.
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": __import__("tempfile").mkdtemp(prefix="nextseason-exports-")},
    },
}
# Uploads and the demo's pictures in a folder of this run's own, never the project's.
MEDIA_ROOT = __import__("tempfile").mkdtemp(prefix="nextseason-media-")
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tasks run when their transaction commits; tests/guide/test_worker.py runs the real
# database backend and its worker.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
AXES_ENABLED = True
# Most tests count queries and render pages afresh; tests/guide/test_pagecache.py turns
# the visitors' page cache on.
VISITOR_PAGE_CACHE = False
# Serve static files from the finders: the suite never runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# SQLite tests use a real file (one per xdist worker), so that several threads and
# connections exercise WAL, IMMEDIATE transactions and the busy timeout as in production.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile
    from pathlib import Path

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"nextseason-test-{os.getpid()}.sqlite3")
    }
