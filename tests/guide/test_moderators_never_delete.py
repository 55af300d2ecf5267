"""Moderators hide and restore fans' writing; they never delete it.

Hiding is recorded in the public moderation log with a reason and can be undone; a
deletion would be neither. So the admin refuses a moderator every way of deleting a
theory or a comment: the delete page, its form, and the bulk action.
"""

from http import HTTPStatus

import pytest
from django.urls import reverse

from guide.models import Comment, Theory
from tests.kit.html import Page
from tests.kit.worlds import build_world

pytestmark = pytest.mark.django_db

MODELS = {"theory": Theory, "comment": Comment}


@pytest.fixture
def world(db):
    return build_world()


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:guide_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("kind", MODELS)
def test_a_moderator_gets_403_on_the_delete_page(world, moderator_client, kind):
    item = world[kind]
    url = _admin_url(MODELS[kind], "delete", item.pk)
    assert moderator_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert moderator_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert MODELS[kind].objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("kind", MODELS)
def test_a_moderator_is_not_offered_bulk_deletion(world, moderator_client, kind):
    model = MODELS[kind]
    changelist = moderator_client.get(_admin_url(model, "changelist"))
    assert changelist.status_code == HTTPStatus.OK
    offered = [option.attrs.get("value") for option in Page(changelist).find_all("option")]
    assert "delete_selected" not in offered
    item = world[kind]
    response = moderator_client.post(
        _admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
    )
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
    assert model.objects.filter(pk=item.pk).exists()


def test_the_moderators_group_holds_no_delete_permission_on_fan_content(moderator):
    for model in MODELS.values():
        codename = f"guide.delete_{model._meta.model_name}"
        assert not moderator.has_perm(codename), codename
