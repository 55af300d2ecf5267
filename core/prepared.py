"""Queries the ORM builds once and the database runs many times with new values.

For the busiest statements only (a vote's locking read), where building and compiling the
query cost more than running it. Everything else builds its queries as usual.
"""

import weakref

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.transaction import TransactionManagementError

# Stand-ins for the values a prepared query runs with: numbers no primary key takes,
# far from any constant a query holds, so each is found in the compiled parameters.
_PLACEHOLDER_BASE = -7_316_000_000


class PreparedQuery:
    """A query made by `build(shape, **values)`, compiled once per connection and shape.

    `shape` is what changes the SQL itself (a reader's kind); each keyword is a number the
    query compares with (a primary key), which only changes the SQL's parameters. The
    query is built once with a stand-in number for each keyword, and each stand-in is
    then found in the compiled parameters and replaced at every run. A stand-in that does
    not come through as a parameter of its own (compared in Python, or written into the
    SQL) is refused when the query is first compiled, as the run would not see its value.

    Rows come back as the ORM would return them (its converters applied: a date on
    SQLite is a datetime here too). A query that locks rows is refused outside a
    transaction, as the ORM refuses it.
    """

    def __init__(self, build):
        self._build = build
        # Per connection, as each thread has its own: a compiled query keeps its
        # compiler, whose converters belong to the connection that compiled it.
        self._compiled = weakref.WeakKeyDictionary()

    def first(self, shape, *, using: str = DEFAULT_DB_ALIAS, **values) -> tuple | None:
        """The first row for these values, as a tuple (None if there is none)."""
        connection = connections[using]
        compiled = self._compiled.setdefault(connection, {})
        key = (shape, *sorted(values))
        if key not in compiled:
            compiled[key] = _Compiled(self._build, shape, values, connection)
        return compiled[key].first(connection, values)


class _Compiled:
    def __init__(self, build, shape, values, connection):
        stand_ins = {name: _PLACEHOLDER_BASE - i for i, name in enumerate(sorted(values))}
        query = build(shape, **stand_ins).query
        self.locks = query.select_for_update
        self.compiler = query.get_compiler(connection=connection)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.slots = {}  # keyword -> the positions of its stand-in in the parameters
        for name, stand_in in stand_ins.items():
            positions = [i for i, p in enumerate(self.params) if type(p) is int and p == stand_in]
            if not positions or str(stand_in) in self.sql:
                raise ValueError(f"{name!r} does not reach the query as a parameter of its own.")
            self.slots[name] = positions

    def first(self, connection, values) -> tuple | None:
        if self.locks and not connection.in_atomic_block:
            raise TransactionManagementError("A locking query runs inside a transaction.")
        params = list(self.params)
        for name, positions in self.slots.items():
            for i in positions:
                params[i] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        return next(self.compiler.results_iter(results=[[row]], tuple_expected=True))
