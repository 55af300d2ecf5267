"""A visitor with a message waiting (it rides in a cookie) gets a fresh page that shows it,
never the cached page that would swallow it."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.kit.html import page_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

GOODBYE = "Your account is deleted. Goodbye, and thank you."


def test_the_goodbye_after_deleting_an_account_is_shown_on_a_cached_page(db):
    home = reverse("guide:home")
    assert GOODBYE not in page_of(Client().get(home)).text  # the home page is now cached
    leaving = UserFactory(username="leaving")
    client = Client()
    client.force_login(leaving)
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.url == home
    for name, cookie in response.cookies.items():
        if cookie["max-age"] == 0:
            del client.cookies[name]  # as a browser drops an expired cookie
    assert "messages" in client.cookies
    assert GOODBYE in page_of(client.get(home)).text
