"""Votes are exact under concurrent voters, on SQLite (WAL, IMMEDIATE) and PostgreSQL.

Many threads, each its own database connection and its own fan, cast, flip and clear
votes on the same few theories at once. Afterwards the stored counts and ranks must
equal what the vote rows say, and no request may have failed.

Run with `-s` to see the throughput line.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from guide import services
from guide.models import Theory, Vote
from tests.factories import SeasonFactory, TheoryFactory
from tests.kit.counts import assert_vote_counts_match_rows

THREADS = 24
VOTES_PER_THREAD = 30
VALUES = (1, -1, 0, 1)  # create, flip, clear, create again

pytestmark = pytest.mark.django_db(transaction=True)


def _plan(index: int, theory_ids: list[int]) -> list[tuple[int, int]]:
    """Thread `index`'s (theory id, value) sequence, and hence its fan's final votes."""
    return [
        (theory_ids[(index + step) % len(theory_ids)], VALUES[(index + step) % len(VALUES)])
        for step in range(VOTES_PER_THREAD)
    ]


def _expected_votes(plans: list[list[tuple[int, int]]], fans: list[User]) -> set:
    final = {}
    for fan, plan in zip(fans, plans, strict=True):
        for theory_id, value in plan:
            final[(fan.pk, theory_id)] = value
    return {(user_id, theory_id, value) for (user_id, theory_id), value in final.items() if value}


def _assert_exact(theory_ids, fans, plans):
    assert set(Vote.objects.values_list("user_id", "theory_id", "value")) == _expected_votes(
        plans, fans
    )
    assert_vote_counts_match_rows(Theory.objects.filter(pk__in=theory_ids))


def _run_together(work, count: int) -> tuple[list, float]:
    """Run work(index) in `count` threads released at once; return results and seconds."""
    barrier = threading.Barrier(count + 1)

    def thread(index):
        try:
            barrier.wait(timeout=30)
            return work(index)
        finally:
            # Each thread opened its own connection; close it, or PostgreSQL cannot drop
            # the test database and SQLite keeps the file open.
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(thread, index) for index in range(count)]
        barrier.wait(timeout=30)
        started = time.perf_counter()
        results = [future.result(timeout=120) for future in futures]
        elapsed = time.perf_counter() - started
    return results, elapsed


def _report(kind: str, votes: int, seconds: float) -> None:
    print(
        f"\nconcurrency ({kind}): {votes} votes in {seconds:.1f} s = "
        f"{votes / seconds:.0f} votes/s ({connection.vendor}, {THREADS} threads)"
    )


@pytest.fixture
def fans():
    return User.objects.bulk_create(
        [User(username=f"voter{n}", email=f"voter{n}@example.com") for n in range(THREADS)]
    )


@pytest.fixture
def theory_ids():
    season = SeasonFactory()
    theories = TheoryFactory.create_batch(3, season=season)
    services.recount_votes(theory_ids=[theory.pk for theory in theories])
    return [theory.pk for theory in theories]


def test_concurrent_votes_over_http_keep_counts_exact(settings, fans, theory_ids):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (10_000, 60)}
    plans = [_plan(index, theory_ids) for index in range(THREADS)]
    clients = []
    for fan in fans:
        client = Client()
        client.force_login(fan)
        clients.append(client)
    connection.close()  # the threads use their own connections; free the file/slot

    def vote(index):
        outcomes = []
        for theory_id, value in plans[index]:
            try:
                response = clients[index].post(
                    reverse("guide:vote", args=[theory_id]),
                    {"value": str(value)},
                    headers={"accept": "application/json"},
                )
            except Exception as error:  # a failed request is a result here
                outcomes.append(f"{type(error).__name__}: {error}")
                continue
            if response.status_code != 200:
                outcomes.append(f"{response.status_code}: {response.content[:200]!r}")
                continue
            body = response.json()
            assert body["my_vote"] == value
            assert body["score"] == body["upvotes"] - body["downvotes"]
            outcomes.append(200)
        return outcomes

    results, seconds = _run_together(vote, THREADS)

    statuses = [outcome for outcomes in results for outcome in outcomes]
    assert len(statuses) == THREADS * VOTES_PER_THREAD
    failures = [status for status in statuses if status != 200]
    assert failures == []
    _assert_exact(theory_ids, fans, plans)
    _report("HTTP", len(statuses), seconds)


def test_concurrent_cast_vote_calls_keep_counts_exact(fans, theory_ids):
    plans = [_plan(index, theory_ids) for index in range(THREADS)]
    connection.close()

    def vote(index):
        outcomes = []
        for theory_id, value in plans[index]:
            try:
                counts = services.cast_vote(user=fans[index], theory_id=theory_id, value=value)
            except Exception as error:  # a failed vote is a result here
                outcomes.append(f"{type(error).__name__}: {error}")
                continue
            assert counts.score == counts.upvotes - counts.downvotes
            outcomes.append("ok")
        return outcomes

    results, seconds = _run_together(vote, THREADS)

    outcomes = [outcome for thread_outcomes in results for outcome in thread_outcomes]
    assert len(outcomes) == THREADS * VOTES_PER_THREAD
    assert [outcome for outcome in outcomes if outcome != "ok"] == []
    _assert_exact(theory_ids, fans, plans)
    _report("services.cast_vote", len(outcomes), seconds)


def test_one_fans_votes_at_once_on_one_theory_keep_counts_exact(fans, theory_ids):
    """A fan's own votes at once (a double click, two tabs) queue on their account row
    (services.hold_fan), so each reads the vote the one before it left: the counts stay
    equal to the one row left, whatever order they land in."""
    fan, theory_id = fans[0], theory_ids[0]
    connection.close()

    def vote(index):
        value = VALUES[index % len(VALUES)] or 1
        counts = services.cast_vote(user=fan, theory_id=theory_id, value=value)
        services.cast_vote(user=fan, theory_id=theory_id, value=-value)
        return counts.score

    _run_together(vote, THREADS)

    assert Vote.objects.filter(user=fan).count() == 1
    assert_vote_counts_match_rows(Theory.objects.filter(pk__in=theory_ids))
