"""Which tests can notice a mutant: those that ran a statement it changed, and none
for a mutant kept as equivalent.

mutmut maps each test to the functions it calls. In its stats run, `record_*` here also
notes, test by test, the lines of the mutated modules each test ran (sys.monitoring, on
those modules' own code only), into `mutmut-lines.json` beside mutmut's stats. For a
mutant, `tests_reaching` compares its function with the unmutated copy mutmut keeps beside
it in the same file, widens each changed line to its whole statement (a statement's
constant or wrapped call may run on its first line only), and returns the tests that ran
any of those lines; a test that ran none of them runs the same code under the mutant as
before. It returns None, and every test of the function runs, where it cannot tell: a
change to the signature or decorators (defaults are evaluated where the function is
defined, not where it runs), a file changed since its lines were recorded, no record.
`kept_as_equivalent` tells a mutant equivalent.toml keeps, whose run then runs nothing.

Runs inside mutants/ (mutmut's working directory), where the mutated modules' paths are
relative, as in only_mutate.
"""

import ast
import difflib
import hashlib
import json
import os
import sys
import textwrap
from pathlib import Path

LINES_FILE = Path("mutmut-lines.json")
_TOOL = 4  # a sys.monitoring tool id Python leaves free (0-2 and 5 are named)

_recording: dict = {}  # while the stats run goes: watched files, the current test's lines
_map: dict = {}  # the recorded map, read once per version of its file
_kept: dict = {}  # equivalent.toml's entries, read once


def mutant_under_test() -> str:
    from mutmut.mutation.trampoline import get_mutant_under_test

    return get_mutant_under_test()


def _mutated_files() -> list[str]:
    from mutmut.configuration import config

    return [path for path in config().only_mutate if Path(path).exists()]


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# Recording, in mutmut's stats run -------------------------------------------------------


def record_start() -> None:
    """Watch every line of the mutated modules' code (the unmutated copies run in stats)."""
    import gc
    import importlib
    import types

    files = {}
    for path in _mutated_files():
        importlib.import_module(path.removesuffix(".py").replace("/", "."))
        for form in (path, str(Path(path).absolute()), str(Path(path).resolve())):
            files[form] = path
    codes, seen = [], set()
    # type(), not isinstance: isinstance asks an object its __class__, which makes one of
    # Django's lazy objects left over by an earlier test (a response's resolver_match)
    # evaluate itself, and fail, here.
    pending = [
        obj.__code__
        for obj in gc.get_objects()
        if type(obj) is types.FunctionType and obj.__code__.co_filename in files
    ]
    while pending:  # nested functions and lambdas have code objects of their own
        code = pending.pop()
        if id(code) in seen:
            continue
        seen.add(id(code))
        codes.append(code)
        pending.extend(const for const in code.co_consts if hasattr(const, "co_lines"))
    monitoring = sys.monitoring
    monitoring.use_tool_id(_TOOL, "mutation lines")
    monitoring.register_callback(_TOOL, monitoring.events.LINE, _on_line)
    for code in codes:
        monitoring.set_local_events(_TOOL, code, monitoring.events.LINE)
    _recording.update(files=files, codes=codes, ran=set(), by_test={})


def _on_line(code, line):
    if _recording:
        _recording["ran"].add((code.co_filename, line))
    return sys.monitoring.DISABLE  # once per test is enough: restarted for the next one


def record_test_start() -> None:
    if _recording:
        _recording["ran"] = set()
        sys.monitoring.restart_events()


def record_test_end(nodeid: str) -> None:
    if _recording:
        _recording["by_test"][nodeid] = _recording["ran"]
        _recording["ran"] = set()


