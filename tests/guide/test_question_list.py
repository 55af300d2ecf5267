"""The community questions' list: open ones first, the newest first within each."""

import datetime

import pytest
from django.urls import reverse

from guide import selectors
from guide.models import Resolution
from tests.factories import PredictionFactory, SeasonFactory, ShowFactory
from tests.kit.counts import assert_queries_do_not_grow, count_queries

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def season():
    return SeasonFactory(show=ShowFactory(is_published=True), number=2)


def asked(season, claim, *, days_ago=0, resolution=Resolution.OPEN):
    return PredictionFactory(
        season=season,
        claim=claim,
        created_at=NOON - datetime.timedelta(days=days_ago),
        resolution=resolution,
    )


def test_open_questions_come_first_each_group_newest_first(season):
    asked(season, "Settled long ago", days_ago=30, resolution=Resolution.YES)
    asked(season, "Open and old", days_ago=20)
    asked(season, "Settled lately", days_ago=1, resolution=Resolution.NO)
    asked(season, "Open and new", days_ago=2)
    # Asked at the same moment: the later one first, as it was added last.
    asked(season, "Open, asked with another", days_ago=10)
    asked(season, "Open, asked second", days_ago=10)
    claims = [question.claim for question in selectors.questions(user=None)]
    assert claims == [
        "Open and new",
        "Open, asked second",
        "Open, asked with another",
        "Open and old",
        "Settled lately",
        "Settled long ago",
    ]


def test_an_unpublished_shows_questions_are_not_listed(season):
    asked(season, "On the published show")
    asked(SeasonFactory(show=ShowFactory(is_published=False)), "Not yet public")
    assert [q.claim for q in selectors.questions(user=None)] == ["On the published show"]


def test_the_list_reads_the_same_queries_however_many_questions(client, season):
    url = reverse("guide:question_list")
    asked(season, "The first")

    def more():
        for n in range(10):
            asked(SeasonFactory(show=ShowFactory(is_published=True), number=1), f"More {n}")

    assert_queries_do_not_grow(lambda: count_queries(client, url), more, "questions")
