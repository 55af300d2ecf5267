"""The admin's "view on site" route answers only staff who may see the object there."""

from http import HTTPStatus

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from guide import services
from guide.models import Theory
from tests.factories import TheoryFactory

pytestmark = pytest.mark.django_db


def view_on_site(theory) -> str:
    content_type = ContentType.objects.get_for_model(Theory)
    return reverse("admin:view_on_site", args=[content_type.pk, theory.pk])


@pytest.fixture
def hidden_theory(moderator):
    theory = TheoryFactory(title="A title the moderators hid")
    services.set_hidden(moderator=moderator, item=theory, hidden=True, reason="abuse")
    return theory


def test_staff_who_may_not_see_theories_get_403_not_the_address(editor_client, hidden_theory):
    response = editor_client.get(view_on_site(hidden_theory))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert hidden_theory.slug not in response.get("Location", "")


def test_moderators_are_sent_to_the_theory(moderator_client, hidden_theory):
    response = moderator_client.get(view_on_site(hidden_theory))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith(hidden_theory.get_absolute_url())


def test_fans_and_visitors_are_sent_to_the_admin_login(fan_client, client, hidden_theory):
    for who in (fan_client, client):
        response = who.get(view_on_site(hidden_theory))
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("admin:login"))


def test_an_unknown_content_type_is_a_404(moderator_client, hidden_theory):
    response = moderator_client.get(reverse("admin:view_on_site", args=[999_999, 1]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_slug_redirect_keeps_the_query_string(client):
    theory = TheoryFactory(title="Nam-ra returns")
    old = reverse("guide:theory", args=[theory.pk, "an-old-title"])
    response = client.get(old, {"page": "2"})
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == f"{theory.get_absolute_url()}?page=2"
