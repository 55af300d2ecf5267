"""Login lockouts behind a TLS proxy count the client's address, never the proxy's.

The README's production set-up puts one proxy in front of the site: every request then
comes from the proxy's address, and the client's address is the entry the proxy
appended to X-Forwarded-For. Whatever a client writes into that header itself stays to
the left of it.
"""

import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import axes.utils
import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from core.network import client_address
from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parent.parent.parent
PROXY = "10.0.0.2"
ATTACKER = "198.51.100.66"
BOB_HOME = "192.0.2.10"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_proxy(settings):
    axes.utils.reset()
    settings.PROXY_COUNT = 1


def through_proxy(forwarded_for: str) -> Client:
    """A browser whose requests reach the site through the proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def log_in(client: Client, password: str):
    return client.post(reverse("accounts:login"), {"username": "bob", "password": password})


def lock_bob_out_from(client: Client) -> None:
    for _ in range(4):
        assert log_in(client, "wrong password").status_code == HTTPStatus.OK
    assert log_in(client, "wrong password").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert log_in(client, PASSWORD).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_failures_from_one_address_do_not_lock_out_the_owner_at_another():
    UserFactory(username="bob")
    lock_bob_out_from(through_proxy(ATTACKER))

    response = log_in(through_proxy(BOB_HOME), PASSWORD)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("guide:home")


def test_a_forged_leftmost_entry_neither_locks_its_owner_nor_frees_the_attacker():
    UserFactory(username="bob")
    # The attacker claims to be Bob; the proxy appends the attacker's real address.
    lock_bob_out_from(through_proxy(f"{BOB_HOME}, {ATTACKER}"))

    # A fresh claim does not give the attacker five new tries...
    assert (
        log_in(through_proxy(f"203.0.113.1, {ATTACKER}"), PASSWORD).status_code
        == HTTPStatus.TOO_MANY_REQUESTS
    )
    # ...and Bob, at the address the attacker named, logs in.
    assert log_in(through_proxy(BOB_HOME), PASSWORD).status_code == HTTPStatus.FOUND


def test_without_a_proxy_count_the_proxy_address_is_all_there_is(settings):
    """The set-up the README warns about: everyone behind the proxy shares one pair."""
    settings.PROXY_COUNT = 0
    UserFactory(username="bob")
    lock_bob_out_from(through_proxy(ATTACKER))
    assert log_in(through_proxy(BOB_HOME), PASSWORD).status_code == (HTTPStatus.TOO_MANY_REQUESTS)


# Which entry is the client ------------------------------------------------------------------


def request_from(remote: str, forwarded_for: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("count", "forwarded_for", "expected"),
    [
        (0, "203.0.113.1", PROXY),  # no proxy trusted: the header is the client's own text
        (1, ATTACKER, ATTACKER),
        (1, f"203.0.113.1, {ATTACKER}", ATTACKER),
        (1, f"203.0.113.1,{ATTACKER}", ATTACKER),
        (1, f"203.0.113.1, 203.0.113.2, {ATTACKER}", ATTACKER),
        (2, f"203.0.113.1, {ATTACKER}, 10.0.0.1", ATTACKER),
        (2, f"{ATTACKER}, 10.0.0.1", ATTACKER),
        (2, ATTACKER, ATTACKER),  # the outer proxy was skipped
        (1, f"{ATTACKER}:51234", ATTACKER),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "2001:DB8:0:0::7", "2001:db8::7"),
        (1, "", PROXY),  # no header at all: a request from inside the network
        (1, "unknown", PROXY),
        (1, "not-an-address, <script>", PROXY),
        (1, f"{ATTACKER}, ,", ATTACKER),
    ],
)
def test_client_address_is_the_proxy_count_th_entry_from_the_right(
    settings, count, forwarded_for, expected
):
    settings.PROXY_COUNT = count
    assert client_address(request_from(PROXY, forwarded_for)) == expected


def test_client_address_without_any_header_is_the_peer(settings):
    settings.PROXY_COUNT = 1
    assert client_address(request_from("2001:db8::1")) == "2001:db8::1"


def test_axes_asks_the_same_function():
    """Lockouts and the rate limits count by one and the same address."""
    from django.conf import settings

    assert settings.AXES_CLIENT_IP_CALLABLE == "core.network.client_address"


def test_proxy_count_comes_from_the_environment():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PROXY_COUNT", "AXES_PROXY_COUNT", "DJANGO_SETTINGS_MODULE"}
    }
    code = "from django.conf import settings; print(settings.PROXY_COUNT)"
    outputs = []
    for extra in ({}, {"PROXY_COUNT": "2"}, {"AXES_PROXY_COUNT": "1"}):
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=ROOT,
            env={**env, **extra, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout.strip())
    # AXES_PROXY_COUNT is the name the README used before PROXY_COUNT.
    assert outputs == ["0", "2", "1"]


def test_deploy_check_refuses_a_trusted_proxy_counted_as_none(settings):
    from core.checks import proxy_count_matches_the_proxy

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.PROXY_COUNT = 0
    assert [problem.id for problem in proxy_count_matches_the_proxy(None)] == ["core.W001"]
    settings.PROXY_COUNT = 1
    assert proxy_count_matches_the_proxy(None) == []
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.PROXY_COUNT = 0
    assert proxy_count_matches_the_proxy(None) == []
