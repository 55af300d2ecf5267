"""The season guide's lists, in the order editors set: facts by their order, the cast by
billing, and a timeline of dated milestones that names each one and never repeats the
season's own renewal and release dates."""

import datetime

import pytest
from django.template.defaultfilters import date as date_filter

from guide.models import Milestone, SeasonStatus
from tests.factories import (
    CharacterFactory,
    CharacterStatusFactory,
    FactFactory,
    PersonFactory,
    SeasonFactory,
    ShowFactory,
)
from tests.kit.counts import assert_queries_do_not_grow, count_queries
from tests.kit.html import page_of

pytestmark = pytest.mark.django_db

RENEWED_ON = datetime.date(2022, 6, 7)
RELEASED_ON = datetime.date(2025, 1, 31)


@pytest.fixture
def season(db):
    show = ShowFactory(title="Hyosan Guide", slug="hyosan-guide")
    SeasonFactory(show=show, number=1, status=SeasonStatus.RELEASED, release_date=RENEWED_ON)
    return SeasonFactory(
        show=show,
        number=2,
        status=SeasonStatus.RELEASED,
        release_date=RELEASED_ON,
        renewal_announced_on=RENEWED_ON,
    )


def text_of(client, season) -> str:
    return page_of(client.get(season.get_absolute_url())).text


def timeline_of(client, season) -> str:
    text = text_of(client, season)
    return text[text.index("Timeline") : text.index("Questions and answers")]


def day(value: datetime.date) -> str:
    """A date as the page shows it."""
    return date_filter(value, "DATE_FORMAT")


def test_facts_follow_the_editors_order_not_the_order_they_were_added(client, season):
    FactFactory(season=season, question="Asked last?", order=3)
    FactFactory(season=season, question="Asked first?", order=1)
    FactFactory(season=season, question="Asked second?", order=2)
    text = text_of(client, season)
    positions = [text.index(q) for q in ("Asked first?", "Asked second?", "Asked last?")]
    assert positions == sorted(positions)


def test_the_cast_follows_billing_before_names(client, season):
    for name, billing in (("Aaron Extra", 9), ("Zoe Lead", 1)):
        character = CharacterFactory(show=season.show, name=name, billing_order=billing)
        CharacterStatusFactory(character=character, season=season)
    text = text_of(client, season)
    assert text.index("Zoe Lead") < text.index("Aaron Extra")


def test_the_timeline_names_each_milestone_with_its_question(client, season):
    FactFactory(
        season=season,
        question="When did filming start?",
        milestone=Milestone.FILMING_STARTED,
        happened_on=datetime.date(2023, 3, 1),
    )
    timeline = timeline_of(client, season)
    filming = f"{day(datetime.date(2023, 3, 1))} Filming started — When did filming start?"
    renewed, released = f"{day(RENEWED_ON)} Renewed", f"{day(RELEASED_ON)} Released"
    assert timeline == f"Timeline {renewed} {filming} {released} "


def test_a_fact_about_the_release_replaces_the_seasons_own_release_date(client, season):
    question = "Did it come out on time?"
    FactFactory(
        season=season,
        question=question,
        milestone=Milestone.RELEASED,
        happened_on=RELEASED_ON,
    )
    timeline = timeline_of(client, season)
    assert (
        timeline == f"Timeline {day(RENEWED_ON)} Renewed {day(RELEASED_ON)} Released — {question} "
    )


def test_quoted_people_do_not_cost_a_query_each(client, season):
    def quote():
        FactFactory(season=season, quote="We will be back.", quoted_person=PersonFactory())

    quote()
    assert_queries_do_not_grow(
        lambda: count_queries(client, season.get_absolute_url()),
        lambda: [quote() for _ in range(3)],
        "season guide with quoted facts",
    )


def test_the_guide_links_every_season_of_the_show(client, season):
    first = season.show.seasons.get(number=1)
    hrefs = page_of(client.get(season.get_absolute_url())).hrefs
    assert first.get_absolute_url() in hrefs


def test_an_open_question_is_listed_and_a_bare_milestone_only_dated(client, season):
    FactFactory(season=season, question="Will there be a third season?", answer="")
    FactFactory(
        season=season,
        question="When was the teaser out?",
        answer="",
        milestone=Milestone.TEASER,
        happened_on=datetime.date(2024, 8, 1),
    )
    text = text_of(client, season)
    questions = text[text.index("Questions and answers") :]
    assert "Will there be a third season?" in questions
    assert "When was the teaser out?" not in questions
    assert "Teaser or trailer — When was the teaser out?" in timeline_of(client, season)
