"""Which of the editors' fields are written in each of the site's languages.

django-modeltranslation finds this module by its name and gives each field named here a
column per language (`title_en`, `title_ko`): the row stays one row, so no page reads
more. On an object the field reads the reader's language, or the other one where it is
empty (guide.models.translated says which was shown). English is required wherever the
field is; Korean never is. An empty translation is stored as NULL, so a language's
unique column (a season's fact questions) holds any number of untranslated rows.

Queries stay as Django writes them: the library's managers, which rewrite every lookup
and ordering into the reader's language, are taken off again, and the field's own
column keeps the English text, whoever saved it in whichever language. So orderings,
natural keys, unique rules and every query count read what they read before; a query
that wants Korean names its column (guide.search).
"""

from modeltranslation.translator import TranslationOptions, translator

from guide.models import Character, CharacterStatus, Episode, Fact, Person, Season, Show
from guide.models.translated import columns_of


class ContentOptions(TranslationOptions):
    required_languages = ("en",)
    empty_values = None


TRANSLATED = {
    Show: ("title", "tagline", "synopsis", "content_advisories"),
    Season: ("title", "synopsis"),
    Episode: ("title", "synopsis"),
    Person: ("name", "bio"),
    Character: ("name", "description"),
    CharacterStatus: ("note",),
    Fact: ("question", "answer"),
}


def _english_column(field):
    """The field's own column is saved with the English text (empty without one)."""
    english = columns_of(field.model, field.name)["en"]

    def pre_save(instance, add):
        return getattr(instance, english) or ""

    return pre_save


def _register(model, fields) -> None:
    managers = {manager.name: type(manager) for manager in model._meta.managers}
    meta = type(model._meta)
    translator.register(model, ContentOptions, fields=fields)
    for manager in model._meta.local_managers:
        manager.__class__ = managers[manager.name]
    model._meta.__class__ = meta
    model._meta._expire_cache()
    for name in fields:
        field = model._meta.get_field(name)
        field.pre_save = _english_column(field)


for _model, _fields in TRANSLATED.items():
    _register(_model, _fields)
