"""Every admin page, for every role: the answer the role's permissions call for, never a 500.

The pages come from the admin's registry, so a newly registered model is checked at once:
staff roles get "403 Forbidden" on it until the tables below (from DESIGN.md's table of
people) say otherwise. Each add and change page is also sent back as the role's browser
would send it: saved where the role may save, refused where not.
"""

from http import HTTPStatus

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from guide.models import (
    Character,
    CharacterStatus,
    Comment,
    Episode,
    Fact,
    ModerationAction,
    Person,
    Prediction,
    Report,
    Revision,
    Season,
    Show,
    Theory,
    TheoryImage,
)
from tests import factories
from tests.kit.admin_forms import change_form_fields
from tests.kit.admin_world import REGISTERED, admin_url, model_id, one_of_each

pytestmark = pytest.mark.django_db

VIEWS = ["changelist", "add", "change", "delete", "history"]
EVERYTHING = set(VIEWS)
LOOK_AND_DECIDE = {"changelist", "change", "history"}  # moderators add and delete nothing

# What each staff role may open, by model; anything not listed is forbidden.
ALLOWED = {
    "editor": dict.fromkeys(
        (Show, Season, Episode, Person, Character, CharacterStatus, Fact, Prediction), EVERYTHING
    ),
    "moderator": {
        Theory: LOOK_AND_DECIDE,
        Comment: LOOK_AND_DECIDE,
        Report: LOOK_AND_DECIDE,
        ModerationAction: LOOK_AND_DECIDE,
        Revision: LOOK_AND_DECIDE,
        Prediction: LOOK_AND_DECIDE,  # resolving one
        TheoryImage: LOOK_AND_DECIDE,  # hiding one picture of a theory
    },
}
# What each staff role may save on a change page. Moderators decide on reports with
# buttons, and the log is written by the site: neither has anything to save.
MAY_SAVE = {
    "editor": set(ALLOWED["editor"]),
    "moderator": {Theory, Comment, Prediction, TheoryImage},
}
ROLES = ["editor", "moderator", "fan", "visitor"]


def _client(role: str) -> Client:
    client = Client()
    if role == "visitor":
        return client
    staff = {
        "editor": {"is_staff": True, "groups": ["Editors"]},
        "moderator": {"is_staff": True, "groups": ["Moderators"]},
        "fan": {},
    }[role]
    client.force_login(factories.UserFactory(username=f"the-{role}", **staff))
    return client


def _url(model, view: str, row) -> str:
    if view in {"changelist", "add"}:
        return admin_url(model, view)
    return admin_url(model, view, row.pk)


def _expected(role: str, model, view: str) -> HTTPStatus:
    if role in {"fan", "visitor"}:
        return HTTPStatus.FOUND  # to the admin's login page
    allowed = view in ALLOWED[role].get(model, set())
    return HTTPStatus.OK if allowed else HTTPStatus.FORBIDDEN


def _expected_on_saving(role: str, model, view: str) -> HTTPStatus:
    if role in {"fan", "visitor"}:
        return HTTPStatus.FOUND  # to the admin's login page
    if view == "add":  # the empty form comes back with "this field is required"
        return HTTPStatus.OK if "add" in ALLOWED[role].get(model, set()) else HTTPStatus.FORBIDDEN
    return HTTPStatus.FOUND if model in MAY_SAVE[role] else HTTPStatus.FORBIDDEN


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """A row of every model, with pictures, built once in a transaction rolled back when
    the module ends: each test's saves are rolled back as usual, inside it."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with media, django_db_blocker.unblock(), transaction.atomic():
        ContentType.objects.clear_cache()  # a transactional test's flush renumbers them
        yield one_of_each(with_images=True)
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", list(REGISTERED), ids=model_id)
def test_each_admin_page_answers_as_the_role_allows(model, role, world):
    row = world[model]
    client = _client(role)
    login = reverse("admin:login")
    for view in VIEWS:
        url = _url(model, view, row)
        response = client.get(url)
        expected = _expected(role, model, view)
        assert response.status_code == expected, f"{role} on {url}: {response.status_code}"
        if expected == HTTPStatus.FOUND:
            assert response.url.startswith(login), url
        if view in {"add", "change"}:
            data = change_form_fields(response) if expected == HTTPStatus.OK else {}
            response = client.post(url, data)
            expected = _expected_on_saving(role, model, view)
            assert response.status_code == expected, f"{role} saving {url}: {response.status_code}"


def test_the_table_names_only_registered_models():
    for role, models in ALLOWED.items():
        assert set(models) <= set(REGISTERED), role


def test_the_roles_can_do_their_work_at_all():
    """The table is not empty by accident: editors edit content, moderators moderate."""
    assert {view for views in ALLOWED["editor"].values() for view in views} == EVERYTHING
    assert ALLOWED["moderator"][Report] == LOOK_AND_DECIDE
