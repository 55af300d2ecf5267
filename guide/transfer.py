"""A show's content as one file: for a backup, or to move it to another site.

What editors keep (the show, its seasons and episodes, characters and their statuses,
the people who play them or are quoted, and the facts) goes into a ZIP: content.json, as
Django's serializer reads it, with natural keys (a show by its slug, a season by its
show and number, a fact by its season and question), so no database id is in it; and
the uploaded images it names, under media/. Reading the file back creates or updates
each row by its natural key, in one transaction, and stores any image the site lacks.
Fans' theories, comments and votes are not in it: they belong to fans' accounts.
"""

import datetime
import io
import json
import zipfile

from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from core import freshness
from guide.models import Character, CharacterStatus, Episode, Fact, Person, Season, Show

CONTENT = "content.json"
MEDIA = "media/"


def content_of(show: Show) -> list:
    """Every row of the show's content, parents before children, each in a stable order."""
    characters = Character.objects.filter(show=show).order_by("slug")
    people = (
        Person.objects.filter(Q(roles__show=show) | Q(quotes__season__show=show))
        .distinct()
        .order_by("slug")
    )
    return [
        show,
        *Season.objects.filter(show=show).order_by("number"),
        *Episode.objects.filter(season__show=show).order_by("season__number", "number"),
        *people,
        *characters,
        *CharacterStatus.objects.filter(character__show=show).order_by(
            "character__slug", "season__number"
        ),
        *Fact.objects.filter(season__show=show).order_by("season__number", "question"),
    ]


def _images(rows) -> list[str]:
    names = []
    for row in rows:
        for field in ("poster", "portrait"):
            image = getattr(row, field, None)
            if image:
                names.append(image.name)
    return names


def export_show(show: Show) -> bytes:
    rows = content_of(show)
    plain = serializers.serialize(
        "python", rows, use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    text = json.dumps(plain, default=_exactly, ensure_ascii=False, indent=1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(CONTENT, text)
        for name in _images(rows):
            with default_storage.open(name, "rb") as image:
                bundle.writestr(MEDIA + name, image.read())
    return buffer.getvalue()


def _exactly(value) -> str:
    """Dates and times to the microsecond (Django's JSON encoder keeps milliseconds)."""
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not written to an export")


class NotAnExport(ValueError):
    """The file is no show export of this site."""


@transaction.atomic
def import_show(data: bytes) -> Show:
    """Create or update the show and its content from an export; returns the show."""
    try:
        bundle = zipfile.ZipFile(io.BytesIO(data))
        rows = json.loads(bundle.read(CONTENT).decode())
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, ValueError) as error:
        raise NotAnExport(str(error)) from error
    show, waiting = None, []
    try:
        for each in serializers.deserialize("python", rows, handle_forward_references=True):
            each.save()
            if each.deferred_fields:
                waiting.append(each)
            if isinstance(each.object, Show):
                show = each.object
        for each in waiting:  # a row named before the row it names
            each.save_deferred_fields()
    except (DeserializationError, ObjectDoesNotExist, IntegrityError, TypeError) as error:
        raise NotAnExport(str(error)) from error
    if show is None:
        raise NotAnExport("It holds no show.")
    for name in bundle.namelist():
        stored = name.removeprefix(MEDIA)
        if name.startswith(MEDIA) and not default_storage.exists(stored):
            default_storage.save(stored, ContentFile(bundle.read(name)))
    freshness.touch(freshness.SITE)
    return show
