"""Production settings pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-a-real-looking-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "guide.example.org",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "SITE_URL": "https://guide.example.org",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def _manage(*args, **env):
    # Drop what the test settings put in the environment of this process.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "DATABASE_URL",
            "SECURE_SSL_REDIRECT",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_environment():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_console_mail_is_flagged_in_production():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", EMAIL_URL="consolemail://")
    assert result.returncode != 0
    assert "mail.E001" in result.stdout + result.stderr
