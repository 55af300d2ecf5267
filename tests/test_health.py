"""Liveness and readiness checks for the load balancer (core.health)."""

from http import HTTPStatus

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok"


def test_readyz(client, db):
    response = client.get(reverse("readyz"))
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"database": "ok"}
