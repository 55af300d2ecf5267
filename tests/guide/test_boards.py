"""The leaderboard's boards hold, after every write, what the records count now.

The boards (guide.models.boards) are kept by the services that settle, hide, publish,
delete and score. Each write below is done as the site does it (a service, or the admin
form an editor or moderator submits), and then every fan's row on every board is
compared with a count made from scratch, here, from every theory and score. The writes
are listed by the field they change, and every field the records' rule reads is found
from the rule's own query, so a new condition in the rule fails here until a write that
changes it keeps the boards.
"""

import datetime
import random
from collections import Counter
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.db.models.expressions import Col

from accounts.services import delete_account
from guide import services
from guide.models import (
    ForecastBoardRow,
    ForecastScore,
    Outcome,
    Prediction,
    Resolution,
    Season,
    SeasonStatus,
    Show,
    Theory,
    TheoryBoardRow,
)
from tests.factories import (
    ForecastFactory,
    PredictionFactory,
    ReportFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
)
from tests.kit.admin_forms import change_form_fields
from tests.kit.admin_world import admin_url

pytestmark = pytest.mark.django_db

BEFORE_ANY_LOCK = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)


# What the records count, from scratch -----------------------------------------------------


def counted_now() -> tuple[dict, dict]:
    """Every fan's settled theories and scored forecasts per board, from every row."""
    theories: dict = {}
    for theory in Theory.objects.select_related("season__show"):
        if (
            theory.author_id is None
            or theory.outcome == Outcome.OPEN
            or theory.is_hidden
            or theory.withdrawn_at is not None
            or not theory.season.show.is_published
        ):
            continue
        for board in boards_of(theory.season):
            tally = theories.setdefault((theory.author_id, board), Counter())
            tally[theory.outcome] += 1
    sums: dict = {}
    for score in ForecastScore.objects.select_related(
        "prediction__season__show", "prediction__theory"
    ):
        claim_of = score.prediction.theory
        if not score.prediction.season.show.is_published or (claim_of and claim_of.is_hidden):
            continue
        for board in boards_of(score.prediction.season):
            total = sums.setdefault((score.user_id, board), [0, 0.0, 0.0])
            total[0] += 1
            total[1] += score.peer_score
            total[2] += score.brier
    return (
        {
            key: (tally[Outcome.CONFIRMED], tally[Outcome.PARTLY], tally[Outcome.DEBUNKED])
            for key, tally in theories.items()
        },
        {
            key: (n, round(peer / n, 6), round(brier / n, 6))
            for key, (n, peer, brier) in sums.items()
        },
    )


def boards_of(season) -> tuple[str, str, str]:
    return f"season:{season.pk}", f"show:{season.show_id}", "all"


def stored() -> tuple[dict, dict]:
    theories = {
        (row.user_id, row.scope): (row.confirmed, row.partly, row.debunked)
        for row in TheoryBoardRow.objects.all()
    }
    forecasts = {
        (row.user_id, row.scope): (row.scored, round(row.mean_peer, 6), round(row.mean_brier, 6))
        for row in ForecastBoardRow.objects.all()
    }
    return theories, forecasts


def assert_boards_hold(after: str) -> None:
    theories, forecasts = stored()
    expected_theories, expected_forecasts = counted_now()
    assert theories == expected_theories, after
    assert forecasts == expected_forecasts, after


# A site with something on every board ----------------------------------------------------


@dataclass
class World:
    show: Show
    elsewhere: Show
    fans: list
    theories: list  # each fan's on the aired season, then on the other show's
    claim: Prediction  # the first theory's
    question: Prediction
    moderator: object
    editor: object
    superuser: object


@pytest.fixture
def world(moderator, editor, superuser):
    show, other = ShowFactory(title="Boarded"), ShowFactory(title="Elsewhere")
    aired = SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date="2022-01-28"
    )
    SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)
    other_aired = SeasonFactory(show=other, status=SeasonStatus.RELEASED, release_date="2023-05-01")
    fans = [UserFactory(username=f"boarded{n}") for n in range(4)]
    theories = [TheoryFactory(author=fan, season=aired) for fan in fans]
    theories += [TheoryFactory(author=fan, season=other_aired) for fan in fans[:2]]
    claim = PredictionFactory(season=aired, theory=theories[0], author=fans[0])
    question = PredictionFactory(season=aired)
    for prediction in (claim, question):
        for n, fan in enumerate(fans[1:]):
            ForecastFactory(
                prediction=prediction, user=fan, percent=20 + 30 * n, created_at=BEFORE_ANY_LOCK
            )
    built = World(show, other, fans, theories, claim, question, moderator, editor, superuser)
    settle(built, 1, Outcome.CONFIRMED)
    settle(built, 4, Outcome.DEBUNKED)
    resolve(built, built.question, Resolution.YES)
    assert TheoryBoardRow.objects.exists()
    assert ForecastBoardRow.objects.exists()
    return built


