"""What a signed-in fan gets is private, account pages are never stored, and the server
does not name its software."""

import http.client
import os
import socket
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from accounts import urls as account_urls
from guide.models import SeasonStatus
from tests.factories import CommentFactory, SeasonFactory, ShowFactory, TheoryFactory

ROOT = Path(__file__).resolve().parent.parent


def directives(response) -> set[str]:
    return {
        part.strip().split("=")[0].lower()
        for part in response.get("Cache-Control", "").split(",")
        if part.strip()
    }


@pytest.fixture
def world(fan):
    show = ShowFactory(slug="aouad")
    season = SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)
    theory = TheoryFactory(season=season, author=fan)
    CommentFactory(theory=theory, author=fan)
    return {"show": show, "season": season, "theory": theory}


def fan_pages(world, fan):
    return [
        reverse("guide:home"),
        reverse("guide:show_list"),
        world["show"].get_absolute_url(),
        world["season"].get_absolute_url(),
        reverse("guide:theory_list"),
        world["theory"].get_absolute_url(),
        reverse("guide:theory_create"),
        reverse("guide:leaderboard"),
        reverse("guide:search") + "?q=zombie",
        fan.get_absolute_url(),
        reverse("guide:theory_list") + "?page=999",  # a 404 is the fan's page too
    ]


@pytest.mark.django_db
def test_every_page_a_signed_in_fan_gets_is_private(fan_client, fan, world):
    for url in fan_pages(world, fan):
        response = fan_client.get(url)
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, url
        assert "private" in directives(response), (url, response.get("Cache-Control"))
        assert "public" not in directives(response), url


@pytest.mark.django_db
def test_a_fans_redirects_and_rate_limit_pages_are_private(fan_client, world, settings):
    # An hour's window: the two requests never fall on either side of a window's end.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (1, 3600)}
    url = reverse("guide:vote", args=[world["theory"].pk])
    assert "private" in directives(fan_client.post(url, {"value": "1"}))
    limited = fan_client.post(url, {"value": "1"})
    assert limited.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "private" in directives(limited)


def _account_urls() -> list[tuple[str, dict]]:
    """Every page of the accounts app but the public profile, with made-up arguments."""
    made_up = {"uidb64": "MQ", "token": "set-password", "username": "fan", "pk": 1}
    found = []
    for pattern in account_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name == "profile":
            continue
        kwargs = {name: made_up[name] for name in pattern.pattern.converters}
        found.append((pattern.name, kwargs))
    return found


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), _account_urls())
@pytest.mark.parametrize("signed_in", [True, False], ids=["fan", "visitor"])
def test_account_pages_are_never_stored(fan_client, name, kwargs, signed_in):
    client = fan_client if signed_in else Client()
    response = client.get(reverse(f"accounts:{name}", kwargs=kwargs))
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    if response.status_code == HTTPStatus.METHOD_NOT_ALLOWED:
        response = client.post(reverse(f"accounts:{name}", kwargs=kwargs))
    assert {"private", "no-store"} <= directives(response), (name, response.get("Cache-Control"))


@pytest.mark.django_db
def test_the_settings_page_holding_the_email_is_never_stored(fan_client, fan):
    response = fan_client.get(reverse("accounts:settings"))
    assert fan.email in response.content.decode()
    assert {"private", "no-store"} <= directives(response)


@pytest.mark.django_db
def test_visitor_pages_are_not_marked_private(client, world):
    """Visitors' pages stay shareable (the server caches them whole)."""
    response = client.get(reverse("guide:theory_list"))
    assert "private" not in directives(response)


# The Server header ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_header(port: int, server: subprocess.Popen, deadline: float) -> str | None:
    while time.monotonic() < deadline and server.poll() is None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            return response.getheader("Server")
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    return None


def test_gunicorn_with_the_projects_config_names_no_software(tmp_path):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CACHE_URL": "locmemcache://",
        "SECURE_SSL_REDIRECT": "false",
    }
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        header = _server_header(port, server, time.monotonic() + 30)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert header is not None, errors.decode()[-2000:]
    assert "gunicorn" not in header.lower()
    assert not any(char.isdigit() for char in header)  # no version either
