"""Fixtures for the tests of what fans write: a show, its seasons, a theory, a comment."""

import datetime

import pytest

from guide import services
from guide.models import SeasonStatus
from tests.factories import CharacterFactory, SeasonFactory, ShowFactory


@pytest.fixture
def show(db):
    return ShowFactory(title="All Of Us Are Dead", slug="all-of-us-are-dead")


@pytest.fixture
def season(show):
    return SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)


@pytest.fixture
def released(show):
    return SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )


@pytest.fixture
def character(show):
    return CharacterFactory(show=show, name="Nam On-jo", slug="nam-on-jo")


@pytest.fixture
def theory(fan, season):
    return services.post_theory(
        author=fan, season=season, title="On-jo returns", body="She *lives*."
    )


@pytest.fixture
def comment(theory, fan):
    return services.post_comment(author=fan, theory=theory, body="My own comment.")
