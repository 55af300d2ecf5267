"""Write the demo records (guide.demo.data) to the database, idempotently.

Every row is found by its natural key and written only when a value differs, so a
second run changes nothing — not even `updated_at`. A translated field's value in the
data is its English; its Korean comes as `<field>_ko` (guide/translation.py). Each part
of the demo is a small function; `load()` calls them in order. It opens no transaction
of its own: the caller (`manage.py load_demo`) runs it inside one.
"""

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import cache, partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import models
from django.utils import translation

from guide import markdown, selectors, services, uploads
from guide.demo import data, pictures
from guide.models import (
    Character,
    CharacterStatus,
    Comment,
    Fact,
    Forecast,
    Person,
    Prediction,
    Season,
    Show,
    Theory,
    TheoryImage,
    Vote,
)
from guide.models.translated import columns_of, field_of


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
        self.pictures = 0  # drawn for rows that had none (load_pictures)

    def record(self, model: type[models.Model], outcome: str) -> None:
        self.models.setdefault(model)
        getattr(self, outcome)[model] += 1
        self.last = outcome

    def amend(self, model: type[models.Model]) -> None:
        """The row just recorded as unchanged was then changed another way (its M2M)."""
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
        drawn = f", {self.pictures} pictures drawn" if self.pictures else ""
        return (
            f"Demo loaded: {rows} ({self.created.total()} created, "
            f"{self.updated.total()} updated{deleted}, {self.unchanged.total()} unchanged"
            f"{drawn})."
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


def _by_column(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """The values by the column that stores them: a translated field's English goes to
    its English column, and an empty translation is stored as no translation (NULL), as
    the admin stores it."""
    stored = {}
    for name, value in values.items():
        column = columns_of(model, name).get("en", name)
        translated = field_of(model, column) != column
        stored[column] = None if translated and value == "" else value
    return stored


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
    values = _by_column(model, values)
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
    # A translated field's own column follows its English (guide/translation.py).
    fields = {field_of(model, name) for name in changed} - set(changed)
    obj.save(update_fields=[*changed, *fields, *auto_now])
    tally.record(model, "updated")
    return obj


def load_show(tally: Tally) -> Show:
    return sync(Show, tally, lookup={"slug": data.SHOW_SLUG}, values=data.SHOW)


def load_people(tally: Tally) -> dict[str, Person]:
    people = {}
    for record in data.PEOPLE:
        values = {key: value for key, value in record.items() if key != "slug"}
        people[record["slug"]] = sync(Person, tally, lookup={"slug": record["slug"]}, values=values)
    return people


def load_characters(show: Show, people: dict[str, Person], tally: Tally) -> dict[str, Character]:
    characters = {}
    for record in data.CHARACTERS:
        values = {key: value for key, value in record.items() if key != "slug"}
        values["actor"] = people[record["actor"]]
        characters[record["slug"]] = sync(
            Character, tally, lookup={"show": show, "slug": record["slug"]}, values=values
        )
    return characters


def load_seasons(show: Show, tally: Tally) -> dict[int, Season]:
    seasons = {}
    for record in data.SEASONS:
        values = {key: value for key, value in record.items() if key != "number"}
        seasons[record["number"]] = sync(
            Season, tally, lookup={"show": show, "number": record["number"]}, values=values
        )
    return seasons


def load_pictures(
    show: Show,
    seasons: dict[int, Season],
    people: dict[str, Person],
    characters: dict[str, Character],
    tally: Tally,
) -> None:
    """Typographic posters and portraits (guide.demo.pictures) wherever a row has none:
    the demo ships only pictures it may ship, and never replaces an editor's upload."""
    _attach(
        show,
        "poster",
        partial(
            pictures.poster,
            title=show.title,
            native_title=show.original_title,
            palette=pictures.palette_for(show.title),
        ),
        f"Typographic poster: {show.title}, a school building under the moon.",
        tally,
    )
    for number, season in seasons.items():
        _attach(
            season,
            "poster",
            partial(
                pictures.poster,
                title=show.title,
                subtitle=f"Season {number}",
                native_title=show.original_title,
                palette=pictures.palette_for(f"{show.title} {number}"),
            ),
            f"Typographic poster: {show.title}, season {number}.",
            tally,
        )
    for row in [*people.values(), *characters.values()]:
        _attach(
            row,
            "portrait",
            partial(
                pictures.portrait,
                name=row.name,
                native_name=row.native_name,
                palette=pictures.palette_for(row.name),
            ),
            f"Typographic portrait: the initials of {row.name}.",
            tally,
        )


def load_theory_pictures(theories: dict[tuple[int, str], Theory], tally: Tally) -> None:
    """Fans' pictures on a few theories, drawn once: a theory that has pictures keeps them."""
    show = Show.objects.get(slug=data.SHOW_SLUG)
    for theory, records in _grouped(data.THEORY_PICTURES, theories).items():
        if theory.images.exists():
            continue
        for record in records:
            image = _uploaded(
                partial(
                    pictures.still,
                    show=show.title,
                    season=record["season"],
                    episode=record["episode"],
                    palette=pictures.palette_for(f"{record['season']}-{record['episode']}"),
                )
            )
            TheoryImage.objects.create(theory=theory, image=image, alt=record["alt"])
            tally.pictures += 1


def _uploaded(draw: partial) -> uploads.ReencodedImage:
    """The picture `draw` makes, as an upload of it is stored (guide.uploads)."""
    return uploads.ReencodedImage(
        _drawn_and_reencoded(draw.func, tuple(sorted(draw.keywords.items())), settings.CARD_FONT),
        name="image.webp",
    )


@cache
def _drawn_and_reencoded(drawing: Callable[..., bytes], arguments: tuple, card_font: str) -> bytes:
    """Drawn and re-encoded once per process and font: the same arguments always draw the
    same bytes, and encoding them twice took half of each load of the demo (the tests
    and `make run` load it again and again)."""
    del card_font  # a key only: the drawing reads the font from the settings
    return uploads.reencode(ContentFile(drawing(**dict(arguments)))).read()


def _grouped(records, theories) -> dict[Theory, list]:
    grouped: dict[Theory, list] = {}
    for record in records:
        grouped.setdefault(theories[record["theory"]], []).append(record)
    return grouped


def _attach(row: models.Model, field: str, draw: partial, alt: str, tally: Tally) -> None:
    """Give `row` a picture, drawn only when it has none (`draw`: a function of
    guide.demo.pictures with its keyword arguments)."""
    if getattr(row, field):
        return
    getattr(row, field).save("demo.webp", _uploaded(draw), save=False)
    setattr(row, f"{field}_alt", alt)
    row.save()  # its renditions are drawn once the load commits (guide.renditions)
    tally.pictures += 1


def load_character_statuses(
    characters: dict[str, Character], seasons: dict[int, Season], tally: Tally
) -> None:
    for record in data.CHARACTER_STATUSES:
        sync(
            CharacterStatus,
            tally,
            lookup={
                "character": characters[record["character"]],
                "season": seasons[record["season"]],
            },
            values={
                "status": record["status"],
                "note": record["note"],
                "note_ko": record.get("note_ko", ""),
            },
        )
    for character, number in data.WITHDRAWN_CHARACTER_STATUSES:
        deleted, _ = CharacterStatus.objects.filter(
            character=characters[character], season=seasons[number]
        ).delete()
        tally.deleted[CharacterStatus] += deleted


def load_facts(seasons: dict[int, Season], people: dict[str, Person], tally: Tally) -> None:
    for record in data.FACTS:
        values = {**data.FACT_DEFAULTS, **record}
        season = seasons[values.pop("season")]
        question = values.pop("question")
        if values["quoted_person"] is not None:
            values["quoted_person"] = people[values["quoted_person"]]
        sync(Fact, tally, lookup={"season": season, "question": question}, values=values)


def load_fans(tally: Tally) -> dict[str, models.Model]:
    User = get_user_model()
    tally.name(User, "demo fan", "demo fans")
    fans = {}
    for record in data.FANS:
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
    for record in data.THEORIES:
        values = {**data.THEORY_DEFAULTS, **record}
        season = seasons[values.pop("season")]
        title = values.pop("title")
        about = {characters[slug].pk for slug in values.pop("characters")}
        values.pop("approval")
        values["author"] = fans[values["author"]]
        values |= services.theory_text_fields(
            title=title,
            body=values["body"],
            spoiler_season=values["spoiler_season"],
            spoiler_free_title=values["spoiler_free_title"],
        )
        # created_at is a plain default, so the posting time is written and compared
        # like any other value.
        theory = sync(Theory, tally, lookup={"season": season, "title": title}, values=values)
        if set(theory.characters.values_list("pk", flat=True)) != about:
            theory.characters.set(about)
            tally.amend(Theory)
        theories[season.number, title] = theory
    return theories


def load_votes(
    theories: dict[tuple[int, str], Theory], fans: dict[str, models.Model], tally: Tally
) -> None:
    planned: dict[int, set[int]] = {theory.pk: set() for theory in theories.values()}
    for record in data.planned_votes():
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
    """Bring each demo theory's counts and ranks in line with its vote rows.

    Only theories whose stored values differ are recounted, so a second run writes nothing.
    """
    demo_theories = Theory.objects.filter(pk__in=[theory.pk for theory in theories.values()])
    stale = selectors.vote_count_mismatches(demo_theories)
    if stale:
        services.recount_votes(theory_ids=stale)


def load_comments(
    theories: dict[tuple[int, str], Theory], fans: dict[str, models.Model], tally: Tally
) -> None:
    by_title = {title: theory for (_, title), theory in theories.items()}
    for record in data.COMMENTS:
        theory = by_title[record["theory"]]
        parent = None
        if "reply_to" in record:
            parent = Comment.objects.get(theory=theory, body=record["reply_to"])
        sync(
            Comment,
            tally,
            lookup={"theory": theory, "author": fans[record["author"]], "body": record["body"]},
            values={
                "body_html": markdown.render(record["body"]),
                "spoiler_season": record["spoiler_season"],
                "created_at": theory.created_at + timedelta(days=record["after_days"]),
                "parent": parent,
                "depth": parent.depth + 1 if parent else 0,
            },
        )


def load_predictions(
    seasons: dict[int, Season],
    theories: dict[tuple[int, str], Theory],
    fans: dict[str, models.Model],
    tally: Tally,
) -> None:
    """The claims and their forecasts, each fan's last one current; season 1's resolved
    (through the service, which scores them) when they are not yet as the data says."""
    tally.name(Forecast, "forecast", "forecasts")
    for record in data.PREDICTIONS:
        season = seasons[record["season"]]
        theory = theories[record["season"], record["theory"]] if record["theory"] else None
        prediction = sync(
            Prediction,
            tally,
            lookup={"season": season, "claim": record["claim"]},
            values={
                "theory": theory,
                "author": theory.author if theory else None,
                "criteria": record["criteria"],
                "spoiler_season": record.get("spoiler_season"),
                "created_at": record["created_at"],
            },
        )
        last = {fan: days for fan, _percent, days in record["forecasts"]}
        for fan, percent, days in record["forecasts"]:
            sync(
                Forecast,
                tally,
                lookup={
                    "prediction": prediction,
                    "user": fans[fan],
                    "created_at": record["created_at"] + timedelta(days=days),
                },
                values={"percent": percent, "current": last[fan] == days},
            )
        _resolve(prediction, record, season)


def _resolve(prediction: Prediction, record: dict, season: Season) -> None:
    if "resolution" not in record:
        return
    fact = Fact.objects.get(season=season, question=record["fact"])
    wanted = (record["resolution"], fact.pk, record["note"])
    stored = (prediction.resolution, prediction.resolution_fact_id, prediction.resolution_note)
    if stored == wanted and prediction.scores.exists():
        return
    services.resolve_prediction(
        moderator=None,
        prediction=prediction,
        resolution=record["resolution"],
        fact=fact,
        note=record["note"],
    )
    Prediction.objects.filter(pk=prediction.pk).update(resolved_at=data.SEASON_1_VERDICTS_AT)


def load() -> Tally:
    """Load every part of the demo; returns what was created, updated and left alone.
    Its rows are read in English, whichever language the command runs in."""
    with translation.override("en"):
        return _load_all()


def _load_all() -> Tally:
    tally = Tally()
    show = load_show(tally)
    people = load_people(tally)
    characters = load_characters(show, people, tally)
    seasons = load_seasons(show, tally)
    load_pictures(show, seasons, people, characters, tally)
    load_character_statuses(characters, seasons, tally)
    load_facts(seasons, people, tally)
    fans = load_fans(tally)
    theories = load_theories(seasons, characters, fans, tally)
    load_votes(theories, fans, tally)
    recount_stale(theories)
    load_theory_pictures(theories, tally)
    load_comments(theories, fans, tally)
    load_predictions(seasons, theories, fans, tally)
    # The theories' outcomes and the forecasts are written as the data says, not made
    # one at a time on the site: what the site keeps of them is counted from them.
    services.recount_boards(fan_ids=[fan.pk for fan in fans.values()])
    services.recount_crowds(prediction_ids=Prediction.objects.values_list("pk", flat=True))
    return tally