def settle(world: World, index: int, outcome: str) -> None:
    services.set_outcome(moderator=world.moderator, theory=world.theories[index], outcome=outcome)


def resolve(world: World, prediction: Prediction, resolution: str) -> None:
    prediction.refresh_from_db()
    services.resolve_prediction(
        moderator=world.moderator, prediction=prediction, resolution=resolution, source_url="x:"
    )


def set_hidden(world: World, index: int, hidden: bool) -> None:
    theory = Theory.objects.get(pk=world.theories[index].pk)
    services.set_hidden(moderator=world.moderator, item=theory, hidden=hidden)


def admin_client(client, user):
    client.force_login(user)
    return client


def publish_in_the_admin(world: World, client, published: bool) -> None:
    url = admin_url(Show, "change", world.show.pk)
    client = admin_client(client, world.editor)
    fields = change_form_fields(client.get(url))
    fields.pop("is_published", None)
    if published:
        fields["is_published"] = ["on"]
    assert client.post(url, fields).status_code == 302
    world.show.refresh_from_db()
    assert world.show.is_published is published


def move_the_aired_season_in_the_admin(world: World, client) -> None:
    season = world.theories[1].season
    url = admin_url(Season, "change", season.pk)
    client = admin_client(client, world.editor)
    fields = change_form_fields(client.get(url))
    fields |= {"show": [str(world.elsewhere.pk)], "number": ["5"]}
    assert client.post(url, fields).status_code == 302
    assert Season.objects.get(pk=season.pk).show == world.elsewhere


def delete_in_the_admin(user, model, pk, client) -> None:
    client = admin_client(client, user)
    response = client.post(admin_url(model, "delete", pk), {"post": "yes"})
    assert response.status_code == 302
    assert not model.objects.filter(pk=pk).exists()


def settle_withdrawn(world: World) -> None:
    """A theory withdrawn while its season was coming (another fan's comment keeps its
    page), settled once the season is out: it counts nowhere."""
    coming = world.show.seasons.get(number=2)
    theory = TheoryFactory(author=world.fans[2], season=coming)
    services.post_comment(author=world.fans[3], theory=theory, body="Kept.")
    assert services.delete_theory(theory=theory) is True
    coming.status, coming.release_date = SeasonStatus.RELEASED, datetime.date(2024, 1, 1)
    coming.save()
    theory = Theory.objects.select_related("season").get(pk=theory.pk)
    services.set_outcome(moderator=world.moderator, theory=theory, outcome=Outcome.CONFIRMED)
    assert Theory.objects.get(pk=theory.pk).outcome == Outcome.CONFIRMED


# Every write that changes what the records count, by the field it changes. --------------

WRITES = {
    "outcome": {
        "settle a theory confirmed": lambda w, c: settle(w, 2, Outcome.CONFIRMED),
        "settle a theory partly": lambda w, c: settle(w, 3, Outcome.PARTLY),
        "settle a settled theory otherwise": lambda w, c: settle(w, 1, Outcome.DEBUNKED),
        "reopen a settled theory": lambda w, c: settle(w, 4, Outcome.OPEN),
        "resolve a theory's last claim, which settles it": lambda w, c: resolve(
            w, w.claim, Resolution.YES
        ),
    },
    "is_hidden": {
        "hide a settled theory": lambda w, c: set_hidden(w, 1, True),
        "hide a theory whose claim is scored": lambda w, c: (
            resolve(w, w.claim, Resolution.NO),
            set_hidden(w, 0, True),
        ),
        "restore a hidden theory": lambda w, c: (set_hidden(w, 1, True), set_hidden(w, 1, False)),
        "uphold a report on a settled theory": lambda w, c: services.uphold_report(
            moderator=w.moderator, report_row=ReportFactory(theory=w.theories[4])
        ),
    },
    "is_published": {
        "take the show down in the admin": lambda w, c: publish_in_the_admin(w, c, False),
        "publish it again": lambda w, c: (
            publish_in_the_admin(w, c, False),
            publish_in_the_admin(w, c, True),
        ),
    },
    "show": {
        "move a season to another show in the admin": lambda w, c: (
            move_the_aired_season_in_the_admin(w, c)
        ),
    },
    "withdrawn_at": {
        "settle a theory its author withdrew": lambda w, c: settle_withdrawn(w),
    },
    "deleted": {
        # A settled theory's season is out, so its author can no longer take it down
        # (services.delete_theory): a superuser deleting it in the admin is the one way.
        "delete a settled theory in the admin": lambda w, c: delete_in_the_admin(
            w.superuser, Theory, w.theories[1].pk, c
        ),
    },
    "scores": {
        "resolve a question no": lambda w, c: resolve(w, w.question, Resolution.NO),
        "annul a question": lambda w, c: resolve(w, w.question, Resolution.ANNULLED),
        "reopen a question": lambda w, c: resolve(w, w.question, Resolution.OPEN),
        "rescore a season": lambda w, c: services.rescore_season(season=w.question.season),
    },
    "author": {
        "delete a fan's account": lambda w, c: delete_account(user=w.fans[1]),
    },
}


