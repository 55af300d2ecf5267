"""The bench's large dataset, and the checks run against it. Called by bench/run.py.

    python bench/generate.py generate [--scale N]   # N× the fans, theories, votes, comments
    python bench/generate.py discover   # JSON: the ids and paths the load generator hits
    python bench/generate.py verify     # JSON: theories whose counts or ranks drifted

Run with the bench's environment (DATABASE_URL of the bench database, never the
developer's own). Everything is deterministic for a given GENERATOR_VERSION and scale.
Rows are made and inserted a batch at a time, and no step does more than linear work in
the number of rows, so that --scale 10 (a million votes) stays a matter of minutes.
"""

import argparse
import contextlib
import functools
import itertools
import json
import math
import os
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Bump when the shape of the generated data changes: run.py then regenerates its cache.
GENERATOR_VERSION = 2
# At --scale 1; --scale N makes N times as many of each.
SIZES = {
    "fans": 2_000,
    "theories": 10_000,
    "votes": 100_000,
    "comments": 20_000,
    "predictions": 1_000,
    "forecasts": 100_000,
}
# Of the predictions, these many in a thousand are the editors' questions; the rest are
# claims of popular theories. About one forecast in this many is a changed mind.
QUESTIONS_PER_MILLE = 30
CHANGED_MIND = 8
FAN_PREFIX = "benchfan"
FAN_PASSWORD = "bench-only-password-5d1c"  # noqa: S105 - throwaway accounts in a throwaway DB
SEARCH_WORDS = ["cure", "rooftop", "Nam-ra", "military", "school"]
# The last fans by id may sign in for the bench (run.py --vote-fans); these many of them
# are told what they may edit: their own visible comments and not yet frozen theories.
EDITING_FANS = 500
BATCH = 2_000

TITLES = [
    "{name} finds a cure in the {place}",
    "The {place} holds the answer to the outbreak",
    "{name} will lead the survivors out of {town}",
    "What if {name} was immune all along?",
    "The military cover-up reaches the {place}",
    "{name} and {other} reunite on the rooftop",
    "Half-zombies are the real story of the season",
    "{name} returns, but not as we knew them",
    "A second outbreak starts far from {town}",
    "The science teacher's notes explain {name}",
]
BODIES = [
    "I think **{name}** is the key. Remember the {place} scene: the camera lingers "
    "there for a reason.\n\nIf the writers follow the webtoon, the cure comes from "
    "someone we already met.",
    "Hear me out:\n\n- {name} survived too easily\n- {other} knew more than they said\n"
    "- the military never searched the {place}\n\nThat is a setup for the next season.",
    "> The first season was about people surviving.\n\nSo the second is about the "
    "infected. *{name}* is half of each, which makes them the bridge between the two.",
    "Short theory: the rooftop group splits up and {name} goes back to {town} for "
    "{other}. Someone at the {place} is hiding the cure.",
    "Every school drama needs a reunion. My guess is that {name} and {other} meet "
    "again at the {place}, and only one of them is still fully human.",
]
COMMENTS = [
    "Good catch about the {place}, I never noticed that.",
    "I doubt it: {name} had no reason to go back.",
    "This would explain the ending of the first season.",
    "The webtoon hints at something like this, but not with {name}.",
    "Upvoted. {other} deserves more screen time anyway.",
    "Hard no, the military would never allow it.",
    "If this happens I will rewatch the whole first season.",
    "*Please* let this be true.",
]
PLACES = ["library", "science lab", "gym", "rooftop", "broadcasting room", "hospital"]
TOWN = "Hyosan"


def setup():
    import django

    django.setup()


def _fill(template: str, rng: random.Random, names: list[str]) -> str:
    name, other = rng.sample(names, 2)
    return template.format(name=name, other=other, place=rng.choice(PLACES), town=TOWN)


@dataclass(frozen=True)
class Setting:
    """The demo show the dataset is about, and the years its rows are spread over."""

    show: Any
    seasons: list
    released: list
    characters: list
    names: list[str]
    first_day: datetime
    span: float  # seconds from first_day to now

    def moment(self, rng: random.Random) -> datetime:
        return self.first_day + timedelta(seconds=rng.uniform(0, self.span))


