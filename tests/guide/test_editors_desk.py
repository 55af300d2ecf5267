"""The editors' desk: actors picked in place, unpublished shows previewed, refused deletes
explained."""

import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guide.models import Season, Show
from tests import factories
from tests.kit.admin_forms import change_form_fields
from tests.kit.admin_world import admin_url

pytestmark = pytest.mark.django_db

BANNER = "Preview — not published."


# One page to link an actor to a character ----------------------------------------------------


def _cast(show, n, first=0):
    return [
        factories.CharacterFactory(
            show=show,
            name=f"Student {i}",
            slug=f"student-{i}",
            actor=factories.PersonFactory(name=f"Actor {i}", slug=f"actor-{i}"),
        )
        for i in range(first, first + n)
    ]


def _actor_select(body: str, row: int) -> str:
    start = body.index(f'name="characters-{row}-actor"')
    start = body.rindex("<select", 0, start)
    return body[start : body.index("</select>", start)]


def test_the_show_page_picks_each_characters_actor_with_an_autocomplete(editor_client):
    show = factories.ShowFactory()
    [character] = _cast(show, 1)
    body = editor_client.get(admin_url(Show, "change", show.pk)).text
    select = _actor_select(body, 0)
    assert "admin-autocomplete" in select
    assert 'data-field-name="actor"' in select
    assert re.search(rf'<option value="{character.actor.pk}" selected>Actor 0</option>', select)


def test_an_actor_is_linked_from_the_show_page_in_one_save(editor_client):
    show = factories.ShowFactory()
    [character] = _cast(show, 1)
    newcomer = factories.PersonFactory(name="Yoon Chan-young", slug="yoon-chan-young")
    url = admin_url(Show, "change", show.pk)
    data = change_form_fields(editor_client.get(url))
    data["characters-0-actor"] = [str(newcomer.pk)]
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    character.refresh_from_db()
    assert character.actor == newcomer


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(queries)


def test_the_cast_inline_costs_no_query_per_row(editor_client):
    show = factories.ShowFactory()
    _cast(show, 1)
    url = admin_url(Show, "change", show.pk)
    editor_client.get(url)
    few = _queries(editor_client, url)
    _cast(show, 11, first=1)
    assert _queries(editor_client, url) == few


# Staff preview unpublished shows ----------------------------------------------------------------


@pytest.fixture
def unpublished():
    show = factories.ShowFactory(title="Secret Show", slug="secret-show", is_published=False)
    season = factories.SeasonFactory(show=show, number=1)
    character = factories.CharacterFactory(show=show, slug="secret-person")
    return [show.get_absolute_url(), season.get_absolute_url(), character.get_absolute_url()]


def test_editors_preview_an_unpublished_shows_pages_marked_as_such(unpublished, editor_client):
    for url in unpublished:
        response = editor_client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert BANNER in response.text, url


def test_everyone_else_still_gets_not_found(unpublished, fan_client, moderator_client):
    for client in (Client(), fan_client, moderator_client):
        for url in unpublished:
            assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url


def test_a_published_show_has_no_preview_banner(editor_client):
    show = factories.ShowFactory()
    assert BANNER not in editor_client.get(show.get_absolute_url()).text


def test_the_page_cache_never_keeps_a_staff_page(settings, unpublished, editor_client):
    settings.VISITOR_PAGE_CACHE = True
    for url in unpublished:
        assert editor_client.get(url).status_code == HTTPStatus.OK
        assert Client().get(url).status_code == HTTPStatus.NOT_FOUND, url

    published = factories.SeasonFactory(show=factories.ShowFactory()).get_absolute_url()
    assert editor_client.get(published).status_code == HTTPStatus.OK
    assert _queries(Client(), published) > 0  # a visitor's page is made, not served from staff's
    assert _queries(Client(), published) == 0  # and now it is the visitor's page that is kept


# A refused delete says why -------------------------------------------------------------------


@pytest.fixture
def season_with_theories():
    season = factories.SeasonFactory(number=2)
    for i in range(12):
        factories.TheoryFactory(season=season, title=f"Prediction {i:02d}")
    return season


def _assert_explained(response):
    assert response.status_code == HTTPStatus.OK
    body = response.text
    assert "cannot be deleted" in body
    assert "Fans have posted theories about it" in body
    assert "unpublish the show instead" in body
    assert "Theory: Prediction 00" in body
    assert "and 2 more" in body
    assert "would require deleting" not in body
    assert "doesn't have permission" not in body
    assert reverse("admin:guide_theory_changelist") not in body


def test_deleting_a_season_with_theories_is_refused_in_plain_words(
    season_with_theories, editor_client
):
    url = admin_url(Season, "delete", season_with_theories.pk)
    _assert_explained(editor_client.get(url))
    _assert_explained(editor_client.post(url, {"post": "yes"}))
    assert Season.objects.filter(pk=season_with_theories.pk).exists()


def test_deleting_its_show_is_refused_the_same_way(season_with_theories, editor_client):
    url = admin_url(Show, "delete", season_with_theories.show.pk)
    _assert_explained(editor_client.get(url))


def test_deleting_seasons_in_bulk_is_refused_the_same_way(season_with_theories, editor_client):
    response = editor_client.post(
        admin_url(Season, "changelist"),
        {"action": "delete_selected", "_selected_action": [season_with_theories.pk]},
    )
    _assert_explained(response)
    assert Season.objects.filter(pk=season_with_theories.pk).exists()


def test_a_season_without_theories_is_deleted(editor_client):
    season = factories.SeasonFactory()
    url = admin_url(Season, "delete", season.pk)
    assert "Are you sure" in editor_client.get(url).text
    assert editor_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not Season.objects.filter(pk=season.pk).exists()
