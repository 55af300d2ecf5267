"""The rule: nobody votes on their own theory, so an author's score and record are what
other fans made them. The server refuses; the page offers no buttons to try."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from guide import permissions, services
from guide.models import SeasonStatus, Vote
from guide.selectors import vote_count_mismatches
from tests.factories import SeasonFactory, ShowFactory, VoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_theory(fan):
    season = SeasonFactory(show=ShowFactory(), status=SeasonStatus.ANNOUNCED)
    return services.post_theory(author=fan, season=season, title="Su-hyeok lives", body="He does.")


def test_the_service_refuses_an_authors_vote(fan, own_theory):
    for value in (1, -1):
        with pytest.raises(services.OwnTheoryVoteError):
            services.cast_vote(user=fan, theory_id=own_theory.pk, value=value)
    own_theory.refresh_from_db()
    assert (own_theory.upvotes, own_theory.downvotes, own_theory.score) == (0, 0, 0)
    assert not Vote.objects.exists()


def test_other_fans_still_vote(other_fan, own_theory):
    counts = services.cast_vote(user=other_fan, theory_id=own_theory.pk, value=1)
    assert counts.score == 1


def test_an_author_may_clear_a_vote_from_before_the_rule(fan, own_theory):
    VoteFactory(user=fan, theory=own_theory, value=1)
    services.recount_votes(theory_ids=[own_theory.pk])
    services.cast_vote(user=fan, theory_id=own_theory.pk, value=0)
    own_theory.refresh_from_db()
    assert own_theory.score == 0
    assert not Vote.objects.exists()
    assert vote_count_mismatches() == []


def test_the_rule_is_one_predicate(fan, other_fan, own_theory):
    assert not permissions.can_vote(fan, own_theory)
    assert permissions.can_vote(other_fan, own_theory)


def test_the_vote_view_refuses_with_a_clear_message(fan_client, own_theory):
    url = reverse("guide:vote", args=[own_theory.pk])
    response = fan_client.post(url, {"value": 1}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain[-1][0] == own_theory.get_absolute_url()
    assert "You cannot vote on your own theory." in response.content.decode()
    as_json = fan_client.post(url, {"value": 1}, headers={"Accept": "application/json"})
    assert as_json.status_code == HTTPStatus.FORBIDDEN
    assert as_json.json() == {"error": "You cannot vote on your own theory."}
    own_theory.refresh_from_db()
    assert own_theory.score == 0
    assert not Vote.objects.exists()


def test_the_author_sees_the_score_but_no_vote_buttons(fan_client, other_fan, own_theory):
    services.cast_vote(user=other_fan, theory_id=own_theory.pk, value=1)
    vote_url = reverse("guide:vote", args=[own_theory.pk])
    for url in (own_theory.get_absolute_url(), reverse("guide:home")):
        page = fan_client.get(url).content.decode()
        assert f'id="theory-{own_theory.pk}"' in page or "home" not in url
        assert '<output class="vote-score"' in page, url
        assert f'action="{vote_url}"' not in page, url


def test_other_fans_and_visitors_see_the_buttons(client, other_fan, own_theory):
    client.force_login(other_fan)
    vote_url = reverse("guide:vote", args=[own_theory.pk])
    assert f'action="{vote_url}"' in client.get(own_theory.get_absolute_url()).content.decode()
    client.logout()
    assert f'action="{vote_url}"' in client.get(own_theory.get_absolute_url()).content.decode()
