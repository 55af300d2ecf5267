"""Oversized bodies and too many fields are refused with a friendly 400."""

from http import HTTPStatus
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from guide.models import Theory

# Oversized bodies and too many fields ---------------------------------------------------------


def _endpoints(world):
    return [
        reverse("guide:comment_create", args=[world.spoiler_theory.pk]),
        reverse("guide:theory_create"),
        reverse("guide:theory_edit", args=[world.theory.pk]),
    ]


def _csrf_client(user) -> tuple[Client, str]:
    """A client that enforces CSRF as production does, with a valid token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.get(reverse("guide:theory_create"), secure=True)
    assert response.status_code == HTTPStatus.OK
    return client, str(response.context["csrf_token"])


def _assert_friendly_400(response):
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.status_code
    assert response["Content-Type"].startswith("text/html")
    assert b"<html" in response.content.lower()


def _fan_client(fan, enforce_csrf: bool) -> tuple[Client, str]:
    if enforce_csrf:
        return _csrf_client(fan)
    client = Client()
    client.force_login(fan)
    return client, ""


def _post(client, url, fields: dict, token: str, encoding: str):
    """POST over HTTPS as a browser would, urlencoded or multipart."""
    headers = {"X-CSRFToken": token, "Referer": "https://testserver/"}
    if encoding == "urlencoded":
        body = "&".join(f"{key}={quote(value)}" for key, value in fields.items())
        return client.post(
            url,
            body,
            content_type="application/x-www-form-urlencoded",
            secure=True,
            headers=headers,
        )
    return client.post(url, fields, secure=True, headers=headers)


@pytest.mark.parametrize("enforce_csrf", [False, True], ids=["no-csrf", "csrf"])
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_oversized_body_is_refused_with_400(fan, world, enforce_csrf, encoding):
    client, token = _fan_client(fan, enforce_csrf)
    big = "x" * (django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    before = Theory.objects.count()
    for url in _endpoints(world):
        fields = {"csrfmiddlewaretoken": token, "title": "t", "body": big}
        _assert_friendly_400(_post(client, url, fields, token, encoding))
    assert Theory.objects.count() == before


@pytest.mark.parametrize("enforce_csrf", [False, True], ids=["no-csrf", "csrf"])
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_too_many_fields_are_refused_with_400(fan, world, enforce_csrf, encoding):
    client, token = _fan_client(fan, enforce_csrf)
    count = django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10
    for url in _endpoints(world):
        fields = {"csrfmiddlewaretoken": token, "title": "t", "body": "b"}
        fields.update({f"f{n}": "1" for n in range(count)})
        _assert_friendly_400(_post(client, url, fields, token, encoding))


def test_many_values_of_one_field_are_refused_with_400(fan_client, world):
    """200+ values of a multi-valued field (characters) count as fields too."""
    count = django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10
    response = fan_client.post(
        reverse("guide:theory_create"),
        {"title": "t", "body": "b", "characters": [str(n) for n in range(count)]},
    )
    _assert_friendly_400(response)
