"""Prediction records: outcomes set in the admin, badges, the outcome filter, profiles and
the leaderboard."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from guide import selectors, services
from guide.models import ModerationAction, ModerationKind, Outcome, SeasonStatus, Theory
from tests.factories import (
    CharacterFactory,
    PersonFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
)
from tests.kit.counts import assert_queries_do_not_grow, count_queries

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def released_season(show, number=1):
    return SeasonFactory(
        show=show,
        number=number,
        status=SeasonStatus.RELEASED,
        release_date=datetime.date(2022, 1, 28),
    )


@pytest.fixture
def show(db):
    return ShowFactory(title="Hyosan Record", slug="hyosan-record")


@pytest.fixture
def aired(show):
    return released_season(show)


@pytest.fixture
def upcoming(show):
    return SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)


def theories(author, season, *outcomes, score=0, hidden=False, withdrawn=False):
    """One theory per outcome; the score goes on the first (score = upvotes - downvotes)."""
    made = []
    for i, outcome in enumerate(outcomes):
        points = score if i == 0 else 0
        made.append(
            TheoryFactory(
                author=author,
                season=season,
                outcome=outcome,
                upvotes=max(points, 0),
                downvotes=max(-points, 0),
                score=points,
                is_hidden=hidden,
                withdrawn_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
                if withdrawn
                else None,
            )
        )
    return made


# Setting outcomes in the admin ---------------------------------------------------------------


def outcome_form(**fields):
    data = {
        "outcome": "open",
        "outcome_note": "",
        "outcome_source_url": "",
        "moderation_reason": "",
        "_save": "Save",
    }
    data.update(fields)
    return data


def test_moderator_settles_a_theory_of_a_released_season(fan, aired, moderator, moderator_client):
    theory = TheoryFactory(author=fan, season=aired)
    response = moderator_client.post(
        reverse("admin:guide_theory_change", args=[theory.pk]),
        outcome_form(
            outcome="confirmed",
            outcome_note="It happens in episode 12.",
            outcome_source_url="https://example.com/recap",
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    theory.refresh_from_db()
    assert theory.outcome == Outcome.CONFIRMED
    assert theory.outcome_note == "It happens in episode 12."
    assert theory.outcome_source_url == "https://example.com/recap"
    assert theory.outcome_set_at is not None
    action = ModerationAction.objects.get()
    assert (action.kind, action.moderator, action.theory) == (
        ModerationKind.SET_OUTCOME,
        moderator,
        theory,
    )
    assert action.detail == Outcome.CONFIRMED
    assert action.detail_label == "Confirmed"
    # The verdict and its source show on the theory page.
    body = html(Client().get(theory.get_absolute_url()))
    assert "It happens in episode 12." in body
    assert 'href="https://example.com/recap"' in body


@pytest.mark.parametrize("outcome", ["confirmed", "partly", "debunked"])
def test_outcome_for_an_unreleased_season_is_a_form_error(fan, upcoming, moderator_client, outcome):
    theory = TheoryFactory(author=fan, season=upcoming)
    response = moderator_client.post(
        reverse("admin:guide_theory_change", args=[theory.pk]),
        outcome_form(outcome=outcome, outcome_note="Too early."),
    )
    assert response.status_code == HTTPStatus.OK
    assert "outcome" in response.context["adminform"].form.errors
    theory.refresh_from_db()
    assert theory.outcome == Outcome.OPEN
    assert not ModerationAction.objects.exists()


def test_outcome_source_must_be_a_url(fan, aired, moderator_client):
    theory = TheoryFactory(author=fan, season=aired)
    response = moderator_client.post(
        reverse("admin:guide_theory_change", args=[theory.pk]),
        outcome_form(outcome="debunked", outcome_source_url="not a url"),
    )
    assert response.status_code == HTTPStatus.OK
    assert "outcome_source_url" in response.context["adminform"].form.errors
    assert Theory.objects.get(pk=theory.pk).outcome == Outcome.OPEN


# Badges and the filter -------------------------------------------------------------------------


@pytest.fixture
def settled(fan, aired):
    return {
        outcome: TheoryFactory(
            author=fan, season=aired, title=f"Settled as {outcome}", outcome=outcome
        )
        for outcome in Outcome.values
    }


def _card(body: str, theory) -> str:
    start = body.index(f'id="theory-{theory.pk}"')
    return body[start : body.index("</article>", start)]


@pytest.mark.parametrize(
    ("outcome", "label"),
    [("confirmed", "Confirmed"), ("partly", "Partly confirmed"), ("debunked", "Debunked")],
)
def test_outcome_badge_on_theory_page_and_cards(settled, client, outcome, label):
    theory = settled[outcome]
    badge = f'<span class="badge badge-{outcome}">{label}</span>'
    assert badge in html(client.get(theory.get_absolute_url()))
    for url in [reverse("guide:theory_list"), reverse("accounts:profile", args=["fan"])]:
        assert badge in _card(html(client.get(url)), theory), url


def test_open_theory_has_no_outcome_badge(settled, client):
    body = html(client.get(reverse("guide:theory_list")))
    card = _card(body, settled["open"])
    assert not re.search(r"badge-(open|confirmed|partly|debunked)", card)


@pytest.mark.parametrize("outcome", Outcome.values)
def test_theory_list_filters_by_outcome(settled, client, outcome):
    response = client.get(reverse("guide:theory_list"), {"outcome": outcome})
    assert response.status_code == HTTPStatus.OK
    listed = {theory.pk for theory in response.context["theories"]}
    assert listed == {settled[outcome].pk}


def test_unknown_outcome_filter_is_a_friendly_400(settled, client):
    response = client.get(reverse("guide:theory_list"), {"outcome": "maybe"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Some filters were not understood" in html(response)


# Profiles ---------------------------------------------------------------------------------------


def _record(body: str) -> dict[str, str]:
    section = body[body.index('id="record-title"') :]
    section = section[: section.index("</dl>")]
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", section))


def test_profile_shows_record_and_hit_rate(fan, aired, upcoming, client):
    C, P, D, OPEN = Outcome.CONFIRMED, Outcome.PARTLY, Outcome.DEBUNKED, Outcome.OPEN
    theories(fan, aired, C, C, C, P, D, D, score=4)
    theories(fan, upcoming, OPEN, OPEN, score=3)
    # Hidden theories do not count, whatever their outcome.
    theories(fan, aired, C, C, P, D, score=50, hidden=True)
    record = _record(html(client.get(reverse("accounts:profile", args=["fan"]))))
    assert record["Confirmed"] == "3"
    assert record["Partly confirmed"] == "1"
    assert record["Debunked"] == "2"
    assert record["Still open"] == "2"
    # (3 confirmed + half of 1 partly) out of 6 settled = 58 %; open ones do not count.
    assert record["Hit rate"] == "58%"
    assert record["Total score"] == "7"


def test_a_profiles_record_moves_at_once_when_a_theory_is_settled(
    fan, aired, moderator, client, django_capture_on_commit_callbacks
):
    """The record is a piece kept for every reader (core.fragments) until THEORIES moves:
    settling a theory moves it, so the next reader of the profile sees the new record."""
    (open_theory,) = theories(fan, aired, Outcome.OPEN)
    url = reverse("accounts:profile", args=["fan"])
    assert _record(html(client.get(url)))["Confirmed"] == "0"
    with django_capture_on_commit_callbacks(execute=True):
        services.set_outcome(
            moderator=moderator,
            theory=open_theory,
            outcome=Outcome.CONFIRMED,
            source_url="https://example.com/finale",
        )
    record = _record(html(Client().get(url)))
    assert (record["Confirmed"], record["Still open"], record["Hit rate"]) == ("1", "0", "100%")


def test_profile_without_settled_theories_has_no_hit_rate(fan, upcoming, client):
    theories(fan, upcoming, Outcome.OPEN)
    record = _record(html(client.get(reverse("accounts:profile", args=["fan"]))))
    assert record["Hit rate"] == "—"
    assert record["Still open"] == "1"


def test_a_profile_counts_what_the_leaderboard_counts(fan, aired, upcoming, client):
    """One rule says which theories a record counts (TheoryQuerySet.in_records): the
    profile reads one fan's record live (guide.selectors.with_theory_record), the
    leaderboard the rows the services keep for every fan."""
    C, P, D, OPEN = Outcome.CONFIRMED, Outcome.PARTLY, Outcome.DEBUNKED, Outcome.OPEN
    theories(fan, aired, C, P, P, D, score=5)
    theories(fan, upcoming, OPEN, score=-2)
    theories(fan, aired, C, D, score=40, hidden=True)
    theories(fan, aired, C, OPEN, score=9, withdrawn=True)
    secret = released_season(ShowFactory(title="Unpublished", is_published=False))
    theories(fan, secret, C, C, score=7)

    shown = _record(html(client.get(reverse("accounts:profile", args=["fan"]))))
    (board,) = selectors.leaderboard()
    assert shown == {
        "Confirmed": str(board.confirmed),
        "Partly confirmed": str(board.partly),
        "Debunked": str(board.debunked),
        "Still open": "1",
        "Hit rate": f"{board.hit_rate}%",
        "Total score": "3",
    }
    assert (board.confirmed, board.partly, board.debunked, board.hit_rate) == (1, 2, 1, 50)


def test_a_profile_reads_as_many_queries_however_many_theories(fan, aired, upcoming):
    url = reverse("accounts:profile", args=["fan"])
    outcomes = (Outcome.CONFIRMED, Outcome.PARTLY, Outcome.DEBUNKED, Outcome.OPEN)
    theories(fan, aired, *outcomes)
    assert_queries_do_not_grow(
        lambda: count_queries(Client(), url),
        lambda: [theories(fan, aired, *outcomes, score=3) for _ in range(10)],
        "profile",
    )


# The leaderboard --------------------------------------------------------------------------------


def ranking(client, **params) -> list[str]:
    response = client.get(reverse("guide:leaderboard"), params)
    assert response.status_code == HTTPStatus.OK
    body = html(response)
    if "<tbody>" not in body:
        return []
    rows = body[body.index("<tbody>") : body.index("</tbody>")]
    return re.findall(r'<th scope="row"><a href="/u/([^/]+)/">', rows)


def test_leaderboard_orders_by_confirmed_then_partly_then_fewest_debunked(aired, upcoming, client):
    C, P, D, OPEN = Outcome.CONFIRMED, Outcome.PARTLY, Outcome.DEBUNKED, Outcome.OPEN
    fans = {name: UserFactory(username=name) for name in "abcdefgh"}
    theories(fans["a"], aired, C, D, D, D, score=-5)  # 1 confirmed, 0 partly
    theories(fans["b"], aired, C, C, score=0)  # most confirmed: first, whatever the score
    theories(fans["c"], aired, C, P, P, score=1)  # 1 confirmed, more partly than d and e
    theories(fans["d"], aired, C, P, D, score=9)  # as e on both counts, but a miss more
    theories(fans["e"], aired, C, P, score=2)
    theories(fans["f"], aired, D, score=100)  # settled (debunked) but nothing right: last
    theories(fans["g"], upcoming, OPEN, OPEN, score=500)  # nothing settled: not listed
    theories(fans["h"], aired, C, D, D, D, score=50)  # as a in all: a joined first
    assert ranking(client) == ["b", "c", "e", "d", "a", "h", "f"]


def test_leaderboard_ties_on_everything_fall_back_to_who_joined_first(aired, client):
    for name in ["zed", "amy"]:
        theories(UserFactory(username=name), aired, Outcome.CONFIRMED, score=3)
    assert ranking(client) == ["zed", "amy"]


def test_leaderboard_per_show_counts_only_that_show(aired, client):
    other = ShowFactory(title="Other Show", slug="other-show")
    other_aired = released_season(other)
    x, y = UserFactory(username="x"), UserFactory(username="y")
    theories(x, other_aired, Outcome.CONFIRMED, Outcome.CONFIRMED, Outcome.CONFIRMED)
    theories(x, aired, Outcome.CONFIRMED)
    theories(y, aired, Outcome.CONFIRMED, Outcome.CONFIRMED)
    assert ranking(client) == ["x", "y"]
    assert ranking(client, show="hyosan-record") == ["y", "x"]
    assert ranking(client, show="other-show") == ["x"]
    response = client.get(reverse("guide:leaderboard"), {"show": "hyosan-record"})
    row = html(response).split('href="/u/x/"')[1].split("</tr>")[0]
    assert re.findall(r"<td>(-?\d+)</td>", row)[:1] == ["1"]  # x: one confirmed in this show
    assert client.get(reverse("guide:leaderboard"), {"show": "nope"}).status_code == 404


def test_hidden_theories_do_not_count_on_the_leaderboard(aired, client):
    hider, honest = UserFactory(username="hider"), UserFactory(username="honest")
    theories(hider, aired, Outcome.CONFIRMED, Outcome.CONFIRMED, hidden=True)
    theories(hider, aired, Outcome.DEBUNKED)
    theories(honest, aired, Outcome.CONFIRMED)
    assert ranking(client) == ["honest", "hider"]
    only_hidden = UserFactory(username="onlyhidden")
    theories(only_hidden, aired, Outcome.CONFIRMED, hidden=True)
    assert "onlyhidden" not in ranking(client)


def test_leaderboard_queries_do_not_grow(aired, upcoming, django_assert_max_num_queries):
    client = Client()

    def add_fans(start, n):
        for i in range(start, start + n):
            fan = UserFactory(username=f"ranked{i}")
            theories(fan, aired, Outcome.CONFIRMED, Outcome.PARTLY, Outcome.DEBUNKED, score=i)
            theories(fan, upcoming, Outcome.OPEN)

    def count(**params):
        return count_queries(client, reverse("guide:leaderboard"), params)

    add_fans(0, 2)
    client.get(reverse("guide:leaderboard"))
    assert_queries_do_not_grow(
        lambda: (count(), count(show="hyosan-record"), count(show="hyosan-record", season=1)),
        lambda: add_fans(2, 25),
        "leaderboard (overall, per show, per season) 2 -> 27 fans",
    )
    assert len(ranking(client)) == 27
    # The shows, the show, its seasons (the tabs), the fans by their theories, the
    # forecasters by their scores.
    with django_assert_max_num_queries(5):
        client.get(reverse("guide:leaderboard"), {"show": "hyosan-record"})


def test_unpublished_shows_count_nowhere(client, fan):
    secret = ShowFactory(title="Secret Show", is_published=False)
    season = SeasonFactory(show=secret, status=SeasonStatus.RELEASED, release_date="2024-01-01")
    TheoryFactory(author=fan, season=season, outcome="confirmed")
    assert fan.get_absolute_url() not in client.get(reverse("guide:leaderboard")).text
    hidden_role = CharacterFactory(show=secret, name="Secret Character")
    page = client.get(reverse("guide:theory_list"), {"character": hidden_role.pk})
    assert page.status_code == 404


def test_an_actors_roles_in_unpublished_shows_stay_secret(client):
    actor = PersonFactory(name="Jo Yi-hyun")
    public = CharacterFactory(actor=actor, name="Choi Nam-ra")
    CharacterFactory(actor=actor, name="Secret Role", show=ShowFactory(is_published=False))
    page = client.get(public.get_absolute_url()).text
    assert "Secret Role" not in page