@dataclass
class TheoryPlan:
    """An unsaved theory, and what decides how many votes and comments it draws."""

    theory: Any
    weight: float  # popularity, heavy-tailed
    approval: float  # the chance that a vote on it is up
    characters: list


def _setting() -> Setting:
    from guide.demo import SHOW_SLUG
    from guide.models import Character, Season, Show

    show = Show.objects.get(slug=SHOW_SLUG)
    seasons = list(Season.objects.filter(show=show).order_by("number"))
    characters = list(Character.objects.filter(show=show))
    first_day = datetime(2022, 2, 1, tzinfo=UTC)
    return Setting(
        show=show,
        seasons=seasons,
        released=[season for season in seasons if season.is_released],
        characters=characters,
        names=[character.name for character in characters],
        first_day=first_day,
        span=(datetime.now(UTC) - first_day).total_seconds(),
    )


def sizes(scale: int) -> dict[str, int]:
    return {name: count * scale for name, count in SIZES.items()}


def _create_fans(rng: random.Random, setting: Setting, count: int) -> list:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from accounts.names import skeleton

    User = get_user_model()
    # One password hash, computed once (PBKDF2 at full strength takes ~1 s).
    password = make_password(FAN_PASSWORD)
    fans = (
        User(
            username=f"{FAN_PREFIX}{i:04d}",
            # bulk_create skips User.save(), which keeps this column.
            username_skeleton=skeleton(f"{FAN_PREFIX}{i:04d}"),
            email=f"{FAN_PREFIX}{i:04d}@bench.invalid",
            password=password,
            display_name=f"Bench fan {i}" if i % 3 else "",
            date_joined=setting.moment(rng),
        )
        for i in range(count)
    )
    return _insert(User, fans)


def _create_watch_progress(rng: random.Random, fans: list, show) -> None:
    from guide.models import WatchProgress

    _insert(
        WatchProgress,
        (
            WatchProgress(user=fan, show=show, seasons_watched=rng.choice([0, 1, 1]))
            for fan in fans
            if rng.random() < 0.3
        ),
        keep=False,
    )


def _plan_theory(rng: random.Random, number: int, author, setting: Setting) -> TheoryPlan:
    from guide.models import Theory
    from guide.services import theory_text_fields

    seasons, released = setting.seasons, setting.released
    season = rng.choice(seasons) if rng.random() < 0.4 else seasons[-1]
    title = f"{_fill(rng.choice(TITLES), rng, setting.names)} (#{number})"[:140]
    body = _fill(rng.choice(BODIES), rng, setting.names)
    outcome = "open"
    if season in released:
        outcome = rng.choice(["open", "confirmed", "partly", "debunked", "debunked"])
    spoiler_season = released[-1].number if released and rng.random() < 0.25 else None
    # The site asks a spoiler theory for a headline that gives nothing away.
    headline = f"What season {season.number} may bring (#{number})" if spoiler_season else ""
    theory = Theory(
        author=author,
        season=season,
        title=title,
        body=body,
        spoiler_season=spoiler_season,
        spoiler_free_title=headline,
        outcome=outcome,
        is_hidden=rng.random() < 0.01,
        created_at=setting.moment(rng),
        **theory_text_fields(
            title=title, body=body, spoiler_season=spoiler_season, spoiler_free_title=headline
        ),
    )
    return TheoryPlan(
        theory=theory,
        weight=min(rng.paretovariate(1.3), 40.0),
        approval=rng.betavariate(4, 2),
        characters=rng.sample(setting.characters, rng.choice([0, 1, 1, 2, 3])),
    )


def _plan_theories(
    rng: random.Random, fans: list, setting: Setting, count: int
) -> list[TheoryPlan]:
    # A few fans write most of the theories.
    author_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(fans))]
    authors = rng.choices(fans, weights=author_weights, k=count)
    with _rendering_each_body_once():
        return [
            _plan_theory(rng, index + 1, author, setting) for index, author in enumerate(authors)
        ]