@pytest.mark.parametrize(
    ("field", "write"),
    [(field, name) for field, writes in WRITES.items() for name in writes],
)
def test_every_write_leaves_the_boards_as_the_records_count(world, client, field, write):
    assert_boards_hold("before")
    WRITES[field][write](world, client)
    assert_boards_hold(write)


def test_a_scored_question_is_deleted_nowhere(world, client):
    """Deleting a prediction would take its scores with it: the admin refuses it even a
    superuser, since the forecasts and scores it would take are deleted by no admin."""
    response = admin_client(client, world.superuser).post(
        admin_url(Prediction, "delete", world.question.pk), {"post": "yes"}
    )
    assert response.status_code == 403
    assert world.question.scores.exists()
    assert_boards_hold("a refused deletion")


def where_fields(queryset) -> set[str]:
    """The fields a queryset's WHERE clause reads, however deep its joins."""
    names = set()

    def walk(node):
        if isinstance(node, Col):
            names.add(node.target.name)
        for child in (
            getattr(node, "children", None) or getattr(node, "get_source_expressions", list)()
        ):
            walk(child)
        for side in ("lhs", "rhs"):
            if hasattr(node, side):
                walk(getattr(node, side))

    walk(queryset.query.where)
    return names


def test_every_field_the_records_rule_reads_has_a_write_above():
    read = where_fields(Theory.objects.in_records()) | where_fields(
        ForecastScore.objects.in_records()
    )
    # A prediction's theory decides only whose hiding counts: the theory's is_hidden.
    read -= {"theory"}
    assert read, "the rule's fields were not found"
    assert read <= set(WRITES), read - set(WRITES)


def test_a_random_run_of_writes_keeps_the_boards(world, client):
    """The writes in a seeded random order, repeats and undoings included, checked after
    each: what one write stores, the next must recount from, not add to."""
    steps = [
        lambda: settle(world, random_pick.choice([1, 2, 3, 4]), random_pick.choice(Outcome.values)),
        lambda: set_hidden(world, random_pick.choice([0, 1, 2, 4]), random_pick.random() < 0.5),
        lambda: resolve(world, world.question, random_pick.choice(Resolution.values)),
        lambda: resolve(world, world.claim, random_pick.choice(Resolution.values)),
        lambda: publish_in_the_admin(world, client, random_pick.random() < 0.7),
        lambda: services.rescore_season(season=world.question.season),
    ]
    random_pick = random.Random(12)
    for n in range(30):
        step = random_pick.choice(steps)
        step()
        assert_boards_hold(f"step {n}")
    assert TheoryBoardRow.objects.filter(~Q(scope="all")).exists()


# The migration that made the boards fills them from what was there --------------------

BEFORE_BOARDS, WITH_BOARDS = (
    ("guide", "0035_content_in_two_languages"),
    ("guide", "0036_leaderboard_boards"),
)


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_boards_from_what_was_settled_and_scored():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_BOARDS])
    old = executor.loader.project_state([BEFORE_BOARDS]).apps
    # The user table is as the accounts app's latest migration left it: its own model.
    fan_id = UserFactory(username="veteran").pk
    show = old.get_model("guide", "Show").objects.create(
        title="Hyosan", slug="hyosan", is_published=True
    )
    season = old.get_model("guide", "Season").objects.create(
        show=show, number=1, status="released", release_date=datetime.date(2022, 1, 28)
    )
    Theory = old.get_model("guide", "Theory")
    for outcome, hidden in [("confirmed", False), ("partly", False), ("debunked", True)]:
        Theory.objects.create(
            author_id=fan_id,
            season=season,
            title=outcome,
            body="…",
            outcome=outcome,
            is_hidden=hidden,
        )
    question = old.get_model("guide", "Prediction").objects.create(
        season=season, claim="It airs", criteria="On screen.", resolution="yes"
    )
    old.get_model("guide", "ForecastScore").objects.create(
        prediction=question,
        user_id=fan_id,
        percent=80,
        made_at=BEFORE_ANY_LOCK,
        happened=True,
        brier=0.04,
        log_score=-0.22,
        peer_score=30.0,
    )

    executor = MigrationExecutor(connection)
    executor.migrate([WITH_BOARDS])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert stored() == counted_now()
    theories, forecasts = stored()
    assert theories[fan_id, "all"] == (1, 1, 0)
    assert forecasts[fan_id, f"season:{season.pk}"] == (1, 30.0, 0.04)
    assert len(theories) == len(forecasts) == 3
