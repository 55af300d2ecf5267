"""Load the demo show, "All Of Us Are Dead", idempotently.

Every row is found by its natural key and written only when a value differs, so a
second run changes nothing — not even `updated_at`. Each part of the demo is a small
function called from `handle()` inside one transaction; add new parts the same way.
"""

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models import Count, Q

from core import freshness
from guide import demo, markdown, ranking, services
from guide.models import (
    Character,
    CharacterStatus,
    Comment,
    Fact,
    Person,
    Season,
    Show,
    Theory,
    Vote,
)


class Tally:
    """Counts rows created, updated and left alone, per model."""

    def __init__(self) -> None:
        self.created: Counter[type[models.Model]] = Counter()
        self.updated: Counter[type[models.Model]] = Counter()
        self.unchanged: Counter[type[models.Model]] = Counter()
        self.deleted: Counter[type[models.Model]] = Counter()
        self.models: dict[type[models.Model], None] = {}  # in the order first loaded
        self.names: dict[type[models.Model], tuple[str, str]] = {}
        self.last = ""  # the outcome of the latest record()

    def record(self, model: type[models.Model], outcome: str) -> None:
        self.models.setdefault(model)
        getattr(self, outcome)[model] += 1
        self.last = outcome

    def amend(self, model: type[models.Model]) -> None:
        """The row just recorded as unchanged was then changed another way (M2M, a date)."""
        if self.last == "unchanged":
            self.unchanged[model] -= 1
            self.record(model, "updated")

    def name(self, model: type[models.Model], singular: str, plural: str) -> None:
        """Call the model's rows something other than its verbose name in the summary."""
        self.names[model] = (singular, plural)

    def summary(self) -> str:
        totals = self.created + self.updated + self.unchanged
        rows = ", ".join(
            f"{totals[model]} {self._name(model, totals[model])}" for model in self.models
        )
        deleted = f", {self.deleted.total()} deleted" if self.deleted.total() else ""
        return (
            f"Demo loaded: {rows} ({self.created.total()} created, "
            f"{self.updated.total()} updated{deleted}, {self.unchanged.total()} unchanged)."
        )

    def _name(self, model: type[models.Model], count: int) -> str:
        singular, plural = self.names.get(
            model, (model._meta.verbose_name, model._meta.verbose_name_plural)
        )
        return singular if count == 1 else plural


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def sync[M: models.Model](
    model: type[M],
    tally: Tally,
    *,
    lookup: dict[str, Any],
    values: dict[str, Any],
    create_only: dict[str, Any] | None = None,
) -> M:
    """Create the row found by `lookup`, or update only the fields whose value differs.

    Unlike update_or_create, an unchanged row is not saved, so its `updated_at` stays put.
    `create_only` values are written when the row is created and never compared again.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        tally.record(model, "created")
        return model._default_manager.create(**lookup, **values, **(create_only or {}))
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    if not changed:
        tally.record(model, "unchanged")
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    auto_now = [
        field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)
    ]
    obj.save(update_fields=[*changed, *auto_now])
    tally.record(model, "updated")
    return obj


def load_show(tally: Tally) -> Show:
    return sync(Show, tally, lookup={"slug": demo.SHOW_SLUG}, values=demo.SHOW)


def load_people(tally: Tally) -> dict[str, Person]:
    people = {}
    for record in demo.PEOPLE:
        values = {key: value for key, value in record.items() if key != "slug"}
        people[record["slug"]] = sync(Person, tally, lookup={"slug": record["slug"]}, values=values)
    return people


def load_characters(show: Show, people: dict[str, Person], tally: Tally) -> dict[str, Character]:
    characters = {}
    for record in demo.CHARACTERS:
        values = {key: value for key, value in record.items() if key != "slug"}
        values["actor"] = people[record["actor"]]
        characters[record["slug"]] = sync(
            Character, tally, lookup={"show": show, "slug": record["slug"]}, values=values
        )
    return characters


def load_seasons(show: Show, tally: Tally) -> dict[int, Season]:
    seasons = {}
    for record in demo.SEASONS:
        values = {key: value for key, value in record.items() if key != "number"}
        seasons[record["number"]] = sync(
            Season, tally, lookup={"show": show, "number": record["number"]}, values=values
        )
    return seasons


def load_character_statuses(
    characters: dict[str, Character], seasons: dict[int, Season], tally: Tally
) -> None:
    for record in demo.CHARACTER_STATUSES:
        sync(
            CharacterStatus,
            tally,
            lookup={
                "character": characters[record["character"]],
                "season": seasons[record["season"]],
            },
            values={"status": record["status"], "note": record["note"]},
        )


def load_facts(seasons: dict[int, Season], people: dict[str, Person], tally: Tally) -> None:
    for record in demo.FACTS:
        values = {**demo.FACT_DEFAULTS, **record}
        season = seasons[values.pop("season")]
        question = values.pop("question")
        if values["quoted_person"] is not None:
            values["quoted_person"] = people[values["quoted_person"]]
        sync(Fact, tally, lookup={"season": season, "question": question}, values=values)


def restore_created_at(obj: Theory | Comment, created_at: datetime, tally: Tally) -> None:
    """Backdate a row (created_at is auto_now_add, so it is set after the insert)."""
    if obj.created_at != created_at:
        type(obj).objects.filter(pk=obj.pk).update(created_at=created_at)
        obj.created_at = created_at
        tally.amend(type(obj))


def load_fans(tally: Tally) -> dict[str, models.Model]:
    User = get_user_model()
    tally.name(User, "demo fan", "demo fans")
    fans = {}
    for record in demo.FANS:
        values = {key: value for key, value in record.items() if key != "username"}
        fans[record["username"]] = sync(
            User,
            tally,
            lookup={"username": record["username"]},
            values=values,
            # Nobody may sign in as a demo fan. Set once: a fresh unusable password is
            # a new random string each time, so comparing it would never settle.
            create_only={"password": make_password(None)},
        )
    return fans


def load_theories(
    seasons: dict[int, Season],
    characters: dict[str, Character],
    fans: dict[str, models.Model],
    tally: Tally,
) -> dict[tuple[int, str], Theory]:
    theories = {}
    for record in demo.THEORIES:
        values = {**demo.THEORY_DEFAULTS, **record}
        season = seasons[values.pop("season")]
        title = values.pop("title")
        created_at = values.pop("created_at")
        about = {characters[slug].pk for slug in values.pop("characters")}
        values.pop("approval")
        values["author"] = fans[values["author"]]
        values["body_html"] = markdown.render(values["body"])
        values["search_text"] = Theory(title=title, body=values["body"]).searchable_text()
        values["slug"] = Theory(
            title=title, spoiler_season=values.get("spoiler_season")
        ).make_slug()
        theory = sync(Theory, tally, lookup={"season": season, "title": title}, values=values)
        restore_created_at(theory, created_at, tally)
        if set(theory.characters.values_list("pk", flat=True)) != about:
            theory.characters.set(about)
            tally.amend(Theory)
        theories[season.number, title] = theory
    return theories


def load_votes(
    theories: dict[tuple[int, str], Theory], fans: dict[str, models.Model], tally: Tally
) -> None:
    planned: dict[int, set[int]] = {theory.pk: set() for theory in theories.values()}
    for record in demo.planned_votes():
        theory, fan = theories[record["season"], record["title"]], fans[record["user"]]
        sync(Vote, tally, lookup={"user": fan, "theory": theory}, values={"value": record["value"]})
        planned[theory.pk].add(fan.pk)
    # A demo fan's vote that the plan no longer has goes; other fans' votes stay.
    fan_ids = [fan.pk for fan in fans.values()]
    for theory_id, voters in planned.items():
        deleted, _ = (
            Vote.objects.filter(theory_id=theory_id, user_id__in=fan_ids)
            .exclude(user_id__in=voters)
            .delete()
        )
        tally.deleted[Vote] += deleted


def recount_stale(theories: dict[tuple[int, str], Theory]) -> None:
    """Bring each theory's counts and ranks in line with its vote rows.

    Only theories whose stored values differ are recounted, so a second run writes nothing.
    """
    stale = []
    counted = Theory.objects.filter(pk__in=[theory.pk for theory in theories.values()]).annotate(
        up=Count("votes", filter=Q(votes__value=1)),
        down=Count("votes", filter=Q(votes__value=-1)),
    )
    for theory in counted:
        score = theory.up - theory.down
        expected = (
            theory.up,
            theory.down,
            score,
            ranking.hot(score, theory.created_at),
            ranking.wilson_lower_bound(theory.up, theory.down),
        )
        stored = (theory.upvotes, theory.downvotes, theory.score, theory.hot, theory.wilson)
        if stored != expected:
            stale.append(theory.pk)
    if stale:
        services.recount_votes(theory_ids=stale)


def load_comments(
    theories: dict[tuple[int, str], Theory], fans: dict[str, models.Model], tally: Tally
) -> None:
    by_title = {title: theory for (_, title), theory in theories.items()}
    for record in demo.COMMENTS:
        theory = by_title[record["theory"]]
        comment = sync(
            Comment,
            tally,
            lookup={"theory": theory, "author": fans[record["author"]], "body": record["body"]},
            values={
                "body_html": markdown.render(record["body"]),
                "spoiler_season": record["spoiler_season"],
            },
        )
        restore_created_at(comment, theory.created_at + timedelta(days=record["after_days"]), tally)


class Command(BaseCommand):
    help = 'Load the demo show "All Of Us Are Dead" (safe to run again: changes nothing).'

    def handle(self, *args: Any, **options: Any) -> None:
        tally = Tally()
        with transaction.atomic():
            show = load_show(tally)
            people = load_people(tally)
            characters = load_characters(show, people, tally)
            seasons = load_seasons(show, tally)
            load_character_statuses(characters, seasons, tally)
            load_facts(seasons, people, tally)
            fans = load_fans(tally)
            theories = load_theories(seasons, characters, fans, tally)
            load_votes(theories, fans, tally)
            recount_stale(theories)
            load_comments(theories, fans, tally)
        freshness.bump()
        self.stdout.write(self.style.SUCCESS(tally.summary()))
