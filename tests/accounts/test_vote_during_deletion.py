"""A fan's request that meets their own account deletion: never a 5xx, counts stay exact.

The race: a request is signed in (the user row is read), the account is deleted and
committed, then the request writes a row that points at the user. Every write a fan can
make is tried in that window, then votes are raced for real in threads. The tests
commit (transactional), as the foreign keys are only checked at commit.
"""

import datetime
import re
import threading
from contextlib import contextmanager
from http import HTTPStatus
from unittest import mock

import pytest
from django.contrib import auth
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.models import User
from core.errors import AccountGone
from guide import services
from guide.models import Comment, Report, SeasonStatus, Theory, Vote, WatchProgress
from tests.factories import SeasonFactory, ShowFactory, UserFactory
from tests.kit.introspection import own_functions

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    season = SeasonFactory(show=ShowFactory(), status=SeasonStatus.ANNOUNCED)
    author = UserFactory(username="author")
    theory = services.post_theory(author=author, season=season, title="Theirs", body="x")
    for n in range(3):
        services.cast_vote(user=UserFactory(username=f"voter{n}"), theory_id=theory.pk, value=1)
    # Only a released season can be marked as watched.
    watched = SeasonFactory(
        show=ShowFactory(),
        number=1,
        status=SeasonStatus.RELEASED,
        release_date=datetime.date(2022, 1, 28),
    )
    return {"season": season, "theory": theory, "watched": watched}


@contextmanager
def deleted_once_signed_in(fan):
    """The fan's account is deleted as soon as their request has read the user row."""
    real_get_user = auth.get_user

    def get_user(request):
        found = real_get_user(request)
        if found.pk == fan.pk and User.objects.filter(pk=fan.pk).exists():
            account_services.delete_account(user=User.objects.get(pk=fan.pk))
        return found

    with mock.patch.object(auth, "get_user", get_user):
        yield


def assert_counts_match_vote_rows():
    for theory in Theory.objects.all():
        rows = Vote.objects.filter(theory=theory)
        assert theory.upvotes == rows.filter(value=1).count(), theory
        assert theory.downvotes == rows.filter(value=-1).count(), theory
        assert theory.score == theory.upvotes - theory.downvotes


def fan_writes(world):
    theory, season = world["theory"], world["season"]
    return {
        "vote": (reverse("guide:vote", args=[theory.pk]), {"value": "1"}, {}),
        "vote with JS": (
            reverse("guide:vote", args=[theory.pk]),
            {"value": "-1"},
            {"HTTP_ACCEPT": "application/json"},
        ),
        "comment": (
            reverse("guide:comment_create", args=[theory.pk]),
            {"body": "Last words"},
            {},
        ),
        "theory": (
            reverse("guide:theory_create"),
            {"season": season.pk, "title": "Posted as I left", "body": "Body"},
            {},
        ),
        "report": (
            reverse("guide:report_theory", args=[theory.pk]),
            {"reason": "spam", "note": ""},
            {},
        ),
        "watch progress": (
            reverse("guide:set_progress"),
            {"show": world["watched"].show.pk, "seasons_watched": "1"},
            {},
        ),
    }


@pytest.mark.parametrize(
    "write", ["vote", "vote with JS", "comment", "theory", "report", "watch progress"]
)
def test_a_write_that_meets_the_deletion_is_refused_cleanly(world, write):
    fan = UserFactory(username="leaving")
    url, data, headers = fan_writes(world)[write]
    client = Client(raise_request_exception=False)
    client.force_login(fan)

    with deleted_once_signed_in(fan):
        response = client.post(url, data, **headers)

    assert response.status_code == HTTPStatus.CONFLICT, response.content[:300]
    assert "no longer exists" in response.content.decode()
    assert not User.objects.filter(pk=fan.pk).exists()
    assert not Vote.objects.filter(user_id=fan.pk).exists()
    assert not Comment.objects.filter(body="Last words").exists()
    assert not Theory.objects.filter(title="Posted as I left").exists()
    assert not Report.objects.filter(reporter_id=fan.pk).exists()
    assert not WatchProgress.objects.filter(user_id=fan.pk).exists()
    assert_counts_match_vote_rows()
    # The browser is signed out: its next page is a visitor's.
    assert "_auth_user_id" not in client.session


def test_the_service_says_the_account_is_gone(world):
    fan = UserFactory(username="leaving")
    stale = User.objects.get(pk=fan.pk)
    account_services.delete_account(user=fan)
    with pytest.raises(AccountGone):
        services.cast_vote(user=stale, theory_id=world["theory"].pk, value=1)
    assert_counts_match_vote_rows()


def test_holding_a_fan_outside_a_transaction_is_refused(world):
    """The lock would end with its own statement and hold nothing: as select_for_update
    refuses it, so does hold_fan, and no write goes on unguarded."""
    refusal = re.escape("hold_fan holds the row until a transaction ends.")
    with pytest.raises(TransactionManagementError, match=f"^{refusal}$"):
        services.hold_fan(world["theory"].author)
    with transaction.atomic():
        services.hold_fan(world["theory"].author)


def test_votes_racing_a_deletion_leave_exact_counts(world):
    """Threads vote as the fan while another thread deletes the account."""
    season = world["season"]
    theories = [world["theory"]] + [
        services.post_theory(author=UserFactory(), season=season, title=f"T{n}", body="x")
        for n in range(3)
    ]
    fan = UserFactory(username="leaving")
    start = threading.Barrier(5)
    outcomes, failures = [], []

    def vote_loop(theory):
        stale = User.objects.get(pk=fan.pk)
        start.wait()
        try:
            for value in (1, -1, 1, 0, 1, -1) * 3:
                services.cast_vote(user=stale, theory_id=theory.pk, value=value)
            outcomes.append("voted")
        except AccountGone:
            outcomes.append("gone")
        except Exception as error:  # anything else is the bug
            failures.append(error)
        finally:
            connection.close()

    def delete():
        start.wait()
        try:
            account_services.delete_account(user=User.objects.get(pk=fan.pk))
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote_loop, args=[t]) for t in theories]
    threads.append(threading.Thread(target=delete))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert failures == []
    assert len(outcomes) == len(theories)
    assert not User.objects.filter(pk=fan.pk).exists()
    assert not Vote.objects.filter(user_id=fan.pk).exists()
    assert_counts_match_vote_rows()


# Keeping it that way --------------------------------------------------------------------------

# Services that take a fan but are part of deleting them, under the deletion's own lock.
DELETION_STEPS = {"remove_votes_of", "forget_fan"}
FAN_PARAMETERS = {"user", "author", "reporter", "fan"}


def test_every_service_acting_for_a_fan_holds_the_fan_first():
    """A new service that writes on a fan's behalf must start with hold_fan."""
    import inspect

    acting_for_a_fan = {
        name: function
        for name, function in own_functions(services).items()
        if FAN_PARAMETERS & set(inspect.signature(function).parameters)
        and name not in DELETION_STEPS
        and name != "hold_fan"  # the lock itself
    }
    assert "cast_vote" in acting_for_a_fan
    missing = [
        name
        for name, function in acting_for_a_fan.items()
        if "hold_fan(" not in inspect.getsource(function)
    ]
    assert missing == []