@contextlib.contextmanager
def _rendering_each_body_once():
    """Theory bodies come from a few hundred fillings of BODIES: the project's Markdown
    renders each distinct one once (memoised while planning) instead of once per theory."""
    from guide import markdown

    originals = markdown.render, markdown.to_plain_text
    markdown.render = functools.lru_cache(maxsize=None)(originals[0])
    markdown.to_plain_text = functools.lru_cache(maxsize=None)(originals[1])
    try:
        yield
    finally:
        markdown.render, markdown.to_plain_text = originals


def _draw_votes(
    rng: random.Random, plans: list[TheoryPlan], fan_count: int, popularity: list[float], count: int
) -> list[tuple[int, int, int]]:
    """(fan index, theory index, value) for unique pairs, drawn by theory popularity."""
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < count:
        missing = count - len(pairs)
        picked = rng.choices(range(len(plans)), cum_weights=popularity, k=missing)
        pairs.update((rng.randrange(fan_count), t) for t in picked)
    return [
        (fan_index, theory_index, 1 if rng.random() < plans[theory_index].approval else -1)
        for fan_index, theory_index in sorted(pairs)
    ]


def _set_vote_fields(plans: list[TheoryPlan], votes: list[tuple[int, int, int]]) -> None:
    """Counts and ranks by the project's own rule, so the data starts out consistent."""
    from guide import ranking

    up = Counter(theory_index for _, theory_index, value in votes if value == 1)
    down = Counter(theory_index for _, theory_index, value in votes if value == -1)
    for index, plan in enumerate(plans):
        fields = ranking.vote_fields(
            upvotes=up[index], downvotes=down[index], created=plan.theory.created_at
        )
        for name, value in fields.items():
            setattr(plan.theory, name, value)


def _create_theories(plans: list[TheoryPlan]) -> list:
    from guide.models import Theory

    theories = _insert(Theory, (plan.theory for plan in plans))
    Through = Theory.characters.through
    _insert(
        Through,
        (
            Through(theory_id=theory.pk, character_id=character.pk)
            for theory, plan in zip(theories, plans, strict=True)
            for character in plan.characters
        ),
        keep=False,
    )
    return theories


def _create_votes(
    rng: random.Random, votes: list[tuple[int, int, int]], fans: list, theories: list
) -> None:
    from guide.models import Vote

    _insert(
        Vote,
        (
            Vote(
                user_id=fans[fan_index].pk,
                theory_id=theories[theory_index].pk,
                value=value,
                created_at=theories[theory_index].created_at + timedelta(hours=rng.uniform(0, 500)),
            )
            for fan_index, theory_index, value in votes
        ),
        keep=False,
    )


def _create_comments(
    rng: random.Random,
    setting: Setting,
    popularity: list[float],
    theories: list,
    fans: list,
    count: int,
) -> None:
    from guide import markdown
    from guide.models import Comment

    targets = rng.choices(range(len(theories)), cum_weights=popularity, k=count)
    rendered: dict[str, str] = {}  # a handful of distinct bodies: render each once

    def comment(theory_index: int) -> Comment:
        body = _fill(rng.choice(COMMENTS), rng, setting.names)
        if body not in rendered:
            rendered[body] = markdown.render(body)
        theory = theories[theory_index]
        return Comment(
            theory_id=theory.pk,
            author=rng.choice(fans),
            body=body,
            body_html=rendered[body],
            spoiler_season=1 if rng.random() < 0.1 else None,
            is_hidden=rng.random() < 0.01,
            created_at=theory.created_at + timedelta(hours=rng.uniform(0, 2000)),
        )

    _insert(Comment, map(comment, targets), keep=False)


