"""The three orders of the theory list, on theories chosen so that each order differs:
hot (the default), top (confidence in the up-votes) and new."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from guide.ranking import vote_fields
from tests.factories import TheoryFactory
from tests.kit.html import page_of

pytestmark = pytest.mark.django_db


def ranked(title: str, *, days_old: int, upvotes: int, downvotes: int = 0):
    created = timezone.now() - timedelta(days=days_old)
    return TheoryFactory(
        title=title,
        created_at=created,
        spoiler_season=None,
        **vote_fields(upvotes=upvotes, downvotes=downvotes, created=created),
    )


@pytest.fixture
def theories(db):
    # hot: a thousand up a day ago beats one up today (3 - 1 > 0), which beats a hundred
    # up three days ago (2 - 3 < 0). top: 1000/0, then 100/0, then 1/1. new: by age.
    ranked("Thousand yesterday", days_old=1, upvotes=1000)
    ranked("One today", days_old=0, upvotes=1, downvotes=1)
    ranked("Hundred three days ago", days_old=3, upvotes=100)


def order(client, **query) -> list[str]:
    page = page_of(client.get(reverse("guide:theory_list"), query))
    titles = ["Thousand yesterday", "One today", "Hundred three days ago"]
    return sorted(titles, key=page.text.index)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Thousand yesterday", "One today", "Hundred three days ago"]),
        ({"sort": "hot"}, ["Thousand yesterday", "One today", "Hundred three days ago"]),
        ({"sort": "top"}, ["Thousand yesterday", "Hundred three days ago", "One today"]),
        ({"sort": "new"}, ["One today", "Thousand yesterday", "Hundred three days ago"]),
    ],
)
def test_each_order(client, theories, query, expected):
    assert order(client, **query) == expected
