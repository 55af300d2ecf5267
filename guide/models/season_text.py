"""Which text of which model gives away which season: the spoiler shield's one list.

A model is season-bound when it has a spoiler season (a `spoiler_season` field or
property) or belongs to a season (a foreign key to Season). Every text field of such a
model is named here: either with the attribute that says which season it gives away,
or as spoiler-free on purpose. Pages shield each field with that attribute through the
`{% spoiler %}` tag; the system check below fails `manage.py check` when a season-bound
model or text field is missing; tests/guide/test_spoiler_canary.py plants a canary in
every field that gives a season away and renders every public page to prove none leaks.
A field written in several languages is named once: each language's column is shielded
as its field is (guide.models.translated maps a column to its field).
"""

import operator
from dataclasses import dataclass, field

from django.core import checks
from django.db import models

from guide.models.content import Season
from guide.models.translated import field_of


@dataclass(frozen=True)
class SeasonText:
    # Text field -> the instance attribute naming the season it gives away (None: none).
    reveals: dict[str, str]
    # Text fields that give nothing away, by design.
    spoiler_free: frozenset[str] = field(default_factory=frozenset)
    # Where the instance's show id is: the reader's progress is per show.
    show_id: str = "season.show_id"


SEASON_TEXT: dict[str, SeasonText] = {
    "guide.CharacterStatus": SeasonText(
        reveals={"status": "spoiler_season", "note": "spoiler_season"},
    ),
    # A still is shown with the synopsis, and its description tells what it shows.
    "guide.Episode": SeasonText(
        reveals=dict.fromkeys(("title", "synopsis", "still_alt"), "spoiler_season")
    ),
    "guide.Fact": SeasonText(
        reveals=dict.fromkeys(
            ("question", "answer", "quote", "source_name", "source_title", "source_url"),
            "spoiler_season",
        ),
        spoiler_free=frozenset({"kind", "milestone"}),
    ),
    "guide.Theory": SeasonText(
        reveals={
            "title": "spoiler_season",
            "body": "spoiler_season",
            "body_html": "spoiler_season",
            "search_text": "spoiler_season",
            "excerpt": "spoiler_season",
            "outcome": "outcome_season",
            "outcome_note": "outcome_season",
            "outcome_source_url": "outcome_season",
        },
        # The headline exists to be shown instead of the title; the slug comes from it;
        # the language it is written in tells nothing of what happens.
        spoiler_free=frozenset({"spoiler_free_title", "slug", "language"}),
    ),
    # A fan's picture is part of what their theory says: shielded with its text.
    "guide.TheoryImage": SeasonText(
        reveals={"alt": "spoiler_season"}, show_id="theory.season.show_id"
    ),
    "guide.Comment": SeasonText(
        reveals={"body": "spoiler_season", "body_html": "spoiler_season"},
        show_id="theory.season.show_id",
    ),
    "guide.Revision": SeasonText(
        # An earlier text is shielded as its item is now, or as it was then if later.
        reveals={"title": "shield_season", "body": "shield_season"},
        show_id="spoiler_show_id",
    ),
    # A fan's follow of a season: no text at all.
    "guide.SeasonFollow": SeasonText(reveals={}, show_id="season.show_id"),
    # An inbox line: codes only (its kind and what changed), never text a fan or an
    # editor wrote; its season's news names the season and what changed, nothing more.
    "guide.Notification": SeasonText(
        reveals={}, spoiler_free=frozenset({"kind", "change"}), show_id="season.show_id"
    ),
    "guide.Prediction": SeasonText(
        reveals={
            "claim": "claim_season",
            "criteria": "claim_season",
            "resolution": "outcome_season",
            "resolution_source_url": "outcome_season",
            "resolution_note": "outcome_season",
        },
    ),
    "guide.ModerationAction": SeasonText(
        reveals={"reason": "spoiler_season"},
        # Codes and labels ("hide", "theory", "#12", "confirmed"), never quoted text.
        spoiler_free=frozenset({"kind", "target_kind", "target_label", "detail"}),
        show_id="spoiler_show_id",
    ),
}


def is_season_bound(model: type[models.Model]) -> bool:
    if hasattr(model, "spoiler_season"):  # a field or a property
        return True
    return any(
        relation.many_to_one and relation.related_model is Season
        for relation in model._meta.concrete_fields
    )


def text_fields(model: type[models.Model]) -> list[str]:
    """The model's text fields, each once: its language columns count as the field."""
    names = (
        field_of(model, each.name)
        for each in model._meta.concrete_fields
        if isinstance(each, models.CharField | models.TextField)
    )
    return list(dict.fromkeys(names))


def revealed_season(instance: models.Model, name: str) -> int | None:
    """The season the text field (or language column) `name` of `instance` gives away."""
    entry = SEASON_TEXT[instance._meta.label]
    name = field_of(type(instance), name)
    if name in entry.spoiler_free:
        return None
    return getattr(instance, entry.reveals[name])


def show_id_of(instance: models.Model) -> int | None:
    return operator.attrgetter(SEASON_TEXT[instance._meta.label].show_id)(instance)


def unclassified(all_models) -> list[str]:
    """What the list above is missing or gets wrong, one line each."""
    problems = []
    for model in all_models:
        label = model._meta.label
        entry = SEASON_TEXT.get(label)
        if entry is None:
            if is_season_bound(model):
                problems.append(f"{label} has a spoiler season but is not in SEASON_TEXT")
            continue
        fields = set(text_fields(model))
        for name in sorted(fields - set(entry.reveals) - entry.spoiler_free):
            problems.append(f"{label}.{name} is not classified: which season does it reveal?")
        for name in sorted((set(entry.reveals) | entry.spoiler_free) - fields):
            problems.append(f"{label}.{name} is listed but is no text field of the model")
    return problems


def check_season_text(app_configs=None, **kwargs):
    from django.apps import apps

    return [
        checks.Error(problem, hint="Add it to guide/models/season_text.py.", id="guide.E001")
        for problem in unclassified(apps.get_models())
    ]
