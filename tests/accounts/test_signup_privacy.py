"""Sign-up never tells whether an email address has an account here.

Whoever types an address that is taken gets exactly what someone typing a new address
gets; the owner of the address hears that someone tried.
"""

import re
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "zombie-hyosan-rooftop-42"


def sign_up(capture, username: str, email: str):
    client = Client()
    with capture(execute=True):
        response = client.post(
            reverse("accounts:signup") + "?next=/theories/",
            {"username": username, "email": email, "password1": STRONG, "password2": STRONG},
        )
    return client, response


def what_they_see(client, response, *, username: str, email: str) -> dict:
    """The answer, with the fan's own username and address taken out."""
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    settings_page = client.get(reverse("accounts:settings")).content.decode()
    settings_page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", settings_page)

    def blank(text):
        return text.replace(email, "<email>").replace(username, "<username>")

    return {
        "status": response.status_code,
        "location": response.get("Location"),
        "signed in": "_auth_user_id" in client.session,
        "messages": [blank(message) for message in messages],
        "settings": blank(settings_page),
    }


def test_a_registered_address_gets_the_same_answer_as_a_new_one(
    django_capture_on_commit_callbacks,
):
    UserFactory(username="owner", email="owner@example.com")
    capture = django_capture_on_commit_callbacks

    new_client, new = sign_up(capture, "newcomer", "newcomer@example.com")
    taken_client, taken = sign_up(capture, "prober", "OWNER@example.com")

    assert new.status_code == HTTPStatus.FOUND
    assert what_they_see(
        taken_client, taken, username="prober", email="OWNER@example.com"
    ) == what_they_see(new_client, new, username="newcomer", email="newcomer@example.com")


def test_the_owner_is_told_and_keeps_the_address(django_capture_on_commit_callbacks):
    owner = UserFactory(username="owner", email="owner@example.com")
    sign_up(django_capture_on_commit_callbacks, "prober", "Owner@Example.com")

    (notice,) = mail.outbox
    assert notice.to == ["owner@example.com"]
    assert "tried to sign up" in notice.body
    assert "owner" in notice.body  # which of their accounts the address belongs to
    assert "/accounts/email/confirm/" not in notice.body  # nothing to confirm with
    prober = User.objects.get(username="prober")
    assert (prober.email, prober.pending_email) == ("", "Owner@Example.com")
    owner.refresh_from_db()
    assert owner.email == "owner@example.com"


def test_a_new_address_is_mailed_a_link_that_confirms_it(django_capture_on_commit_callbacks):
    client, _ = sign_up(django_capture_on_commit_callbacks, "newcomer", "newcomer@example.com")

    (message,) = mail.outbox
    assert message.to == ["newcomer@example.com"]
    link = re.search(r"http://testserver(/accounts/email/confirm/\S+/)", message.body)
    assert link, message.body
    user = User.objects.get(username="newcomer")
    assert (user.email, user.pending_email) == ("", "newcomer@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link.group(1))
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert (user.email, user.pending_email) == ("newcomer@example.com", "")
    assert len(mail.outbox) == 1  # an account that had no address has none to tell


def test_the_form_names_no_email_error_for_a_taken_address(django_capture_on_commit_callbacks):
    """Even when the rest of the form is wrong, the email field says nothing about it."""
    UserFactory(username="owner", email="owner@example.com")
    for email in ("owner@example.com", "nobody@example.com"):
        response = Client().post(
            reverse("accounts:signup"),
            {"username": "prober", "email": email, "password1": STRONG, "password2": "x"},
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert list(response.context["form"].errors) == ["password2"]
    assert mail.outbox == []
