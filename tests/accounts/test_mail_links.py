"""Links in mail start with SITE_URL, whatever Host or scheme the request came with."""

import os
import re
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core.checks import site_url_is_an_origin, site_url_is_served_here
from core.links import site_url_problem

ROOT = Path(__file__).resolve().parent.parent.parent
SITE = "https://guide.example.org"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["guide.example.org", "localhost", "testserver"]
    return SITE


def reset_link(message) -> str:
    match = re.search(r"\S+/accounts/password/reset/\S+/\S+/", message.body)
    assert match, message.body
    return match.group(0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "host",
    ["localhost:6666", "guide.example.org:8080", "localhost"],
)
def test_password_reset_link_ignores_the_request_host_and_port(site, fan, host):
    response = Client().post(
        reverse("accounts:password_reset"), {"email": fan.email}, HTTP_HOST=host
    )
    assert response.status_code == HTTPStatus.FOUND
    (message,) = mail.outbox
    link = reset_link(message)
    assert link.startswith(f"{SITE}/accounts/password/reset/"), link
    assert host not in link.removeprefix(SITE)


@pytest.mark.django_db
def test_password_reset_link_over_plain_http_is_still_the_https_site(site, fan):
    Client().post(reverse("accounts:password_reset"), {"email": fan.email}, secure=False)
    assert reset_link(mail.outbox[0]).startswith(SITE + "/")


@pytest.mark.django_db
def test_the_link_in_the_mail_works(site, fan):
    Client().post(reverse("accounts:password_reset"), {"email": fan.email})
    path = reset_link(mail.outbox[0]).removeprefix(SITE)
    response = Client().get(path, HTTP_HOST="guide.example.org", follow=True)
    assert response.status_code == HTTPStatus.OK
    assert response.context["validlink"] is True


# The setting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "usable"),
    [
        ("https://guide.example.org", True),
        ("http://127.0.0.1:8000", True),
        ("https://[2001:db8::1]:8443", True),
        ("guide.example.org", False),
        ("ftp://guide.example.org", False),
        ("https://guide.example.org/guide", False),
        ("https://guide.example.org?x=1", False),
        ("https://user@guide.example.org", False),
        ("https://guide.example.org:port", False),
        ("https://", False),
    ],
)
def test_site_url_must_be_an_origin(value, usable):
    assert (site_url_problem(value) is None) is usable


def test_system_checks_name_a_bad_or_insecure_site_url(settings):
    settings.ALLOWED_HOSTS = ["guide.example.org"]
    settings.SITE_URL = "guide.example.org"
    assert [problem.id for problem in site_url_is_an_origin(None)] == ["core.E001"]
    settings.SITE_URL = "http://elsewhere.example"
    assert [problem.id for problem in site_url_is_served_here(None)] == [
        "core.W002",
        "core.W003",
    ]
    settings.SITE_URL = SITE
    assert site_url_is_an_origin(None) == []
    assert site_url_is_served_here(None) == []


def _production(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECURE_SSL_REDIRECT", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-a-real-looking-production-secret-key-0123456789",
        ALLOWED_HOSTS="guide.example.org",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.org:587",
        CACHE_URL="redis://127.0.0.1:6379/1",
        SITE_URL=SITE,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_site_url():
    result = _production(SITE_URL="")
    assert result.returncode != 0
    assert "SITE_URL" in result.stderr


def test_production_check_refuses_a_plain_http_site_url():
    result = _production(SITE_URL="http://guide.example.org")
    assert result.returncode != 0
    assert "core.W002" in result.stdout + result.stderr
