"""Episodes and the wait: each show's calendar (.ics, RFC 5545) and the countdown to a
premiere on the pages that give its date."""

import datetime
from http import HTTPStatus

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from guide.models import SeasonStatus
from guide.templatetags.guide_tags import countdown
from tests.factories import EpisodeFactory, SeasonFactory, ShowFactory
from tests.kit.counts import assert_queries_do_not_grow, count_queries

pytestmark = pytest.mark.django_db

SECRET_TITLE = "The principal is the first zombie"


@pytest.fixture
def show():
    show = ShowFactory(title="All Of Us Are Dead", slug="all-of-us-are-dead")
    aired = SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )
    SeasonFactory(show=show, number=2, status=SeasonStatus.COMING_SOON, release_date=_in_days(40))
    SeasonFactory(show=show, number=3, status=SeasonStatus.ANNOUNCED, release_date=None)
    EpisodeFactory(season=aired, number=1, title=SECRET_TITLE, release_date=aired.release_date)
    EpisodeFactory(season=aired, number=2, title="", release_date=aired.release_date)
    EpisodeFactory(season=aired, number=3, title="Undated", release_date=None)
    return show


def _in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def calendar_of(client, show) -> icalendar.Calendar:
    response = client.get(reverse("guide:show_calendar", args=[show.slug]))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar) -> dict[str, icalendar.Event]:
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def test_a_shows_calendar_holds_every_dated_premiere_and_episode(show, client):
    calendar = calendar_of(client, show)
    assert str(calendar["version"]) == "2.0"
    assert calendar["prodid"]
    assert str(calendar["x-wr-calname"]) == "All Of Us Are Dead on Next Season"
    found = events(calendar)
    assert set(found) == {
        "All Of Us Are Dead season 1 premieres",
        "All Of Us Are Dead season 2 premieres",
        "All Of Us Are Dead season 1, episode 1",
        "All Of Us Are Dead season 1, episode 2",
    }
    premiere = found["All Of Us Are Dead season 2 premieres"]
    assert premiere.decoded("dtstart") == _in_days(40)  # an all-day event on its date
    assert premiere.decoded("dtend") == _in_days(41)
    assert str(premiere["url"]).endswith("/shows/all-of-us-are-dead/season-2/")
    assert str(premiere["transp"]) == "TRANSPARENT"
    episode = found["All Of Us Are Dead season 1, episode 1"]
    assert episode.decoded("dtstart") == datetime.date(2022, 1, 28)
    assert str(episode["url"]).endswith("/season-1/#episode-1")


def test_a_calendar_never_names_an_episode_by_its_title(show, client):
    """A calendar app has no spoiler setting: an episode's title tells what happens."""
    body = client.get(reverse("guide:show_calendar", args=[show.slug])).content.decode()
    assert SECRET_TITLE not in body
    assert "principal" not in body


def _dates_by_uid(calendar) -> dict:
    return {str(event["uid"]): event.decoded("dtstart") for event in calendar.walk("VEVENT")}


def test_a_calendar_keeps_its_events_ids_so_apps_update_rather_than_duplicate(show, client):
    first = _dates_by_uid(calendar_of(client, show))
    season = show.seasons.get(number=2)
    season.release_date = _in_days(50)
    season.save()
    again = {
        str(e["uid"]): e.decoded("dtstart") for e in calendar_of(Client(), show).walk("VEVENT")
    }
    assert set(first) == set(again)
    assert len(first) == 4
    moved = [uid for uid in first if first[uid] != again[uid]]
    assert len(moved) == 1
    assert again[moved[0]] == _in_days(50)


def test_an_unpublished_shows_calendar_is_not_found(client):
    draft = ShowFactory(slug="secret-draft", is_published=False)
    url = reverse("guide:show_calendar", args=[draft.slug])
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_calendar_reads_as_many_queries_however_many_episodes(show):
    url = reverse("guide:show_calendar", args=[show.slug])
    later = show.seasons.get(number=2)
    assert_queries_do_not_grow(
        lambda: count_queries(Client(), url),
        lambda: [
            EpisodeFactory(season=later, number=n, release_date=_in_days(40 + n))
            for n in range(1, 9)
        ],
        "calendar",
    )