def _create_predictions(
    rng: random.Random, setting: Setting, plans: list, theories: list, count: int
) -> list:
    """Claims of the most popular theories and a few questions, each tied to its season;
    those of a season that is out are resolved (yes or no, against a source)."""
    from guide.models import Prediction, Resolution

    questions = count * QUESTIONS_PER_MILLE // 1000
    by_popularity = sorted(range(len(plans)), key=lambda i: -plans[i].weight)
    claimed = [i for i in by_popularity if not plans[i].theory.is_hidden][: count - questions]

    def resolved(season) -> dict:
        if season not in setting.released:
            return {}
        return {
            "resolution": rng.choice([Resolution.YES, Resolution.NO]),
            "resolved_at": datetime(2022, 2, 15, tzinfo=UTC),
            "resolution_source_url": "https://www.netflix.com/title/81237994",
        }

    def question(number: int) -> Prediction:
        season = rng.choice(setting.seasons)
        return Prediction(
            season=season,
            claim=f"Will {rng.choice(setting.names)} be in season {season.number}? (#{number})",
            criteria="Yes if the character appears on screen in any episode of the season.",
            created_at=datetime(2021, 6, 1, tzinfo=UTC),
            **resolved(season),
        )

    def claim(index: int) -> Prediction:
        theory, plan = theories[index], plans[index]
        name = plan.characters[0].name if plan.characters else rng.choice(setting.names)
        season = next(s for s in setting.seasons if s.pk == theory.season_id)
        return Prediction(
            season=season,
            theory_id=theory.pk,
            author_id=theory.author_id,
            claim=f"{name} is back in season {season.number}",
            criteria="Yes if they appear alive on screen in the season.",
            spoiler_season=theory.spoiler_season,
            # A claim on a season that is out was stated half a year before it came out.
            created_at=_before_release(season) - timedelta(days=180)
            if season in setting.released
            else theory.created_at,
            **resolved(season),
        )

    rows = [question(n) for n in range(questions)] + [claim(i) for i in claimed]
    return _insert(Prediction, rows)


def _before_release(season) -> datetime:
    """Forecasts on a season that is out were made before it came out (bench data starts
    after season 1's release): a moment in the half year before its release day."""
    if season.release_date is None:
        return datetime.now(UTC)
    return datetime.combine(season.release_date, datetime.min.time(), tzinfo=UTC) - timedelta(
        days=1
    )


def _create_forecasts(
    rng: random.Random, setting: Setting, predictions: list, fans: list, count: int
) -> int:
    """`count` forecasts by fan and prediction (popular predictions draw most), a few of
    them changed minds (the older row no longer current); the resolved predictions' last
    forecasts are scored, as resolving them on the site would (guide.scoring)."""
    from guide import scoring
    from guide.models import Forecast, ForecastScore, Resolution

    weights = list(itertools.accumulate(1 / (rank + 1) ** 0.6 for rank in range(len(predictions))))
    pairs: set[tuple[int, int]] = set()
    target = count * CHANGED_MIND // (CHANGED_MIND + 1)
    while len(pairs) < target:
        picked = rng.choices(range(len(predictions)), cum_weights=weights, k=target - len(pairs))
        pairs.update((p, rng.randrange(len(fans))) for p in picked)
    rows, last = [], {}
    for p, f in sorted(pairs):
        prediction = predictions[p]
        start = prediction.created_at
        end = _before_release(prediction.season) if prediction.resolution != "open" else None
        end = end or datetime.now(UTC)
        when = start + (end - start) * rng.random() * 0.9
        percent = rng.randint(5, 95)
        if rng.random() < 1 / CHANGED_MIND:
            rows.append(
                Forecast(
                    prediction_id=prediction.pk,
                    user_id=fans[f].pk,
                    percent=percent,
                    created_at=when,
                    current=False,
                )
            )
            when += (end - when) * rng.random() * 0.5
            percent = max(1, min(99, percent + rng.randint(-30, 30)))
        rows.append(
            Forecast(
                prediction_id=prediction.pk, user_id=fans[f].pk, percent=percent, created_at=when
            )
        )
        last[p, f] = (percent, when)
    _insert(Forecast, rows, keep=False)
    by_prediction: dict[int, list] = {}
    for (p, f), kept in last.items():
        if predictions[p].resolution in (Resolution.YES, Resolution.NO):
            by_prediction.setdefault(p, []).append((f, *kept))
    scores = []
    for p, counted in by_prediction.items():
        happened = predictions[p].resolution == Resolution.YES
        peers = scoring.peer_scores([scoring.fraction(pc) for _f, pc, _w in counted], happened)
        for (f, percent, when), peer in zip(counted, peers, strict=True):
            chance = scoring.fraction(percent)
            scores.append(
                ForecastScore(
                    prediction_id=predictions[p].pk,
                    user_id=fans[f].pk,
                    percent=percent,
                    made_at=when,
                    happened=happened,
                    brier=scoring.brier(chance, happened),
                    log_score=scoring.log_score(chance, happened),
                    peer_score=peer,
                )
            )
    _insert(ForecastScore, scores, keep=False)
    return len(rows)


