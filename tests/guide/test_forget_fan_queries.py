"""Deleting an account recounts the theories its votes fed in a fixed number of queries,
however many theories that is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guide import services
from tests.factories import TheoryFactory, UserFactory
from tests.kit.counts import assert_vote_counts_match_rows

pytestmark = pytest.mark.django_db


def test_removing_a_fans_votes_costs_the_same_for_two_theories_or_ten():
    def vote_and_remove(theories: int) -> int:
        fan = UserFactory()
        for theory in TheoryFactory.create_batch(theories, spoiler_season=None):
            services.cast_vote(user=fan, theory_id=theory.pk, value=1)
        with CaptureQueriesContext(connection) as queries:
            services.remove_votes_of(user=fan)
        assert_vote_counts_match_rows()
        return len(queries)

    assert vote_and_remove(10) == vote_and_remove(2)
