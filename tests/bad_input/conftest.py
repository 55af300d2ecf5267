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


@pytest.fixture(autouse=True)
def generous_rate_limits(settings):
    """Hypothesis posts hundreds of examples as one fan: these tests are about what the
    forms accept, and the limits have tests of their own (tests/guide/test_write_limits.py)."""
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, (100_000, 3600))
