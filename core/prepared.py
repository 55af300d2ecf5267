"""Queries the ORM builds once and the database runs many times with new values.

For the busiest statements only (a vote's locking read and its three writes, a fan's own
forecasts and score on a prediction's page), where building and compiling the query cost
more than running it. Everything else builds its queries as usual.
"""

import weakref

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import QuerySet, signals, sql
from django.db.models.constants import OnConflict
from django.db.models.deletion import Collector
from django.db.transaction import TransactionManagementError

# Stand-ins for the values a prepared query runs with, keyword by keyword (in the order of
# their names): numbers no primary key takes, far from any constant a query holds. Two
# sets, so that each value's places are told apart from constants that happen to equal
# it; of opposite signs, in opposite orders and spaced apart differently, so that a
# builder that compares a value with zero or with another value, or subtracts one from
# another, builds two different queries and is refused.
_STAND_INS = (
    lambda names: {name: -7_316_000_000 - i for i, name in enumerate(names)},
    lambda names: {name: 8_427_000_000 + 7 * i for i, name in enumerate(names)},
)
_BIGGEST = 2**63 - 1  # what every database here stores in an integer key


class PreparedQuery:
    """A query made by `build(shape, **values)`, built and compiled once per database and
    shape, then run with new values: a QuerySet read with `first` or `all`, or a statement
    made by `upsert`, `update` or `deletion` below run with `run`.

    `shape` is what changes the SQL itself (a reader's kind); each keyword is a number the
    query compares a key with (an id) or writes (a count, a rank), which only changes its
    parameters. The query is compiled with stand-in numbers for the keywords, twice with
    different ones: the SQL must come out the same, and the parameters must differ
    exactly where a stand-in went, each of those places holding it as it was given (as a
    float where the column is one, or marked with the column's integer size, as psycopg
    marks it). Those places take the values at each run, in the same form. A value that
    changed the SQL or went into it in another form (compared in Python while building,
    written into the SQL, added to) is refused when the query is first compiled, as a
    run would not see it. What two stand-ins cannot show is left to the builder: it
    passes each keyword on as it came (a cap, or rounding, would hold for the stand-ins
    and not for the values).

    Rows come back as the ORM returns them (its converters applied, with the connection
    that ran the query: a date on SQLite is a datetime here too). Nothing is kept of a
    connection, as each thread has its own. A query that locks rows is refused outside a
    transaction, as the ORM refuses it.
    """

    def __init__(self, build):
        self._build = build
        self._compiled: dict[tuple, _Compiled] = {}
        _EVERY.add(self)

    def first(self, shape=None, *, using: str = DEFAULT_DB_ALIAS, **values) -> tuple | None:
        """The first row for these values, as a tuple (None if there is none). A read
        compares its values with keys: one that no key can take finds nothing, as the
        ORM finds nothing."""
        rows = self._read(shape, using, values, many=False)
        return rows[0] if rows else None

    def all(self, shape=None, *, using: str = DEFAULT_DB_ALIAS, **values) -> list[tuple]:
        """Every row for these values, as tuples in the query's order (as `first`)."""
        return self._read(shape, using, values, many=True)

    def _read(self, shape, using: str, values: dict, *, many: bool) -> list[tuple]:
        _check_numbers(values)
        if any(isinstance(value, int) and abs(value) > _BIGGEST for value in values.values()):
            return []
        compiled = self._compiled_for(shape, using, values)
        if compiled.fields is None:
            raise TypeError("This query changes rows: run it.")
        return compiled.read(connections[using], values, many=many)

    def run(self, shape=None, *, using: str = DEFAULT_DB_ALIAS, **values) -> int:
        """Run the statement with these values; how many rows it changed. A number too
        big for its column is the database's error, as through the ORM."""
        _check_numbers(values)
        compiled = self._compiled_for(shape, using, values)
        if compiled.fields is not None:
            raise TypeError("This query reads rows: take its first.")
        return compiled.run(connections[using], values, using)

    def _compiled_for(self, shape, using: str, values: dict) -> "_Compiled":
        key = (using, shape, *sorted(values))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _Compiled(
                self._build, shape, sorted(values), connections[using]
            )
        return compiled


