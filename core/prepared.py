"""Queries the ORM builds once and the database runs many times with new values.

For the busiest statements only (a vote's locking read), where building and compiling the
query cost more than running it. Everything else builds its queries as usual.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.transaction import TransactionManagementError

# Stand-ins for the values a prepared query runs with: numbers no primary key takes, far
# from any constant a query holds. Two sets, so that each value's places are told apart
# from constants that happen to equal it.
_STAND_INS = (-7_316_000_000, -8_427_000_000)
_BIGGEST = 2**63 - 1  # what every database here stores in an integer key


class PreparedQuery:
    """A query made by `build(shape, **values)`, built and compiled once per database and
    shape, then run with new values.

    `shape` is what changes the SQL itself (a reader's kind); each keyword is a whole
    number the query compares a key with (an id), which only changes its parameters. The
    query is compiled with stand-in numbers for the keywords, twice with different ones:
    the SQL must come out the same, and the parameters must differ exactly where a
    stand-in went, each of those places holding it as it was given. Those places take the
    values at each run. A value that changed the SQL or went into it in another form
    (compared in Python while building, written into the SQL, wrapped) is refused when
    the query is first compiled, as a run would not see it.

    Rows come back as the ORM returns them (its converters applied, with the connection
    that ran the query: a date on SQLite is a datetime here too). Nothing is kept of a
    connection, as each thread has its own. A query that locks rows is refused outside a
    transaction, as the ORM refuses it.
    """

    def __init__(self, build):
        self._build = build
        self._compiled: dict[tuple, _Compiled] = {}

    def first(self, shape, *, using: str = DEFAULT_DB_ALIAS, **values) -> tuple | None:
        """The first row for these values, as a tuple (None if there is none)."""
        for name, value in values.items():
            if type(value) is not int:
                raise TypeError(f"{name!r} is a whole number, not {value!r}.")
        if any(abs(value) > _BIGGEST for value in values.values()):
            return None  # no key takes it; the ORM finds nothing either
        key = (using, shape, *sorted(values))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _Compiled(
                self._build, shape, sorted(values), connections[using]
            )
        return compiled.first(connections[using], values)


class _Compiled:
    def __init__(self, build, shape, names, connection):
        runs = []
        for base in _STAND_INS:
            stand_ins = {name: base - i for i, name in enumerate(names)}
            query = build(shape, **stand_ins).query
            compiler = query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            runs.append((stand_ins, sql, list(params)))
        (first_ins, self.sql, self.params), (second_ins, second_sql, second_params) = runs
        if second_sql != self.sql or len(second_params) != len(self.params):
            raise ValueError("A value changes the query's SQL: make it part of its shape.")
        self.slots = {}  # keyword -> the places of its stand-in in the parameters
        for name in names:
            places = [i for i, p in enumerate(self.params) if _is(p, first_ins[name])]
            if not places or str(first_ins[name]) in self.sql:
                raise ValueError(f"{name!r} does not reach the query as a parameter of its own.")
            if any(not _is(second_params[i], second_ins[name]) for i in places):
                raise ValueError(f"{name!r} does not reach the query as a parameter of its own.")
            self.slots[name] = places
        placed = {i for places in self.slots.values() for i in places}
        moved = {
            i for i, (a, b) in enumerate(zip(self.params, second_params, strict=True)) if a != b
        }
        if moved != placed:
            raise ValueError("A value reaches the query in another form than itself.")
        self.query = query
        self.fields = [column for column, *_ in compiler.select[: compiler.col_count]]
        self.locks = query.select_for_update

    def first(self, connection, values) -> tuple | None:
        if self.locks and not connection.in_atomic_block:
            raise TransactionManagementError("A locking query must run inside a transaction.")
        params = list(self.params)
        for name, places in self.slots.items():
            for i in places:
                params[i] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        compiler = self.query.get_compiler(connection=connection)
        converters = compiler.get_converters(self.fields)
        return tuple(next(compiler.apply_converters([row], converters)))


def _is(param, stand_in: int) -> bool:
    return type(param) is int and param == stand_in
