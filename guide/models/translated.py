"""Editors' text written in each language: which column holds which language of a field,
and which language a reader is shown.

guide/translation.py names the translated fields; django-modeltranslation gives each a
column per language (`synopsis_en`, `synopsis_ko`) that knows the field it translates.
Everything else asks these functions, so a newly translated field needs no other change.
"""

from functools import cache

from django.conf import settings
from django.db import models
from django.utils import translation

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)


def field_of(model: type[models.Model], column: str) -> str:
    """The field a column belongs to: a translation's column is its field's."""
    translated = getattr(model._meta.get_field(column), "translated_field", None)
    return column if translated is None else translated.name


@cache
def columns_of(model: type[models.Model], name: str) -> dict[str, str]:
    """{language: column} of a translated field; empty for a field in one language."""
    return {
        each.language: each.name
        for each in model._meta.concrete_fields
        if getattr(each, "translated_field", None) is not None
        and each.translated_field.name == name
    }


def reading_order(language: str | None = None) -> tuple[str, ...]:
    """The reader's language first, then the others: where an empty text falls back to
    (settings.MODELTRANSLATION_FALLBACK_LANGUAGES says the same)."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE)[:2]
    first = language if language in LANGUAGES else settings.LANGUAGE_CODE
    return (first, *(each for each in LANGUAGES if each != first))


def shown_language(instance: models.Model, name: str) -> str | None:
    """The language `instance.<name>` is shown in to the current reader: theirs, or the
    one it falls back to. None for an untranslated field or one with no text at all."""
    columns = columns_of(type(instance), name)
    if not columns:
        return None
    for language in reading_order():
        if getattr(instance, columns[language]) not in (None, ""):
            return language
    return None