def _insert(model, rows, *, keep: bool = True) -> list:
    """bulk_create a batch at a time from an iterable, so that only one batch of unsaved
    rows is in memory; the saved rows (with their ids) are returned when `keep`."""
    saved = []
    for batch in itertools.batched(rows, BATCH):
        created = model.objects.bulk_create(batch, batch_size=BATCH)
        if keep:
            saved += created
    return saved


def _count_boards(fans, predictions) -> None:
    """The leaderboard's rows and the predictions' crowds, as the site keeps them when it
    settles, scores and takes each forecast."""
    from guide import services

    services.recount_boards(fan_ids=[fan.pk for fan in fans])
    services.recount_crowds(prediction_ids=[prediction.pk for prediction in predictions])


def _analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum would soon do on a real site after a load like this.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def generate(scale: int = 1) -> dict:
    from django.db import transaction

    started = time.monotonic()
    size = sizes(scale)
    # The order of the random draws decides the data: keep it when changing this.
    rng = random.Random(GENERATOR_VERSION)
    setting = _setting()
    steps: dict[str, float] = {}
    marks = [started]

    def step(name: str) -> None:  # seconds each step took, for finding where time goes
        marks.append(time.monotonic())
        steps[name] = round(marks[-1] - marks[-2], 1)

    with transaction.atomic():
        fans = _create_fans(rng, setting, size["fans"])
        _create_watch_progress(rng, fans, setting.show)
        step("fans")
        plans = _plan_theories(rng, fans, setting, size["theories"])
        popularity = list(itertools.accumulate(plan.weight for plan in plans))
        votes = _draw_votes(rng, plans, len(fans), popularity, size["votes"])
        _set_vote_fields(plans, votes)
        step("planning")
        theories = _create_theories(plans)
        step("theories")
        _create_votes(rng, votes, fans, theories)
        step("votes")
        _create_comments(rng, setting, popularity, theories, fans, size["comments"])
        step("comments")
        predictions = _create_predictions(rng, setting, plans, theories, size["predictions"])
        size["forecasts"] = _create_forecasts(rng, setting, predictions, fans, size["forecasts"])
        step("forecasts")
        _count_boards(fans, predictions)
        step("boards and crowds")
    step("commit")
    _analyze()
    step("analyze")
    return {"seconds": round(time.monotonic() - started, 1), "steps": steps, **size}


def _edit_targets(usernames: list[str]) -> dict:
    """{username: {"comments": [[pk, spoiler]], "theories": [[pk, title, spoiler, headline,
    [ids]]]}}: what each fan may edit, with what the edit form must keep (title,
    spoiler-free headline, characters)."""
    from guide.models import Comment, SeasonStatus, Theory

    public = Theory.objects.published().filter(is_hidden=False)
    targets: dict = {name: {"comments": [], "theories": []} for name in usernames}
    theories = (
        public.filter(author__username__in=usernames)
        .exclude(season__status=SeasonStatus.RELEASED)
        .values_list("author__username", "pk", "title", "spoiler_season", "spoiler_free_title")
    )
    through = Theory.characters.through.objects.filter(theory__in=theories.values("pk"))
    characters: dict = {}
    for theory_id, character_id in through.values_list("theory_id", "character_id"):
        characters.setdefault(theory_id, []).append(character_id)
    for username, pk, title, spoiler, headline in theories:
        kept = [pk, title, spoiler, headline, characters.get(pk, [])]
        targets[username]["theories"].append(kept)
    comments = Comment.objects.filter(
        author__username__in=usernames, is_hidden=False, theory__in=public
    ).values_list("author__username", "pk", "spoiler_season")
    for username, pk, spoiler in comments:
        targets[username]["comments"].append([pk, spoiler])
    return {name: found for name, found in targets.items() if any(found.values())}


