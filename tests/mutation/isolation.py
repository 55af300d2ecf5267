"""A pytest plugin that only `make mutation` loads (pyproject.toml, [tool.mutmut]).

mutmut runs the tests once in its own process, then forks a child per mutant. Every
child inherits the settings, so every child would build and delete the same test
database while another child is using it: each process gets a database of its own.

Building one (the migrations, on a file) takes longer than most mutants' tests, so the
first process keeps its database (pytest-django's --reuse-db, also in the config) and,
each child starts from a copy of that file. `make mutation` runs on SQLite only.

A mutant's run stops at its first failing test (mutmut passes -x), and mutmut hands the
tests over in no particular order: the cheapest test files go first, so a mutant of a
function every write reaches is killed by its module's own quick tests, not after
minutes of page tests.

mutmut hands a mutant every test that calls its function. A test that runs none of the
statements the mutant changed runs the very code it ran before and cannot tell the
mutant apart, so only the others run: mutmut's stats run also records, test by test,
which lines of the mutated modules each test ran (`tests/mutation/lines.py`). A mutant
that no test could notice used to go through a thousand tests of a busy function; now
it goes through the few that reach the line it changed. A mutant kept in
equivalent.toml runs no test at all: the report counts it by its entry.
"""

import atexit
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.mutation import lines

# Imported once, in mutmut's own process; the children are forked from it.
_FIRST_PID = os.getpid()
_base_names: dict[str, str] = {}
_SQLITE_SIDE_FILES = ("", "-wal", "-shm")


def _name_for(alias: str, pid: int) -> str:
    return f"{_base_names[alias].removesuffix('.sqlite3')}_mutant_{pid}.sqlite3"


def _remove_sqlite(name: str) -> None:
    for suffix in _SQLITE_SIDE_FILES:
        Path(name + suffix).unlink(missing_ok=True)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    from django.db import connections

    for alias in connections:
        db_settings = connections.settings[alias]
        if "sqlite3" not in db_settings["ENGINE"]:
            raise pytest.UsageError("Mutation testing runs on SQLite: unset DATABASE_URL.")
        test_settings = db_settings.setdefault("TEST", {})
        if alias not in _base_names:
            _base_names[alias] = test_settings.get("NAME") or f"test_{db_settings['NAME']}"
            if os.getpid() == _FIRST_PID:
                atexit.register(_remove_sqlite, _name_for(alias, _FIRST_PID))
        own = _name_for(alias, os.getpid())
        test_settings["NAME"] = own
        template = _name_for(alias, _FIRST_PID)
        if own != template and Path(template).exists():
            for suffix in _SQLITE_SIDE_FILES:
                if Path(template + suffix).exists():
                    shutil.copyfile(template + suffix, own + suffix)


# The recorded durations, read once per version of mutmut's stats file: mutmut's own
# process reads them at its clean run, and every mutant's child, forked after it, has
# them already instead of parsing the whole file (every function's tests) again.
_durations: dict = {}


def _test_seconds() -> dict[str, float] | None:
    stats = Path("mutmut-stats.json")  # mutmut runs the tests from inside mutants/
    if not stats.exists():
        return None
    version = stats.stat().st_mtime_ns
    if _durations.get("version") != version:
        seconds = json.loads(stats.read_text()).get("duration_by_test", {})
        _durations.update(version=version, seconds=seconds)
    return _durations["seconds"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    """Keep the tests that reach the mutant's change (none for a kept equivalent), then
    run them file by file, the files cheapest first (order kept within one)."""
    lines.prepare()
    mutant = lines.mutant_under_test()
    reaching = set() if lines.kept_as_equivalent(mutant) else lines.tests_reaching(mutant)
    if reaching is not None:
        config.hook.pytest_deselected(items=[i for i in items if i.nodeid not in reaching])
        items[:] = [item for item in items if item.nodeid in reaching]
    seconds = _test_seconds()
    if seconds is None:
        return
    cost_of_file: dict[str, float] = {}
    for item in items:
        file = item.nodeid.partition("::")[0]
        cost_of_file[file] = cost_of_file.get(file, 0.0) + seconds.get(item.nodeid, 1.0)
    items.sort(key=lambda item: cost_of_file[item.nodeid.partition("::")[0]])


def pytest_collection_finish(session):
    if lines.mutant_under_test() == "stats":
        lines.record_start()


def pytest_runtest_logstart(nodeid, location):
    lines.record_test_start()


def pytest_runtest_logfinish(nodeid, location):
    lines.record_test_end(nodeid)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    from django.db import connections

    lines.record_finish()

    if os.getpid() == _FIRST_PID:
        return
    for alias in connections:
        _remove_sqlite(connections.settings[alias]["TEST"]["NAME"])
