"""Load the demo show, "All Of Us Are Dead", idempotently.

Every row is found by its natural key and written only when a value differs, so a
second run changes nothing — not even `updated_at`. Each part of the demo is a small
function called from `handle()` inside one transaction; add new parts the same way.
"""

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand
from django.db import models, transaction

from guide import demo
from guide.models import Character, CharacterStatus, Fact, Person, Season, Show


class Tally:
    """Counts rows created, updated and left alone, per model."""

    def __init__(self) -> None:
        self.created: Counter[type[models.Model]] = Counter()
        self.updated: Counter[type[models.Model]] = Counter()
        self.unchanged: Counter[type[models.Model]] = Counter()
        self.models: dict[type[models.Model], None] = {}  # in the order first loaded

    def record(self, model: type[models.Model], outcome: str) -> None:
        self.models.setdefault(model)
        getattr(self, outcome)[model] += 1

    def summary(self) -> str:
        totals = self.created + self.updated + self.unchanged
        rows = ", ".join(
            f"{totals[model]} "
            f"{model._meta.verbose_name if totals[model] == 1 else model._meta.verbose_name_plural}"
            for model in self.models
        )
        return (
            f"Demo loaded: {rows} ({self.created.total()} created, "
            f"{self.updated.total()} updated, {self.unchanged.total()} unchanged)."
        )


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    field = obj._meta.get_field(name)
    if field.is_relation:
        return getattr(obj, field.attname) != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def sync[M: models.Model](
    model: type[M], tally: Tally, *, lookup: dict[str, Any], values: dict[str, Any]
) -> M:
    """Create the row found by `lookup`, or update only the fields whose value differs.

    Unlike update_or_create, an unchanged row is not saved, so its `updated_at` stays put.
    """
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        tally.record(model, "created")
        return model._default_manager.create(**lookup, **values)
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
        self.stdout.write(self.style.SUCCESS(tally.summary()))
