"""Votes on theories: up, down, cleared, counted exactly, with or without JavaScript."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from guide import services
from guide.models import Theory, Vote
from tests.kit.counts import assert_vote_counts_match_rows

pytestmark = pytest.mark.django_db

EVIL_NEXTS = ["https://evil.example/", "//evil.example", "/\\evil.example", "http://evil.example"]


def test_vote_up_down_clear_and_repeat(other_fan_client, other_fan, theory):
    url = reverse("guide:vote", args=[theory.pk])
    expected = {1: (1, 0, 1), -1: (0, 1, -1), 0: (0, 0, 0)}
    for value in (1, 1, -1, -1, 0, 0, 1):
        response = other_fan_client.post(url, {"value": value})
        assert response.status_code == HTTPStatus.FOUND
        assert_vote_counts_match_rows()
        theory.refresh_from_db()
        assert (theory.upvotes, theory.downvotes, theory.score) == expected[value]
        assert Vote.objects.filter(user=other_fan).count() == (0 if value == 0 else 1)


def test_votes_of_several_fans_add_up(theory, superuser, other_fan, moderator):
    services.cast_vote(user=superuser, theory_id=theory.pk, value=1)
    services.cast_vote(user=other_fan, theory_id=theory.pk, value=1)
    services.cast_vote(user=moderator, theory_id=theory.pk, value=-1)
    assert_vote_counts_match_rows()
    theory.refresh_from_db()
    assert (theory.upvotes, theory.downvotes, theory.score) == (2, 1, 1)
    services.cast_vote(user=other_fan, theory_id=theory.pk, value=0)
    assert_vote_counts_match_rows()
    theory.refresh_from_db()
    assert (theory.upvotes, theory.downvotes, theory.score) == (1, 1, 0)


def test_vote_json(other_fan_client, theory):
    url = reverse("guide:vote", args=[theory.pk])
    headers = {"Accept": "application/json"}
    response = other_fan_client.post(url, {"value": "1"}, headers=headers)
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"score": 1, "upvotes": 1, "downvotes": 0, "my_vote": 1}
    response = other_fan_client.post(url, {"value": "-1"}, headers=headers)
    assert response.json() == {"score": -1, "upvotes": 0, "downvotes": 1, "my_vote": -1}
    response = other_fan_client.post(url, {"value": "0"}, headers=headers)
    assert response.json() == {"score": 0, "upvotes": 0, "downvotes": 0, "my_vote": 0}


def test_vote_shows_on_page(other_fan_client, theory):
    other_fan_client.post(reverse("guide:vote", args=[theory.pk]), {"value": 1})
    body = other_fan_client.get(theory.get_absolute_url()).text
    assert "1 up, 0 down" in body
    assert 'class="vote-up" aria-pressed="true"' in body


def test_vote_redirects_to_safe_next(other_fan_client, theory):
    target = reverse("guide:theory_list") + "?sort=top"
    response = other_fan_client.post(
        reverse("guide:vote", args=[theory.pk]), {"value": 1, "next": target}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == target


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_vote_ignores_offsite_next(other_fan_client, theory, evil):
    response = other_fan_client.post(
        reverse("guide:vote", args=[theory.pk]), {"value": 1, "next": evil}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == theory.get_absolute_url()


def test_vote_get_casts_nothing_and_goes_to_the_theory(other_fan_client, theory):
    response = other_fan_client.get(reverse("guide:vote", args=[theory.pk]), {"value": 1})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(theory.get_absolute_url() + "?vote=up")
    assert not Vote.objects.exists()


@pytest.mark.parametrize("value", ["2", "-2", "up", "", "1.0", "1e3", "\x00"])
def test_invalid_vote_is_400(other_fan_client, theory, value):
    response = other_fan_client.post(reverse("guide:vote", args=[theory.pk]), {"value": value})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Vote.objects.exists()
    assert_vote_counts_match_rows()


def test_vote_on_unknown_theory_is_404(other_fan_client):
    response = other_fan_client.post(reverse("guide:vote", args=[999999]), {"value": 1})
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_vote_rate_limit(other_fan_client, theory, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (2, 60)}
    url = reverse("guide:vote", args=[theory.pk])
    headers = {"Accept": "application/json"}
    assert other_fan_client.post(url, {"value": 1}, headers=headers).status_code == 200
    assert other_fan_client.post(url, {"value": -1}, headers=headers).status_code == 200
    response = other_fan_client.post(url, {"value": 0}, headers=headers)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()
    assert int(response["Retry-After"]) > 0
    # The refused vote changed nothing.
    assert_vote_counts_match_rows()
    theory.refresh_from_db()
    assert theory.downvotes == 1
    plain = other_fan_client.post(url, {"value": 0})
    assert plain.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Slow down" in plain.text


def test_a_vote_reaches_only_a_theory_the_fan_may_see(fan, other_fan, moderator, theory):
    """The service itself checks what the vote page's read used to: the theory's
    visibility is read in the statement that locks it."""
    theory.is_hidden = True
    theory.save(update_fields=["is_hidden"])
    with pytest.raises(Theory.DoesNotExist):
        services.cast_vote(user=other_fan, theory_id=theory.pk, value=1)
    services.cast_vote(user=moderator, theory_id=theory.pk, value=1)  # moderators see it
    theory.is_hidden = False
    theory.save(update_fields=["is_hidden"])
    show = theory.season.show
    show.is_published = False
    show.save(update_fields=["is_published"])
    with pytest.raises(Theory.DoesNotExist):
        services.cast_vote(user=other_fan, theory_id=theory.pk, value=-1)
    assert list(Vote.objects.values_list("user", "value")) == [(moderator.pk, 1)]
    assert_vote_counts_match_rows()


def test_a_vote_on_a_theory_the_fan_may_not_see_is_not_found(other_fan_client, theory):
    theory.is_hidden = True
    theory.save(update_fields=["is_hidden"])
    for accept in ("application/json", "text/html"):
        response = other_fan_client.post(
            reverse("guide:vote", args=[theory.pk]), {"value": "1"}, headers={"Accept": accept}
        )
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Vote.objects.exists()