class _Compiled:
    def __init__(self, build, shape, names, connection):
        runs = []
        for stand_ins_for in _STAND_INS:
            stand_ins = stand_ins_for(names)
            built = build(shape, **stand_ins)
            query = built.query if isinstance(built, QuerySet) else built
            compiler = query.get_compiler(connection=connection)
            runs.append((stand_ins, *_sql_of(compiler)))
        (first_ins, self.sql, self.params), (second_ins, second_sql, second_params) = runs
        if second_sql != self.sql or len(second_params) != len(self.params):
            raise ValueError("A value changes the query's SQL: make it part of its shape.")
        self.slots = {}  # keyword -> the places of its stand-in in the parameters
        for name in names:
            places = [i for i, p in enumerate(self.params) if _is(p, first_ins[name])]
            if not places:
                raise ValueError(f"{name!r} does not reach the query as a parameter of its own.")
            if any(not _is(second_params[i], second_ins[name]) for i in places):
                raise ValueError(f"{name!r} does not reach the query as a parameter of its own.")
            self.slots[name] = [(i, type(self.params[i])) for i in places]
        placed = {i for places in self.slots.values() for i, _form in places}
        moved = {
            i for i, (a, b) in enumerate(zip(self.params, second_params, strict=True)) if a != b
        }
        if moved != placed:
            raise ValueError("A value reaches the query in another form than itself.")
        self.query = query
        reads = type(query) is sql.Query
        self.fields = (
            [column for column, *_ in compiler.select[: compiler.col_count]] if reads else None
        )
        self.locks = reads and query.select_for_update

    def read(self, connection, values, *, many: bool) -> list[tuple]:
        if self.locks and not connection.in_atomic_block:
            raise TransactionManagementError("A locking query must run inside a transaction.")
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self._params(values))
            rows = cursor.fetchall() if many else cursor.fetchmany(1)
        if not rows:
            return []
        compiler = self.query.get_compiler(connection=connection)
        converters = compiler.get_converters(self.fields)
        return [tuple(row) for row in compiler.apply_converters(rows, converters)]

    def run(self, connection, values, using: str) -> int:
        if isinstance(self.query, sql.DeleteQuery) and _watched(self.query.model):
            raise TypeError(f"A signal now watches {self.query.model.__name__}'s deletions.")
        # As the ORM's writes do: an error leaves the transaction to be rolled back.
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(self.sql, self._params(values))
            return cursor.rowcount

    def _params(self, values) -> list:
        params = list(self.params)
        for name, places in self.slots.items():
            value = values[name]
            for i, form in places:
                if issubclass(form, int) and not isinstance(value, int):
                    raise TypeError(f"{name!r} goes into a whole-number column, not {value!r}.")
                params[i] = form(value)
        return params


_EVERY: "weakref.WeakSet[PreparedQuery]" = weakref.WeakSet()


def forget_compiled() -> None:
    """Build and compile every prepared query again at its next use: for tests, where a
    patch or a mutant changes the code that builds one."""
    for prepared in list(_EVERY):
        prepared._compiled.clear()


def upsert(model, *, unique: tuple[str, ...], update: tuple[str, ...], **values) -> sql.Query:
    """The INSERT that bulk_create([model(**values)], update_conflicts=True, unique_fields=
    unique, update_fields=update) runs, for PreparedQuery: one row, or on a conflict in
    `unique` its `update` fields changed. A value may be an expression (Now())."""
    meta = model._meta
    query = sql.InsertQuery(
        model,
        on_conflict=OnConflict.UPDATE,
        update_fields=[meta.get_field(name) for name in update],
        unique_fields=[meta.get_field(name) for name in unique],
    )
    query.insert_values(
        [field for field in meta.concrete_fields if not field.primary_key], [model(**values)]
    )
    return query


def update(queryset: QuerySet, **values) -> sql.Query:
    """The UPDATE that queryset.update(**values) runs, for PreparedQuery: of one table."""
    _refuse_what_the_orm_refuses(queryset)
    query = queryset.query.chain(sql.UpdateQuery)
    query.add_update_values(values)
    query.get_initial_alias()
    if query.related_updates or query.count_active_tables() != 1:
        raise ValueError("A prepared UPDATE writes the rows of one table, found in it.")
    return query


def deletion(queryset: QuerySet) -> sql.Query:
    """The DELETE of queryset's rows in one statement, for PreparedQuery: without the
    collector, so only for rows no other row points at and no signal watches."""
    _refuse_what_the_orm_refuses(queryset)
    if queryset._fields is not None:
        raise TypeError("Delete the rows of a QuerySet, not of its values().")
    if not Collector(using=queryset.db).can_fast_delete(queryset):
        model = queryset.model
        raise ValueError(f"Deleting a {model.__name__} takes the collector: delete() it.")
    query = queryset.query.chain(sql.DeleteQuery)
    if query.count_active_tables() > 1:
        raise ValueError("A prepared DELETE deletes the rows of one table, found in it.")
    return query


def _refuse_what_the_orm_refuses(queryset: QuerySet) -> None:
    """A slice, DISTINCT ON or a union: QuerySet.update and delete refuse them, and the
    statement would lose them."""
    query = queryset.query
    if query.is_sliced or query.distinct_fields or query.combinator:
        raise TypeError("Only a plain filtered QuerySet is updated or deleted.")


def _watched(model) -> bool:
    return any(signal.has_listeners(model) for signal in (signals.pre_delete, signals.post_delete))


def _check_numbers(values: dict) -> None:
    for name, value in values.items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError(f"{name!r} is a number, not {value!r}.")


def _sql_of(compiler) -> tuple[str, list]:
    made = compiler.as_sql()
    if isinstance(made, list):  # an INSERT, one statement a batch of rows
        (made,) = made
    sql_text, params = made
    return sql_text, list(params)


def _is(param, stand_in: int) -> bool:
    """Whether a parameter holds the stand-in as given: as the number it is, as a float,
    or marked with its column's size (psycopg's Int2, an int)."""
    return isinstance(param, int | float) and not isinstance(param, bool) and param == stand_in
