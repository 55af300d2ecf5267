"""A comment's spoiler shield follows the comment's own spoiler season, not its theory's.

A fan may tag a comment with a later season than the theory it answers (or tag nothing
on a tagged theory); the reader's progress is weighed against the comment's tag.
"""

import datetime

import pytest

from guide import services
from guide.models import Season, SeasonStatus
from tests.kit.html import assert_open, assert_shielded, page_of
from tests.kit.worlds import NOT_ANSWERED, build_world, reader_client

pytestmark = pytest.mark.django_db

SEASON_TWO_COMMENT = "The season two finale hands the school back to the army."
UNTAGGED_COMMENT = "I like how carefully this theory is argued."


@pytest.fixture
def world(db):
    world = build_world()
    # The world's `theory` has no spoiler tag; its `spoiler_theory` spoils season 1.
    services.post_comment(
        author=world.other_fan, theory=world.theory, body=SEASON_TWO_COMMENT, spoiler_season=2
    )
    services.post_comment(author=world.fan, theory=world.spoiler_theory, body=UNTAGGED_COMMENT)
    return world


@pytest.mark.parametrize("level", [NOT_ANSWERED, 0, 1])
def test_a_season_two_comment_on_an_untagged_theory_is_shielded_before_season_two(world, level):
    client = reader_client(world.show, level)
    page = page_of(client.get(world.theory.get_absolute_url()))
    assert_shielded(page, SEASON_TWO_COMMENT)


def test_a_season_two_comment_is_open_once_season_two_is_watched(world):
    # Only a season that is out can be marked as watched.
    Season.objects.filter(pk=world.s2.pk).update(
        status=SeasonStatus.RELEASED, release_date=datetime.date(2024, 1, 28)
    )
    client = reader_client(world.show, 2)
    page = page_of(client.get(world.theory.get_absolute_url()))
    assert_open(page, SEASON_TWO_COMMENT)


def test_a_signed_in_fan_at_season_one_sees_the_season_two_comment_shielded(world):
    client = reader_client(world.show, 1, user=world.fan)
    page = page_of(client.get(world.theory.get_absolute_url()))
    assert_shielded(page, SEASON_TWO_COMMENT)


def test_an_untagged_comment_on_a_spoiler_theory_is_shown_openly(world):
    # The reader has watched nothing: the theory is shielded, the plain comment is not.
    client = reader_client(world.show, 0)
    page = page_of(client.get(world.spoiler_theory.get_absolute_url()))
    assert_shielded(page, world.spoiler_theory.body)
    assert_open(page, UNTAGGED_COMMENT)
