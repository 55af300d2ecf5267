"""Sign-up and password-reset mail are limited per client address and per target address.

The limits are the configured ones (settings.RATE_LIMITS); the client address is the
same proxy-aware one the login lockout counts by.
"""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.throttle import check_rate
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "zombie-hyosan-rooftop-42"
PROXY = "10.0.0.2"


def limit(action: str) -> int:
    return settings.RATE_LIMITS[action][0]


def sign_up(client, n: int, email: str | None = None):
    return client.post(
        reverse("accounts:signup"),
        {
            "username": f"bulk{n}",
            "email": email or f"bulk{n}@example.com",
            "password1": STRONG,
            "password2": STRONG,
        },
    )


def reset(client, email: str):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def test_one_address_cannot_open_two_dozen_accounts():
    # A fresh browser each time, as a script would be: a signed-in one is sent home.
    answers = [sign_up(Client(REMOTE_ADDR="203.0.113.5"), n).status_code for n in range(24)]
    assert answers.count(HTTPStatus.FOUND) == limit("signup")
    assert set(answers[limit("signup") :]) == {HTTPStatus.TOO_MANY_REQUESTS}
    assert User.objects.count() == limit("signup")


def test_behind_the_proxy_each_client_counts_alone_and_a_forged_entry_does_not_help(
    settings,
):
    settings.PROXY_COUNT = 1
    attacker = "198.51.100.66"
    for n in range(limit("signup")):
        # A fresh made-up address on the left each time; the proxy appends the real one.
        client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {attacker}")
        assert sign_up(client, n).status_code == HTTPStatus.FOUND
    forged = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.200, {attacker}")
    assert sign_up(forged, 99).status_code == HTTPStatus.TOO_MANY_REQUESTS
    neighbour = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert sign_up(neighbour, 100).status_code == HTTPStatus.FOUND


def test_one_mailbox_gets_a_handful_of_reset_mails_however_many_ask(fan):
    answers = [
        reset(Client(REMOTE_ADDR=f"203.0.113.{n}"), "Fan@Example.com").status_code
        for n in range(25)
    ]
    assert len(mail.outbox) == limit("mail_to_address")
    assert answers.count(HTTPStatus.FOUND) == limit("mail_to_address")
    assert set(answers[limit("mail_to_address") :]) == {HTTPStatus.TOO_MANY_REQUESTS}


def test_one_client_cannot_walk_through_many_mailboxes():
    for n in range(20):
        UserFactory(username=f"victim{n}")
    client = Client(REMOTE_ADDR="203.0.113.5")
    answers = [reset(client, f"victim{n}@example.com").status_code for n in range(20)]
    assert answers.count(HTTPStatus.FOUND) == limit("password_reset")
    assert len(mail.outbox) == limit("password_reset")


def test_an_address_that_has_no_account_is_counted_the_same(fan):
    """Being limited says nothing about whether the address has an account."""
    for email in ("fan@example.com", "nobody@example.com"):
        answers = [reset(Client(REMOTE_ADDR=f"203.0.113.{n}"), email).status_code for n in range(8)]
        assert answers.count(HTTPStatus.FOUND) == limit("mail_to_address")


def test_sign_ups_to_one_mailbox_are_limited_too(django_capture_on_commit_callbacks):
    UserFactory(username="owner", email="owner@example.com")
    answers = []
    for n in range(8):
        with django_capture_on_commit_callbacks(execute=True):
            response = sign_up(Client(REMOTE_ADDR=f"203.0.113.{n}"), n, "owner@example.com")
        answers.append(response.status_code)
    assert answers.count(HTTPStatus.FOUND) == limit("mail_to_address")
    assert len(mail.outbox) == limit("mail_to_address")


def test_the_429_page_keeps_what_was_typed_but_never_the_password(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (1, 3600)}
    client = Client()
    sign_up(client, 1)
    client.post(reverse("accounts:logout"))
    response = sign_up(client, 2)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    body = response.content.decode()
    assert "bulk2</textarea>" in body
    assert "bulk2@example.com</textarea>" in body
    assert STRONG not in body


def test_the_reset_429_page_keeps_the_address(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (1, 3600)}
    client = Client()
    reset(client, "someone@example.com")
    response = reset(client, "someone-else@example.com")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "someone-else@example.com</textarea>" in response.content.decode()


def test_email_change_mail_is_limited_per_fan(fan_client, fan):
    answers = [
        fan_client.post(
            reverse("accounts:change_email"),
            {"email": f"new{n}@example.com", "password": PASSWORD},
        ).status_code
        for n in range(8)
    ]
    assert answers.count(HTTPStatus.FOUND) == limit("email_change")
    assert HTTPStatus.TOO_MANY_REQUESTS in answers


def test_an_invalid_form_is_not_counted():
    client = Client()
    for n in range(limit("signup") + 3):
        response = client.post(reverse("accounts:signup"), {"username": f"x{n}", "email": "bad"})
        assert response.status_code == HTTPStatus.BAD_REQUEST
    assert sign_up(client, 1).status_code == HTTPStatus.FOUND


# The counter behind them -------------------------------------------------------------------


def test_any_key_counts_apart(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (1, 60)}
    keys = ["203.0.113.5", "2001:db8::1", "fan@example.com", "팬@example.com", "a b\x00c" * 80, 7]
    for key in keys:
        assert check_rate(action="signup", key=key, now=0.0) is None
    for key in keys:
        assert check_rate(action="signup", key=key, now=1.0) == 59