def test_the_show_page_and_the_season_guide_link_the_calendar(show, client):
    href = f'href="{reverse("guide:show_calendar", args=[show.slug])}"'
    assert href in client.get(show.get_absolute_url()).content.decode()
    assert href in client.get(show.seasons.get(number=2).get_absolute_url()).content.decode()


# The countdown ----------------------------------------------------------------------------


def _at(season, now) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: now)
        return countdown(season)


def test_a_countdown_says_days_then_hours_then_minutes(show):
    season = show.seasons.get(number=2)
    starts = season.premieres_at
    assert ">in 40 days</time>" in _at(season, starts - datetime.timedelta(days=40))
    assert ">in 3 days</time>" in _at(season, starts - datetime.timedelta(hours=61))
    assert ">in 47 hours</time>" in _at(season, starts - datetime.timedelta(hours=47))
    assert ">in 3 hours</time>" in _at(season, starts - datetime.timedelta(minutes=150))
    assert ">in 90 minutes</time>" in _at(season, starts - datetime.timedelta(minutes=90))
    assert ">in 1 minute</time>" in _at(season, starts - datetime.timedelta(seconds=40))
    assert f'datetime="{starts.isoformat()}" data-countdown' in _at(season, timezone.now())


def test_a_countdown_ends_when_the_release_day_begins(show):
    season = show.seasons.get(number=2)
    assert _at(season, season.premieres_at) == ""
    assert _at(season, season.premieres_at + datetime.timedelta(hours=5)) == ""
    assert countdown(show.seasons.get(number=1)) == ""  # released
    assert countdown(show.seasons.get(number=3)) == ""  # no date


def test_a_countdown_speaks_korean():
    season = SeasonFactory(status=SeasonStatus.COMING_SOON, release_date=_in_days(12))
    with translation.override("ko"):
        left = _at(season, season.premieres_at - datetime.timedelta(days=12))
    assert ">12일 후</time>" in left


def test_the_season_guide_and_the_home_page_count_down_to_a_dated_premiere(show, client):
    season = show.seasons.get(number=2)
    for url in (season.get_absolute_url(), reverse("guide:home"), show.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "data-countdown>in 40 days</time>)</span>" in body, url


def test_a_countdown_counts_calendar_days_as_a_fan_would():
    """Ten days before the date is "in 10 days" all day long, not 9 after noon."""
    season = SeasonFactory(status=SeasonStatus.COMING_SOON, release_date=_in_days(10))
    late_in_the_day = season.premieres_at - datetime.timedelta(days=9, hours=1)
    assert ">in 10 days</time>" in _at(season, late_in_the_day)


def test_a_calendar_holds_its_own_shows_dates_only_in_order(show, client):
    other = ShowFactory(title="Another Show", slug="another-show")
    elsewhere = SeasonFactory(show=other, number=1, release_date=_in_days(3))
    EpisodeFactory(season=elsewhere, number=1, release_date=_in_days(3))
    later = show.seasons.get(number=2)
    EpisodeFactory(season=later, number=2, release_date=_in_days(47))  # written first
    EpisodeFactory(season=later, number=1, release_date=_in_days(40))
    found = [str(event["summary"]) for event in calendar_of(client, show).walk("VEVENT")]
    assert not [summary for summary in found if "Another Show" in summary]
    episodes = [summary for summary in found if "episode" in summary]
    assert episodes == [
        "All Of Us Are Dead season 1, episode 1",
        "All Of Us Are Dead season 1, episode 2",
        "All Of Us Are Dead season 2, episode 1",
        "All Of Us Are Dead season 2, episode 2",
    ]
