"""How a mutant's tests are chosen by the lines they ran (tests/mutation/lines.py)."""

import json
import sys
import textwrap
from pathlib import Path

import pytest

from tests.mutation import lines

# A mutated module as mutmut writes it: the unmutated copy and each mutant side by side.
MODULE = textwrap.dedent(
    '''\
    import os


    def x_limit__mutmut_orig(count, window=60):
        """Doc."""
        if count > 5:
            return "slow"
        message = (
            "fine "
            "so far"
        )
        return message


    def x_limit__mutmut_1(count, window=60):
        """Doc."""
        if count >= 5:
            return "slow"
        message = (
            "fine "
            "so far"
        )
        return message


    def x_limit__mutmut_2(count, window=60):
        """Doc."""
        if count > 5:
            return "slow"
        message = (
            "fine "
            "XXso farXX"
        )
        return message


    def x_limit__mutmut_3(count, window=61):
        """Doc."""
        if count > 5:
            return "slow"
        message = (
            "fine "
            "so far"
        )
        return message
    '''
)


def _span(name: str) -> list[int]:
    text = MODULE.splitlines()
    start = next(i for i, line in enumerate(text, 1) if line.startswith(f"def {name}("))
    end = next(
        (i - 2 for i, line in enumerate(text, 1) if i > start and line.startswith("def ")),
        len(text),
    )
    return [start, end]


@pytest.fixture
def mutated(tmp_path, monkeypatch):
    """A mutants/ folder holding guide/rules.py, its line index, and what tests ran."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(lines, "_map", {})
    (tmp_path / "guide").mkdir()
    path = tmp_path / "guide" / "rules.py"
    path.write_text(MODULE)
    names = ["x_limit__mutmut_orig", *(f"x_limit__mutmut_{n}" for n in (1, 2, 3))]
    spans = {name: _span(name) for name in names}
    Path("guide/rules.py.spans").write_text(json.dumps({"version": 1, "spans": spans}))
    orig = spans["x_limit__mutmut_orig"][0]
    ran = {
        # The condition only, the slow way out, and the fine way out.
        "tests/test_a.py::test_condition": [orig + 2],
        "tests/test_a.py::test_slow": [orig + 2, orig + 3],
        "tests/test_b.py::test_fine": [orig + 2, orig + 4, orig + 8],
    }
    lines.LINES_FILE.write_text(
        json.dumps(
            {
                "digests": {"guide/rules.py": lines._digest("guide/rules.py")},
                "tests": {nodeid: {"guide/rules.py": found} for nodeid, found in ran.items()},
            }
        )
    )
    return orig


def test_a_changed_condition_is_reached_by_every_test_that_ran_it(mutated):
    assert lines.changed_lines("guide/rules.py", "x_limit__mutmut_1") == {mutated + 2}
    assert lines.tests_reaching("guide.rules.x_limit__mutmut_1") == {
        "tests/test_a.py::test_condition",
        "tests/test_a.py::test_slow",
        "tests/test_b.py::test_fine",
    }


def test_a_change_on_a_statements_later_line_counts_its_first(mutated):
    """The string's second line runs no code of its own: the statement's first line does."""
    assert lines.changed_lines("guide/rules.py", "x_limit__mutmut_2") == {
        mutated + 4,
        mutated + 5,
        mutated + 6,
        mutated + 7,
    }
    assert lines.tests_reaching("guide.rules.x_limit__mutmut_2") == {"tests/test_b.py::test_fine"}


def test_a_changed_signature_keeps_every_test(mutated):
    assert lines.changed_lines("guide/rules.py", "x_limit__mutmut_3") is None
    assert lines.tests_reaching("guide.rules.x_limit__mutmut_3") is None


def test_no_test_reaches_a_line_none_ran(mutated):
    recorded = json.loads(lines.LINES_FILE.read_text())
    recorded["tests"] = {"tests/test_a.py::test_condition": {"guide/rules.py": [mutated + 2]}}
    lines.LINES_FILE.write_text(json.dumps(recorded))
    assert lines.tests_reaching("guide.rules.x_limit__mutmut_2") == set()


def test_a_file_changed_since_its_lines_were_recorded_keeps_every_test(mutated):
    Path("guide/rules.py").write_text(MODULE + "\n# edited\n")
    assert lines.tests_reaching("guide.rules.x_limit__mutmut_1") is None


def test_outside_a_mutants_run_or_without_a_record_every_test_runs(mutated):
    assert lines.tests_reaching("") is None
    assert lines.tests_reaching("stats") is None
    lines.LINES_FILE.unlink()
    lines._map.clear()
    assert lines.tests_reaching("guide.rules.x_limit__mutmut_1") is None


def test_the_recorder_notes_each_tests_own_lines(tmp_path, monkeypatch):
    """sys.monitoring, on the watched module's code only, restarted for every test."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "watched_rules.py").write_text(
        "def pick(n):\n    if n:\n        return 'yes'\n    return 'no'\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(lines, "_mutated_files", lambda: ["watched_rules.py"])
    import watched_rules

    lines.record_start()
    try:
        lines.record_test_start()
        watched_rules.pick(1)
        lines.record_test_end("t::yes")
        lines.record_test_start()
        watched_rules.pick(0)
        watched_rules.pick(0)
        lines.record_test_end("t::no")
    finally:
        lines.record_finish()
    recorded = json.loads(lines.LINES_FILE.read_text())["tests"]
    assert recorded == {
        "t::yes": {"watched_rules.py": [2, 3]},
        "t::no": {"watched_rules.py": [2, 4]},
    }