def _deep_page() -> int:
    """The number of the last page of the newest theories a visitor sees; the load
    generator follows its old address once to the cursor the site now links it by."""
    from django.contrib.auth.models import AnonymousUser

    from guide import selectors
    from guide.views.theories import THEORIES_PER_PAGE

    listed = selectors.theory_listing(user=AnonymousUser(), filters={"sort": "new"})[0]
    return max(1, math.ceil(listed.count() / THEORIES_PER_PAGE))


def discover() -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.db.models import Count

    from guide.demo import SHOW_SLUG
    from guide.models import Prediction, Season, Theory, WatchProgress

    public = Theory.objects.published().filter(is_hidden=False)
    top = list(public.order_by("-hot", "-pk").values_list("pk", "slug")[:500])
    # With each theory's author: nobody votes on their own theory (the server refuses).
    vote_targets = list(public.order_by("-hot", "-pk").values_list("pk", "author__username")[:3000])
    season = Season.objects.filter(show__slug=SHOW_SLUG).order_by("-number").first()
    authors = list(
        get_user_model()
        .objects.filter(is_active=True, username__startswith=FAN_PREFIX)
        .annotate(n=Count("theories"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .values_list("username", flat=True)[:500]
    )
    fans = list(
        get_user_model()
        .objects.filter(is_active=True, username__startswith=FAN_PREFIX)
        .order_by("pk")
        .values_list("username", flat=True)
    )
    # Fans who told the site how far they have watched, as fans who read the guide do.
    watchers = list(
        WatchProgress.objects.filter(
            show=season.show, user__is_active=True, user__username__startswith=FAN_PREFIX
        )
        .order_by("user_id")
        .values_list("user__username", flat=True)
    )
    # The predictions with the most forecasts first, as their readers would find them.
    predictions = list(
        Prediction.objects.filter(season__show=season.show)
        .annotate(n=Count("forecasts"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:500]
    )
    scopes = ["", f"?show={SHOW_SLUG}"] + [
        f"?show={SHOW_SLUG}&season={number}"
        for number in Season.objects.filter(show=season.show).values_list("number", flat=True)
    ]
    return {
        "season_path": season.get_absolute_url(),
        "prediction_paths": [f"/predictions/{pk}/" for pk in predictions],
        "leaderboard_paths": [f"/leaderboard/{scope}" for scope in scopes],
        "season_id": season.pk,
        "theory_paths": [f"/theories/{pk}/{slug or '-'}/" for pk, slug in top],
        "vote_targets": vote_targets,
        "profile_users": authors,
        "fans": fans,
        "watchers": watchers,
        "deep_page": _deep_page(),
        "edit_targets": _edit_targets(fans[-EDITING_FANS:]),
        "edit_limit": settings.RATE_LIMITS["edit"],
        "password": FAN_PASSWORD,
        "search_words": SEARCH_WORDS,
        "css_path": staticfiles_storage.url("css/site.css"),
    }


def verify() -> dict:
    """Do the stored counts and ranks of every theory still match its vote rows?"""
    from guide.models import Theory, Vote
    from guide.selectors import vote_count_mismatches

    mismatched = vote_count_mismatches()
    return {
        "theories": Theory.objects.count(),
        "votes": Vote.objects.count(),
        "mismatches": len(mismatched),
        "mismatched_ids": mismatched[:20],  # a sample to start looking from
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["generate", "discover", "verify"])
    parser.add_argument("--scale", type=int, default=1, help="generate: N× the base sizes")
    args = parser.parse_args()
    setup()
    if args.command == "generate":
        print(json.dumps(generate(args.scale)))
    else:
        print(json.dumps({"discover": discover, "verify": verify}[args.command]()))


if __name__ == "__main__":
    main()