def record_finish() -> None:
    """Merge this run's tests into the map (mutmut's stats runs again for new tests only)."""
    if not _recording:
        return
    # Off for good before mutmut forks its mutants' runs from this process: a tool's
    # local events outlive its id.
    monitoring = sys.monitoring
    for code in _recording["codes"]:
        monitoring.set_local_events(_TOOL, code, 0)
    monitoring.register_callback(_TOOL, monitoring.events.LINE, None)
    monitoring.free_tool_id(_TOOL)
    files, by_test = _recording["files"], _recording["by_test"]
    _recording.clear()
    old = json.loads(LINES_FILE.read_text()) if LINES_FILE.exists() else {}
    tests = {nodeid: ran for nodeid, ran in old.get("tests", {}).items() if nodeid not in by_test}
    digests = {path: _digest(path) for path in files.values()}
    # A line recorded against another version of its file means nothing now.
    old_digests = old.get("digests", {})
    stale = {path for path, digest in old_digests.items() if digests.get(path) != digest}
    tests = {
        nodeid: {path: ran for path, ran in ran_by_path.items() if path not in stale}
        for nodeid, ran_by_path in tests.items()
    }
    if tests:
        # Tests not run again here never ran a file changed (or added) since they were
        # recorded: its record holds this run's tests only, so it has no digest, and each
        # of its mutants runs every test of its function, as with no record at all.
        digests = {path: d for path, d in digests.items() if old_digests.get(path) == d}
    for nodeid, ran in by_test.items():
        ran_by_path: dict[str, list[int]] = {}
        for filename, line in ran:
            ran_by_path.setdefault(files[filename], []).append(line)
        tests[nodeid] = {path: sorted(found) for path, found in ran_by_path.items()}
    LINES_FILE.write_text(json.dumps({"digests": digests, "tests": tests}))


# Choosing, in each mutant's run ---------------------------------------------------------


def _load() -> dict | None:
    if not LINES_FILE.exists():
        return None
    version = LINES_FILE.stat().st_mtime_ns
    if _map.get("version") != version:
        recorded = json.loads(LINES_FILE.read_text())
        by_line: dict[str, dict[int, set[str]]] = {}
        for nodeid, ran_by_path in recorded["tests"].items():
            for path, found in ran_by_path.items():
                per_line = by_line.setdefault(path, {})
                for line in found:
                    per_line.setdefault(line, set()).add(nodeid)
        _map.update(version=version, digests=recorded["digests"], by_line=by_line, checked={})
    return _map


def prepare() -> None:
    """Read the record and the kept equivalents in mutmut's own process (its clean run),
    so that every mutant's run, forked from it, has them already."""
    from tests.mutation import report

    _load()
    if "entries" not in _kept:
        _kept["entries"] = report.load_equivalents()


def tests_reaching(mutant_name: str) -> set[str] | None:
    """The tests that ran a statement the mutant changes; None for every test of its
    function (see the module's docstring). Outside a mutant's run, None."""
    module, _, generated = mutant_name.rpartition(".")
    if "__mutmut_" not in generated or not module:
        return None
    recorded = _load()
    path = module.replace(".", "/") + ".py"
    if recorded is None or path not in recorded["digests"]:
        return None
    if path not in recorded["checked"]:  # once per file in a process
        recorded["checked"][path] = _digest(path) == recorded["digests"][path]
    if not recorded["checked"][path]:
        return None
    changed = changed_lines(path, generated)
    if changed is None:
        return None
    per_line = recorded["by_line"].get(path, {})
    return set().union(*(per_line.get(line, set()) for line in changed))


def _function_sources(path: str, generated: str) -> tuple[int, list[str], list[str]] | None:
    """The first line, in the mutated file, of the function's unmutated copy, and the
    lines of that copy and of the mutant `generated`, both named as the function is (as
    `mutmut show` names them); None if the file's line index lacks either."""
    from mutmut.mutation.data import LineSpan, read_line_spans
    from mutmut.utils.format_utils import (
        mangled_name_from_mutant_name,
        orig_function_and_class_names_from_key,
    )

    spans = json.loads(Path(path + ".spans").read_text())["spans"]
    orig_name = mangled_name_from_mutant_name(generated) + "__mutmut_orig"
    if orig_name not in spans or generated not in spans:
        return None
    name, _class = orig_function_and_class_names_from_key(generated)
    orig, mutant = read_line_spans(path, [LineSpan(*spans[orig_name]), LineSpan(*spans[generated])])
    orig_lines = orig.replace(orig_name, name).splitlines()
    mutant_lines = mutant.replace(generated, name).splitlines()
    # A span holds the blank lines before its function, and the last one none after it.
    blank_before = next(i for i, line in enumerate(orig_lines) if line.strip())
    return (
        spans[orig_name][0] + blank_before,
        _trimmed(orig_lines),
        _trimmed(mutant_lines),
    )