def test_once_recorded_the_watch_is_off(tmp_path, monkeypatch):
    """mutmut forks every mutant's run from the process that recorded: nothing may fire
    there afterwards, and the tool's id is free again."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "watched_after.py").write_text("def pick(n):\n    return n\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(lines, "_mutated_files", lambda: ["watched_after.py"])
    import watched_after

    lines.record_start()
    lines.record_test_start()
    watched_after.pick(1)
    lines.record_test_end("t::one")
    lines.record_finish()
    assert sys.monitoring.get_tool(lines._TOOL) is None
    code = watched_after.pick.__code__
    assert sys.monitoring.get_local_events(lines._TOOL, code) == 0
    watched_after.pick(2)  # no callback left to record it, nor to fail
    assert lines._recording == {}


def test_a_kept_equivalent_is_known_by_its_function_and_changed_lines(mutated, monkeypatch):
    entry = {
        "function": "guide.rules.limit",
        "before": '"so far"',
        "after": '"XXso farXX"',
        "reason": "Only the words change.",
    }
    monkeypatch.setitem(lines._kept, "entries", [entry])
    assert lines.kept_as_equivalent("guide.rules.x_limit__mutmut_2")
    assert not lines.kept_as_equivalent("guide.rules.x_limit__mutmut_1")  # another change
    monkeypatch.setitem(lines._kept, "entries", [{**entry, "function": "guide.rules.other"}])
    assert not lines.kept_as_equivalent("guide.rules.x_limit__mutmut_2")
    assert not lines.kept_as_equivalent("stats")


def test_a_kept_equivalent_of_a_changed_signature_is_known_by_its_def_line(mutated, monkeypatch):
    """`mutmut show` names both copies as the function is: so does the match."""
    entry = {
        "function": "guide.rules.limit",
        "before": "def limit(count, window=60):",
        "after": "def limit(count, window=61):",
        "reason": "No caller leaves the window out.",
    }
    monkeypatch.setitem(lines._kept, "entries", [entry])
    assert lines.kept_as_equivalent("guide.rules.x_limit__mutmut_3")


def test_the_plugin_chooses_each_mutants_tests_by_these_rules(mutated, monkeypatch):
    """What tests/mutation/isolation.py does with a mutant's collected tests: a kept
    equivalent runs none, any other the tests that reached its change."""
    from tests.mutation import isolation

    class Item:
        def __init__(self, nodeid):
            self.nodeid = nodeid

    class Hook:
        def __init__(self):
            self.deselected = []

        def pytest_deselected(self, items):
            self.deselected += [item.nodeid for item in items]

    class Config:
        hook = Hook()

    entry = {"function": "guide.rules.limit", "before": '"so far"', "after": '"XXso farXX"'}
    monkeypatch.setitem(lines._kept, "entries", [{**entry, "reason": "Words only."}])
    nodeids = ["tests/test_a.py::test_condition", "tests/test_b.py::test_fine", "tests/x.py::t"]
    for mutant, expected in [
        ("guide.rules.x_limit__mutmut_1", nodeids[:2]),
        ("guide.rules.x_limit__mutmut_2", []),
    ]:
        monkeypatch.setattr(lines, "mutant_under_test", lambda mutant=mutant: mutant)
        items = [Item(nodeid) for nodeid in nodeids]
        isolation.pytest_collection_modifyitems(None, Config(), items)
        assert sorted(item.nodeid for item in items) == expected


def test_asked_to_check_the_kept_list_every_equivalent_runs(mutated, monkeypatch):
    entry = {"function": "guide.rules.limit", "before": '"so far"', "after": '"XXso farXX"'}
    monkeypatch.setitem(lines._kept, "entries", [{**entry, "reason": "Words only."}])
    assert lines.kept_as_equivalent("guide.rules.x_limit__mutmut_2")
    monkeypatch.setenv("MUTATION_EQUIVALENTS", "1")
    assert not lines.kept_as_equivalent("guide.rules.x_limit__mutmut_2")


def test_a_file_changed_before_a_stats_run_for_new_tests_only_keeps_every_test(
    tmp_path, monkeypatch
):
    """mutmut's stats run again for new tests only: a file changed or added since the
    older tests were recorded is then known by the new tests alone, which must not pass
    for a full record (the older tests that run it would never be chosen)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(lines, "_map", {})
    for name in ("kept_rules", "changed_rules", "added_rules"):
        (tmp_path / f"{name}.py").write_text("def pick(n):\n    return n\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    watched = ["kept_rules.py", "changed_rules.py"]
    monkeypatch.setattr(lines, "_mutated_files", lambda: list(watched))
    import changed_rules
    import kept_rules

    def record(test, *modules):
        lines.record_start()
        lines.record_test_start()
        for module in modules:
            module.pick(1)
        lines.record_test_end(test)
        lines.record_finish()

    record("t::old", kept_rules, changed_rules)
    assert set(json.loads(lines.LINES_FILE.read_text())["digests"]) == set(watched)
    (tmp_path / "changed_rules.py").write_text("def pick(n):\n    return -n\n")
    watched.append("added_rules.py")
    import added_rules

    record("t::new", kept_rules, changed_rules, added_rules)
    recorded = json.loads(lines.LINES_FILE.read_text())
    assert set(recorded["digests"]) == {"kept_rules.py"}
    assert recorded["tests"]["t::old"] == {"kept_rules.py": [2]}
    assert set(recorded["tests"]["t::new"]) == {
        "kept_rules.py",
        "changed_rules.py",
        "added_rules.py",
    }
    # A stats run of every test records every file in full again.
    lines.record_start()
    for test in ("t::old", "t::new"):
        lines.record_test_start()
        changed_rules.pick(1)
        lines.record_test_end(test)
    lines.record_finish()
    assert set(json.loads(lines.LINES_FILE.read_text())["digests"]) == set(watched)
