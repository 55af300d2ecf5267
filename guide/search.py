"""Site search over shows, seasons, characters (and their actors), facts and theories.

PostgreSQL ranks theories and facts with its full-text search; every database also
matches names and aliases by case-insensitive substring, which covers Korean text and
romanisations ("Namra", "Nam-ra", "남라") that a stemmer would not. Editors' text is
searched in every language it is written in, whatever the reader's.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BooleanField,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.lookups import Contains

from guide.models import Character, Fact, Season, Show, Theory
from guide.models.translated import columns_of
from guide.textfold import accent_table, fold

MAX_QUERY_LENGTH = 100
MAX_TERMS = 6
RESULTS_PER_KIND = 20
# A word can match most theories ("zombie"): a search ranks the hottest MATCHES_RANKED of
# its matches, found through the hot index, so its work is bounded whatever the data's size.
MATCHES_RANKED = 200
WORD = re.compile(r"\w+")


ACCENTS = accent_table()


def clean_query(query: str) -> str:
    """The query as the reader typed it, minus control characters, bounded in length."""
    query = unicodedata.normalize("NFKC", query or "")
    query = "".join(ch for ch in query if unicodedata.category(ch)[0] != "C")
    return " ".join(query.split())[:MAX_QUERY_LENGTH]


def terms_of(query: str) -> list[str]:
    return [term for term in fold(clean_query(query)).split(" ") if term][:MAX_TERMS]


class Fold(Func):
    """textfold.fold in SQL: SQLite calls the Python function (registered in apps.py);
    PostgreSQL lower-cases and strips accents with translate()."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="ns_fold", **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"translate(lower({sql}), %s, %s)", (*params, *ACCENTS)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="LOWER", **extra_context)


def _in_each_language(model, path: str) -> list[str]:
    """The columns a field's text is in: each language's, for a translated field."""
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    prefix = "".join(f"{relation}__" for relation in relations)
    return [prefix + column for column in columns_of(model, name).values()] or [path]


def _all_terms(model, fields: list[str], terms: list[str]):
    """Every (folded) term must appear in at least one of the (folded) fields, in any
    language."""
    columns = [column for path in fields for column in _in_each_language(model, path)]
    condition = Q()
    for term in terms:
        any_field = Q()
        for name in columns:
            any_field |= Q(Contains(Fold(F(name)), term))
        condition &= any_field
    return condition


class StoredSearchVector(Expression):
    """The theory's stored, indexed search_vector column, which migration 0005 adds on
    PostgreSQL only (so the model does not declare it), named through the query's own
    alias for the table, as it differs in a subquery."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        table = compiler.quote_name(compiler.query.get_initial_alias())
        return f'{table}."search_vector"', []


@dataclass
class SearchResults:
    query: str
    terms: list[str]
    shows: list = field(default_factory=list)
    seasons: list = field(default_factory=list)
    characters: list = field(default_factory=list)
    facts: list = field(default_factory=list)
    # Theories can be many: a sequence the view paginates (RankedTheories).
    theories: Sequence = field(default_factory=list)


class RankedTheories(Sequence):
    """The theories a search found, in rank order: their ids come from one query, and a
    slice (a page) fetches just its own rows, so counting costs no second search."""

    def __init__(self, ranked: QuerySet, rows: QuerySet):
        self._theories = rows
        self._ids = list(ranked.values_list("pk", flat=True))

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            position = range(len(self))[index]  # IndexError as a list would raise it
            return self[position : position + 1][0]
        chosen = self._ids[index]
        rows = self._theories.in_bulk(chosen)
        return [rows[pk] for pk in chosen if pk in rows]


def _ranked_theories(theories: QuerySet, terms: list[str]) -> QuerySet:
    """The hottest MATCHES_RANKED theories whose folded title and body hold every term,
    ranked.

    PostgreSQL: full text with prefix matching ("zomb" finds "zombies") through the GIN
    index on search_vector, then a title match first and the text rank. Elsewhere:
    substring matching, hottest first.
    """
    if connection.vendor != "postgresql":
        condition = Q()
        for term in terms:
            condition &= Q(search_text__contains=term)
        return theories.filter(pk__in=_hottest(theories.filter(condition))).order_by("-hot")
    from django.contrib.postgres.search import SearchQuery, SearchRank

    words = WORD.findall(" ".join(terms))
    if not words:
        return theories.none()
    vector = StoredSearchVector()
    query = SearchQuery(
        " & ".join(f"{word}:*" for word in words), search_type="raw", config="simple"
    )
    matches = theories.alias(document=vector).filter(document=query)
    # Among them, a title match ranks first. The folded title is search_text's first
    # line: no need to fold the title again.
    title = Func(
        F("search_text"), Value("\n"), Value(1), function="split_part", output_field=TextField()
    )
    in_title = ExpressionWrapper(
        Q(*(Contains(title, term) for term in terms)), output_field=BooleanField()
    )
    return (
        theories.filter(pk__in=_hottest(matches))
        .annotate(in_title=in_title, rank=SearchRank(vector, query))
        .order_by("-in_title", "-rank", "-hot")
    )


def capped(theories_found: int) -> bool:
    """Whether a search's theories stopped at MATCHES_RANKED: more may match."""
    return theories_found >= MATCHES_RANKED


def _hottest(matches: QuerySet) -> QuerySet:
    return matches.order_by("-hot", "-pk").values("pk")[:MATCHES_RANKED]


def search(query: str, *, user) -> SearchResults:
    terms = terms_of(query)
    results = SearchResults(query=clean_query(query), terms=terms)
    if not terms:
        return results
    limit = RESULTS_PER_KIND
    results.shows = list(
        Show.objects.published().filter(
            _all_terms(
                Show,
                ["title", "original_title", "synopsis", "source_title", "source_original_title"],
                terms,
            )
        )[:limit]
    )
    results.seasons = list(
        Season.objects.published()
        .select_related("show")
        .filter(_all_terms(Season, ["title", "synopsis", "show__title"], terms))[:limit]
    )
    results.characters = list(
        Character.objects.published()
        .select_related("show", "actor")
        .filter(
            _all_terms(
                Character,
                [
                    "name",
                    "native_name",
                    "aliases",
                    "actor__name",
                    "actor__native_name",
                    "actor__aliases",
                ],
                terms,
            )
        )[:limit]
    )
    results.facts = list(
        Fact.objects.published()
        .select_related("season__show")
        .filter(_all_terms(Fact, ["question", "answer", "quote"], terms))[:limit]
    )
    listed = Theory.objects.for_listing(user)
    results.theories = RankedTheories(_ranked_theories(listed, terms), rows=listed)
    return results
