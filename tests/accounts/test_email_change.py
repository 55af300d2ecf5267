"""Changing the email takes the password, and a link mailed to the new address.

Until the link is followed the old address stays (password resets keep going there),
and once it is, the old address is told.
"""

import re
import time
from http import HTTPStatus
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = "new-home@example.com"


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def ask(client, capture, email=NEW, password=PASSWORD):
    with capture():
        return client.post(reverse("accounts:change_email"), {"email": email, "password": password})


def confirm_path(message) -> str:
    link = re.search(r"http://testserver(/accounts/email/confirm/[^/\s]+/)", message.body)
    assert link, message.body
    return link.group(1)


def test_the_settings_form_no_longer_changes_the_email(fan_client, fan):
    response = fan_client.post(
        reverse("accounts:settings"), {"display_name": "", "bio": "", "email": "thief@example.com"}
    )
    assert response.status_code == HTTPStatus.FOUND
    fan.refresh_from_db()
    assert (fan.email, fan.pending_email) == ("fan@example.com", "")


def test_a_session_without_the_password_changes_nothing(fan_client, fan, capture):
    response = ask(fan_client, capture, password="not the password")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    form = response.context["form"]
    assert form.errors == {"password": ["That is not your password."]}
    assert NEW in response.content.decode()  # what was typed stays
    fan.refresh_from_db()
    assert (fan.email, fan.pending_email) == ("fan@example.com", "")
    assert mail.outbox == []


def test_the_new_address_counts_only_once_its_link_is_followed(fan_client, fan, capture):
    response = ask(fan_client, capture)
    assert response.status_code == HTTPStatus.FOUND
    fan.refresh_from_db()
    assert (fan.email, fan.pending_email) == ("fan@example.com", NEW)
    (link_mail,) = mail.outbox
    assert link_mail.to == [NEW]
    path = confirm_path(link_mail)
    assert NEW not in path  # the token names the address only as a keyed fingerprint

    # Until then, a password reset still goes to the old address.
    Client().post(reverse("accounts:password_reset"), {"email": NEW})
    assert len(mail.outbox) == 1
    Client().post(reverse("accounts:password_reset"), {"email": "fan@example.com"})
    assert mail.outbox[-1].to == ["fan@example.com"]

    # Opening the link asks; it does not change anything by itself.
    page = Client().get(path)
    assert page.status_code == HTTPStatus.OK
    assert NEW in page.content.decode()
    fan.refresh_from_db()
    assert fan.email == "fan@example.com"

    mail.outbox.clear()
    with capture():
        response = Client().post(path)  # from another device, not signed in
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:login")
    fan.refresh_from_db()
    assert (fan.email, fan.pending_email) == (NEW, "")
    (notice,) = mail.outbox
    assert notice.to == ["fan@example.com"]
    assert NEW in notice.body
    assert "http://testserver/accounts/settings/" in notice.body

    # The link is spent.
    assert Client().post(path).status_code == HTTPStatus.BAD_REQUEST
    assert Client().get(path).status_code == HTTPStatus.BAD_REQUEST


def test_a_newer_request_voids_the_older_link(fan_client, fan, capture):
    ask(fan_client, capture, email="first@example.com")
    ask(fan_client, capture, email="second@example.com")
    first, second = (confirm_path(message) for message in mail.outbox)
    assert Client().post(first).status_code == HTTPStatus.BAD_REQUEST
    assert Client().post(second).status_code == HTTPStatus.FOUND
    fan.refresh_from_db()
    assert fan.email == "second@example.com"


def test_an_old_link_has_expired(fan_client, fan, capture):
    three_days_ago = time.time() - 3 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=three_days_ago):
        ask(fan_client, capture)
    response = Client().post(confirm_path(mail.outbox[0]))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "expired" in response.content.decode()
    fan.refresh_from_db()
    assert fan.email == "fan@example.com"


@pytest.mark.parametrize(
    "token",
    ["x", "WzEsImFiYyJd:1tQ5xM:bad", "a" * 500, "%00", "[1,2]", "WyJ4IiwxXQ:1tQ5xM:abc"],
)
def test_a_made_up_token_is_refused_without_error(token, capture):
    for method in ("get", "post"):
        response = getattr(Client(), method)(
            reverse("accounts:confirm_email", kwargs={"token": token})
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST


def test_someone_elses_address_gets_the_same_answer_and_its_owner_is_told(fan_client, fan, capture):
    UserFactory(username="owner", email="owner@example.com")
    free = ask(fan_client, capture, email="free@example.com")
    taken = ask(fan_client, capture, email="OWNER@example.com")
    assert (free.status_code, free["Location"]) == (taken.status_code, taken["Location"])
    link_mail, notice = mail.outbox
    assert link_mail.to == ["free@example.com"]
    assert notice.to == ["owner@example.com"]
    assert "/accounts/email/confirm/" not in notice.body
    fan.refresh_from_db()
    assert (fan.email, fan.pending_email) == ("fan@example.com", "OWNER@example.com")


def test_an_address_confirmed_elsewhere_meanwhile_is_not_taken_twice(fan_client, fan, capture):
    ask(fan_client, capture)
    path = confirm_path(mail.outbox[0])
    UserFactory(username="quicker", email=NEW.upper())
    response = Client().post(path)
    assert response.status_code == HTTPStatus.CONFLICT
    fan.refresh_from_db()
    assert fan.email == "fan@example.com"
    assert User.objects.filter(email__iexact=NEW).count() == 1


def test_the_same_address_again_is_refused_next_to_the_field(fan_client, fan, capture):
    response = ask(fan_client, capture, email="FAN@example.com")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["form"].errors == {"email": ["That is already your email."]}


def test_changing_the_email_needs_a_session(client):
    response = client.get(reverse("accounts:change_email"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("accounts:login"))


def test_settings_show_the_address_waiting_for_confirmation(fan_client, fan, capture):
    ask(fan_client, capture)
    page = fan_client.get(reverse("accounts:settings")).content.decode()
    assert "fan@example.com" in page
    assert f"Waiting for confirmation: <strong>{NEW}</strong>" in page
