"""Account pages say things once and lead somewhere sensible."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def main_of(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_after_changing_the_password_the_way_back_is_to_settings(fan_client):
    response = fan_client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a fresh one for season 2",
            "new_password2": "a fresh one for season 2",
        },
        follow=True,
    )
    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain[-1][0] == reverse("accounts:password_change_done")
    main = main_of(response)
    assert f'href="{reverse("accounts:settings")}"' in main
    assert reverse("accounts:login") not in main, "the fan is still logged in"


def test_a_wrong_password_is_reported_once(client, fan):
    response = client.post(reverse("accounts:login"), {"username": "fan", "password": "wrong"})
    assert response.status_code == HTTPStatus.OK
    main = main_of(response)
    assert main.count("did not match") == 1
    assert "Please enter a correct" not in main
    assert main.count('role="alert"') == 1


def test_an_empty_username_is_a_field_error_not_a_mismatch(client, fan):
    response = client.post(reverse("accounts:login"), {"username": "", "password": "x"})
    main = main_of(response)
    assert "did not match" not in main
    assert main.count("This field is required.") == 1
    assert re.search(r'<input[^>]*name="username"[^>]*aria-invalid="true"', main)


def test_the_delete_account_control_looks_like_a_danger_button(fan_client):
    main = main_of(fan_client.get(reverse("accounts:settings")))
    link = re.search(rf'<a href="{reverse("accounts:delete")}"[^>]*>', main).group(0)
    assert 'class="button danger"' in link