def _trimmed(lines: list[str]) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.strip())
    end = len(lines) - next(i for i, line in enumerate(reversed(lines)) if line.strip())
    return lines[start:end]


def changed_lines(path: str, generated: str) -> set[int] | None:
    """The lines, in the file's unmutated copy of the function, of every statement the
    mutant `generated` changes; None if it changes the signature or the decorators."""
    sources = _function_sources(path, generated)
    if sources is None:
        return None
    orig_start, orig_lines, mutant_lines = sources
    differing = set()
    matcher = difflib.SequenceMatcher(a=orig_lines, b=mutant_lines, autojunk=False)
    for tag, first, last, _, _ in matcher.get_opcodes():
        if tag == "insert":  # between two lines of the copy: take both
            differing.update({max(first - 1, 0), first})
        elif tag != "equal":
            differing.update(range(first, last))
    function = ast.parse(textwrap.dedent("\n".join(orig_lines))).body[0]
    # ast counts from 1 within the function's own text, which starts at orig_start.
    differing = {orig_start + index for index in differing}
    body_start = orig_start + function.body[0].lineno - 1
    if not differing or min(differing) < body_start:
        return None
    statements = _statement_lines(function, offset=orig_start - 1)
    changed = set()
    for line in differing:
        changed |= next((span for span in statements if line in span), {line})
    return changed


def _statement_lines(function, *, offset: int) -> list[set[int]]:
    """Each statement's own lines, innermost first: a compound statement (if, for, with,
    try...) owns its header, down to the first line of its body."""
    spans = []
    for node in ast.walk(function):
        if not isinstance(node, ast.stmt) or node is function:
            continue
        end = node.end_lineno
        body = getattr(node, "body", None)
        if isinstance(body, list) and body:
            end = body[0].lineno - 1
        spans.append(set(range(node.lineno + offset, max(end, node.lineno) + offset + 1)))
    return sorted(spans, key=len)


# Kept equivalents -------------------------------------------------------------------------


def kept_as_equivalent(mutant_name: str) -> bool:
    """Whether the mutant is one kept in equivalent.toml: its function and changed lines
    match an entry, as the report matches what `mutmut show` prints. No test can tell an
    equivalent apart, and one only PostgreSQL tells apart survives here anyway, so its
    tests would only cost time (minutes, for a busy function's): its run runs none ("no
    tests"), and the report counts it by its entry, as it would after a full run. With
    MUTATION_EQUIVALENTS set (make mutation EQUIVALENTS=1) they run like any other, to
    check the kept list: an entry whose mutant a test now kills shows as stale."""
    from tests.mutation import report

    module, _, generated = mutant_name.rpartition(".")
    if "__mutmut_" not in generated or not module or os.environ.get("MUTATION_EQUIVALENTS"):
        return False
    if "entries" not in _kept:
        _kept["entries"] = report.load_equivalents()
    mutant = report.Mutant(mutant_name, "")
    entries = [entry for entry in _kept["entries"] if entry["function"] == mutant.function]
    sources = _function_sources(module.replace(".", "/") + ".py", generated) if entries else None
    if sources is None:
        return False
    _start, orig_lines, mutant_lines = sources
    for line in difflib.unified_diff(orig_lines, mutant_lines, lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        (mutant.removed if line.startswith("-") else mutant.added).append(line[1:].strip())
    return any(report.matches(entry, mutant) for entry in entries)
