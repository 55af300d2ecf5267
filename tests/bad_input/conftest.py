"""The world every bad-input test runs against: the kit's, with a moderation log."""

import pytest

from guide.models import ModerationKind
from tests.factories import ModerationActionFactory
from tests.kit.worlds import build_world


@pytest.fixture
def world(db, moderator):
    """Two seasons, theories of both fans with a comment and votes, and a log entry."""
    world = build_world()
    ModerationActionFactory(
        moderator=moderator, kind=ModerationKind.HIDE, theory=world.spoiler_theory
    )
    return world
