"""Episodes: listed on the season guide behind the spoiler shield, and counted honestly."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from guide.models import Episode, Season, SeasonStatus
from tests import factories
from tests.kit.admin_forms import change_form_fields
from tests.kit.admin_world import admin_url

pytestmark = pytest.mark.django_db

SYNOPSIS = "The students barricade the music room and wait for a signal."


@pytest.fixture
def season():
    show = factories.ShowFactory(title="Hyosan Watch", slug="hyosan-watch")
    return factories.SeasonFactory(
        show=show,
        number=1,
        status=SeasonStatus.RELEASED,
        release_date=datetime.date(2022, 1, 28),
        episode_count=3,
    )


def _episode(season, number, **fields) -> Episode:
    fields = {
        "title": f"Hide number {number}",
        "runtime": 60 + number,
        "release_date": datetime.date(2022, 1, 28),
        "synopsis": f"{SYNOPSIS} ({number})",
    } | fields
    return factories.EpisodeFactory(season=season, number=number, **fields)


def _episode_item(body: str, number: int) -> str:
    start = body.index(f'<li id="episode-{number}">')
    return body[start : body.index("</li>", start)]


def _watched(season) -> Client:
    fan = factories.UserFactory(username="watched-it")
    factories.WatchProgressFactory(user=fan, show=season.show, seasons_watched=season.number)
    client = Client()
    client.force_login(fan)
    return client


def test_the_season_guide_lists_its_episodes_with_anchors(season):
    episodes = [_episode(season, number) for number in (1, 2, 3)]
    body = _watched(season).get(season.get_absolute_url()).text
    for episode in episodes:
        item = _episode_item(body, episode.number)
        assert f"Episode {episode.number}" in item
        assert episode.title in item
        assert episode.synopsis in item
        assert f"{episode.runtime} minutes" in item
        assert '<time datetime="2022-01-28">28 January 2022</time>' in item
        fragment = episode.get_absolute_url().split("#", 1)[1]
        assert f'id="{fragment}"' in body
    numbers = [int(n) for n in re.findall(r'<li id="episode-(\d+)">', body)]
    assert numbers == [1, 2, 3]


def test_episode_titles_and_synopses_are_shielded_until_the_season_is_watched(season):
    _episode(season, 1)
    body = Client().get(season.get_absolute_url()).text
    item = _episode_item(body, 1)
    spoiler = item[item.index('<details class="spoiler">') :]
    assert "Hide number 1" in spoiler
    assert SYNOPSIS in spoiler
    before = item[: item.index('<details class="spoiler">')]
    assert "Episode 1" in before
    assert "61 minutes" in before
    assert "Hide number 1" not in before


def test_an_episode_without_title_or_synopsis_still_has_its_row(season):
    _episode(season, 1, title="", synopsis="", runtime=None, release_date=None)
    item = _episode_item(Client().get(season.get_absolute_url()).text, 1)
    assert "Episode 1" in item
    assert "<details" not in item


def test_the_episode_count_falls_back_to_the_rows_entered(season):
    Season.objects.filter(pk=season.pk).update(episode_count=None)
    _episode(season, 1)
    _episode(season, 2)
    body = Client().get(season.get_absolute_url()).text
    assert re.search(r"<dt>Episodes</dt><dd>2</dd>", body)


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(queries)


def test_the_season_page_makes_as_many_queries_with_many_episodes(season):
    Season.objects.filter(pk=season.pk).update(episode_count=30)
    _episode(season, 1)
    url = season.get_absolute_url()
    clients = [Client(), _watched(season)]
    for client in clients:
        client.get(url)  # warm up: session, content types
    few = [_count_queries(client, url) for client in clients]
    for number in range(2, 31):
        _episode(season, number)
    many = [_count_queries(client, url) for client in clients]
    assert many == few


# The admin keeps the count and the rows in step ---------------------------------------------


def _season_page(client, season, **changes):
    url = admin_url(Season, "change", season.pk)
    data = change_form_fields(client.get(url))
    return url, data | {name: [value] for name, value in changes.items()}


def test_an_episode_numbered_past_the_count_is_refused_next_to_its_number(season, editor_client):
    url, data = _season_page(editor_client, season)
    data |= {
        "episodes-TOTAL_FORMS": ["1"],
        "episodes-0-number": ["4"],
        "episodes-0-title_en": ["One too many"],
    }
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    [episodes] = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Episode
    ]
    assert "has 3 episodes" in episodes.errors[0]["number"][0]
    assert episodes.forms[0]["title_en"].value() == "One too many"
    assert not Episode.objects.exists()

    response = editor_client.post(url, data | {"episode_count": ["4"]})
    assert response.status_code == HTTPStatus.FOUND
    assert Episode.objects.get().number == 4


def test_the_standalone_episode_form_checks_the_count_too(season, editor_client):
    url = admin_url(Episode, "add")
    data = change_form_fields(editor_client.get(url))
    data |= {"season": [str(season.pk)], "number": ["9"]}
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "has 3 episodes" in response.context["adminform"].form.errors["number"][0]


def _warnings(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_admin_says_when_fewer_episodes_are_entered_than_the_count(season, editor_client):
    _episode(season, 1)
    url, data = _season_page(editor_client, season)
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    [note] = [m for m in _warnings(response) if "episodes" in m]
    assert "1 of its 3 episodes is entered so far" in note


def test_the_admin_asks_for_a_count_when_episodes_have_none(season, editor_client):
    _episode(season, 1)
    _episode(season, 2)
    url, data = _season_page(editor_client, season, episode_count="")
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert any("2 episodes entered but no episode count" in m for m in _warnings(response))


def test_a_count_lowered_from_the_show_page_is_flagged(season, editor_client):
    for number in (1, 2, 3):
        _episode(season, number)
    url = admin_url(type(season.show), "change", season.show.pk)
    data = change_form_fields(editor_client.get(url)) | {"seasons-0-episode_count": ["2"]}
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert any("has episode 3 entered" in m for m in _warnings(response))


def test_no_note_when_the_count_and_the_episodes_agree(season, editor_client):
    for number in (1, 2, 3):
        _episode(season, number)
    url, data = _season_page(editor_client, season)
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    assert not [m for m in _warnings(response) if "episode" in m.lower()]
