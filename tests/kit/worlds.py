"""A small world like the demo's, for the modules that need one.

`build_world()` makes one published show, "All Of Us Are Dead", with season 1 (released)
and season 2 (announced), two characters who appear in both, two facts about season 2
(one of them a season-1 spoiler), three theories (one open, one a season-1 spoiler, one
settled), one comment and the two fans `fan` and `other_fan` (the same users as the
fixtures of those names), who voted through the services so that every stored count is
right. A module that needs more adds its own rows on top; the keyword arguments change
fields of the show or of a season, for the few modules that must.
"""

import datetime
from dataclasses import dataclass
from http import HTTPStatus

from django.test import Client
from django.urls import reverse

from accounts.models import User
from guide import services
from guide.models import (
    Character,
    Comment,
    Fact,
    Outcome,
    Season,
    SeasonStatus,
    Show,
    Theory,
)
from tests.factories import (
    CharacterFactory,
    CharacterStatusFactory,
    CommentFactory,
    FactFactory,
    PersonFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
)

SHOW_TITLE = "All Of Us Are Dead"
SHOW_SLUG = "all-of-us-are-dead"
ORIGINAL_TITLE = "지금 우리 학교는"

THEORY_TITLE = "On-jo returns as a half-zombie"
THEORY_BODY = "She *survives* somehow."
SPOILER_TITLE = "Nam-ra leads the half-zombies"
SPOILER_BODY = "After her bite in the finale she leads them."
SETTLED_TITLE = "Someone survives the school"
COMMENT_BODY = "Agreed!"
FACT_QUESTION = "Is season 2 confirmed?"
SPOILER_FACT_QUESTION = "Who survives into season two?"
SPOILER_FACT_ANSWER = "Nam-ra is a half-zombie now."


@dataclass
class World:
    show: Show
    s1: Season  # released
    s2: Season  # announced
    fan: User
    other_fan: User
    on_jo: Character  # played by Park Ji-hu
    nam_ra: Character  # played by Jo Yi-hyun
    fact: Fact  # season 2, official, no spoiler
    spoiler_fact: Fact  # season 2, a rumour that spoils season 1
    theory: Theory  # fan's, season 2, about On-jo: up-voted by other_fan, one comment
    spoiler_theory: Theory  # other_fan's, season 2, a season-1 spoiler: down-voted by fan
    settled: Theory  # fan's, season 1, confirmed
    comment: Comment  # other_fan's, on `theory`

    def __getitem__(self, name: str):
        """world["theory"] as well as world.theory, for tables of names."""
        return getattr(self, name)


def build_world(
    *, show: dict | None = None, s1: dict | None = None, s2: dict | None = None
) -> World:
    """The base world, with these fields of the show or of a season changed."""
    fan = UserFactory(username="fan")
    other_fan = UserFactory(username="other_fan")
    the_show = ShowFactory(
        **{
            "title": SHOW_TITLE,
            "slug": SHOW_SLUG,
            "original_title": ORIGINAL_TITLE,
            "tagline": "Hyosan High is overrun.",
            "is_featured": True,
            **(show or {}),
        }
    )
    season_1 = SeasonFactory(
        **{
            "show": the_show,
            "number": 1,
            "status": SeasonStatus.RELEASED,
            "release_date": datetime.date(2022, 1, 28),
            "episode_count": 12,
            "typical_runtime": 61,
            **(s1 or {}),
        }
    )
    season_2 = SeasonFactory(
        **{
            "show": the_show,
            "number": 2,
            "status": SeasonStatus.ANNOUNCED,
            "release_date": None,
            "renewal_announced_on": datetime.date(2022, 6, 7),
            **(s2 or {}),
        }
    )
    on_jo = CharacterFactory(
        show=the_show,
        name="Nam On-jo",
        slug="nam-on-jo",
        actor=PersonFactory(name="Park Ji-hu", slug="park-ji-hu"),
    )
    nam_ra = CharacterFactory(
        show=the_show,
        name="Choi Nam-ra",
        slug="choi-nam-ra",
        actor=PersonFactory(name="Jo Yi-hyun", slug="jo-yi-hyun", native_name="조이현"),
    )
    CharacterStatusFactory(character=on_jo, season=season_1, status="alive")
    CharacterStatusFactory(character=nam_ra, season=season_1, status="half_zombie")
    CharacterStatusFactory(character=on_jo, season=season_2, status="unknown")
    CharacterStatusFactory(character=nam_ra, season=season_2, status="unknown")
    fact = FactFactory(
        season=season_2,
        question=FACT_QUESTION,
        answer="Netflix renewed the show.",
        kind="official",
        source_name="Netflix Tudum",
        source_url="https://example.com/tudum",
        order=1,
    )
    spoiler_fact = FactFactory(
        season=season_2,
        question=SPOILER_FACT_QUESTION,
        answer=SPOILER_FACT_ANSWER,
        kind="rumour",
        source_name="Forum",
        spoiler_season=1,
        order=4,
    )
    theory = services.post_theory(
        author=fan, season=season_2, title=THEORY_TITLE, body=THEORY_BODY, characters=[on_jo]
    )
    spoiler_theory = services.post_theory(
        author=other_fan,
        season=season_2,
        title=SPOILER_TITLE,
        body=SPOILER_BODY,
        characters=[nam_ra],
        spoiler_season=1,
    )
    settled = TheoryFactory(
        author=fan, season=season_1, title=SETTLED_TITLE, outcome=Outcome.CONFIRMED
    )
    services.cast_vote(user=other_fan, theory_id=theory.pk, value=1)
    services.cast_vote(user=fan, theory_id=spoiler_theory.pk, value=-1)
    services.recount_votes(theory_ids=[settled.pk])
    comment = CommentFactory(theory=theory, author=other_fan, body=COMMENT_BODY)
    for row in (theory, spoiler_theory, settled):
        row.refresh_from_db()
    return World(
        show=the_show,
        s1=season_1,
        s2=season_2,
        fan=fan,
        other_fan=other_fan,
        on_jo=on_jo,
        nam_ra=nam_ra,
        fact=fact,
        spoiler_fact=spoiler_fact,
        theory=theory,
        spoiler_theory=spoiler_theory,
        settled=settled,
        comment=comment,
    )


NOT_ANSWERED = None


def reader_client(show: Show, level: int | None = NOT_ANSWERED, *, user=None) -> Client:
    """A visitor (or `user`, signed in) who told how many seasons of `show` they watched,
    through the site's own form, or who has not answered (NOT_ANSWERED)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    if level is not NOT_ANSWERED:
        response = client.post(
            reverse("guide:set_progress"), {"show": show.pk, "seasons_watched": level}
        )
        assert response.status_code == HTTPStatus.FOUND
    return client
