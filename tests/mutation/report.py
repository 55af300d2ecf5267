"""The mutation score per module, from mutmut's results, without the kept equivalents.

`make mutation` runs mutmut, then this (python -m tests.mutation.report). It asks mutmut
for every mutant's status (`mutmut results`) and for each one that no test killed, its
diff (`mutmut show`). A survivor whose function and changed lines match an entry of
equivalent.toml (beside this file) is an equivalent mutant: it leaves out of the score.
An entry with `killed_by` instead of a reason is a mutant that only PostgreSQL can tell
apart (a row lock mode, the order of ties): mutmut runs on SQLite, where it survives, and
the test named kills it on PostgreSQL in CI; it counts as killed.

score = killed / (mutants - equivalent); a timeout or a crash counts as killed, a mutant
that no test reaches counts as a survivor. Exits 1 when a module scores under
--fail-under per cent, or an equivalent entry no longer matches any mutant.
"""

import argparse
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

EQUIVALENT_FILE = Path(__file__).with_name("equivalent.toml")
KILLED = {"killed", "timeout", "segfault", "caught by type check"}
NOT_RUN = {"not checked", "skipped", "check was interrupted by user"}
CLASS_SEPARATOR = "ǁ"


@dataclass
class Mutant:
    name: str  # as mutmut names it, e.g. guide.ranking.x_hot__mutmut_3
    status: str
    removed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    @property
    def module(self) -> str:
        return self.name.rsplit(".", 1)[0]

    @property
    def function(self) -> str:
        """module.function (module.Class.method), as equivalent.toml names it."""
        mangled = self.name.rsplit(".", 1)[1].rsplit("__mutmut_", 1)[0]
        if mangled.startswith("x" + CLASS_SEPARATOR):
            _, class_name, method = mangled.split(CLASS_SEPARATOR)
            return f"{self.module}.{class_name}.{method}"
        return f"{self.module}.{mangled.removeprefix('x_')}"


def _mutmut(*args: str) -> str:
    return subprocess.run(
        [str(Path(sys.executable).with_name("mutmut")), *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def read_mutants() -> list[Mutant]:
    mutants = []
    for line in _mutmut("results", "--all", "true").splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and "__mutmut_" in name:
            mutants.append(Mutant(name, status))
    for mutant in mutants:
        if mutant.status not in KILLED | NOT_RUN:
            read_diff(mutant)
    return mutants


def read_diff(mutant: Mutant) -> None:
    for line in _mutmut("show", mutant.name).splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("-"):
            mutant.removed.append(line[1:].strip())
        elif line.startswith("+"):
            mutant.added.append(line[1:].strip())


def load_equivalents() -> list[dict]:
    entries = tomllib.loads(EQUIVALENT_FILE.read_text())["mutant"]
    for entry in entries:
        missing = {"function", "before", "after"} - entry.keys()
        assert not missing, f"{EQUIVALENT_FILE.name}: {entry} lacks {missing}"
        why = entry.get("reason", entry.get("killed_by", ""))
        assert why.strip(), f"{EQUIVALENT_FILE.name}: {entry} gives no reason nor killed_by"
        assert not {"reason", "killed_by"} <= entry.keys(), f"{entry}: reason or killed_by"
    return entries


def _lines(text_or_lines) -> list[str]:
    lines = text_or_lines.strip().splitlines() if isinstance(text_or_lines, str) else text_or_lines
    return [line.strip() for line in lines]


def matches(entry: dict, mutant: Mutant) -> bool:
    return (
        entry["function"] == mutant.function
        and _lines(mutant.removed) == _lines(entry["before"])
        and _lines(mutant.added) == _lines(entry["after"])
    )


@dataclass
class Outcome:
    by_module: dict[str, Counter]
    survivors: list[Mutant]
    equivalent: list[tuple[Mutant, dict]]
    stale: list[dict]
    killed_on_postgresql: list[tuple[Mutant, dict]] = field(default_factory=list)


def classify(mutants: list[Mutant], entries: list[dict]) -> Outcome:
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors, equivalent, on_postgresql, used = [], [], [], set()
    for mutant in mutants:
        counts = by_module[mutant.module]
        counts["mutants"] += 1
        if mutant.status in KILLED:
            counts["killed"] += 1
        elif mutant.status in NOT_RUN:
            counts["not run"] += 1
        else:
            entry = next((e for e in entries if matches(e, mutant)), None)
            if entry is None:
                counts["survived"] += 1
                survivors.append(mutant)
                continue
            used.add(id(entry))
            if "killed_by" in entry:
                counts["killed"] += 1
                on_postgresql.append((mutant, entry))
            else:
                counts["equivalent"] += 1
                equivalent.append((mutant, entry))
    # A partial run (make mutation MUTANTS=...) says nothing of the functions it skipped.
    checked = {mutant.function for mutant in mutants if mutant.status not in NOT_RUN}
    stale = [entry for entry in entries if id(entry) not in used and entry["function"] in checked]
    return Outcome(dict(by_module), survivors, equivalent, stale, on_postgresql)


def score(counts: Counter) -> float | None:
    judged = counts["mutants"] - counts["equivalent"] - counts["not run"]
    return None if judged <= 0 else 100 * counts["killed"] / judged


def _module_path(module: str) -> str:
    return module.replace(".", "/") + ".py"


def render(outcome: Outcome, seconds: int | None) -> str:
    lines = ["Mutation testing of the rule and service modules (mutmut; make mutation)", ""]
    if seconds is not None:
        lines += [f"Run time: {seconds // 60} min {seconds % 60} s", ""]
    header = f"{'module':24} {'mutants':>7} {'killed':>7} {'survived':>8} {'equivalent':>10}"
    lines += [header + f" {'not run':>7} {'score':>7}"]
    total: Counter = Counter()
    for module, counts in sorted(outcome.by_module.items()):
        total.update(counts)
        lines.append(_row(_module_path(module), counts))
    lines += [_row("all", total), ""]
    lines.append("score = killed / (mutants - equivalent - not run); timeouts count as killed.")
    lines += ["", f"Surviving mutants ({len(outcome.survivors)}):"]
    for mutant in outcome.survivors:
        lines.append(f"  {mutant.name} ({mutant.status})")
        lines += [f"    - {line}" for line in mutant.removed]
        lines += [f"    + {line}" for line in mutant.added]
    lines += ["", f"Equivalent mutants, left out of the score ({len(outcome.equivalent)}):"]
    for mutant, entry in outcome.equivalent:
        lines.append(f"  {mutant.name}: {' '.join(entry['reason'].split())}")
    if outcome.killed_on_postgresql:
        count = len(outcome.killed_on_postgresql)
        lines += ["", f"Survive on SQLite, killed on PostgreSQL, counted as killed ({count}):"]
        for mutant, entry in outcome.killed_on_postgresql:
            lines.append(f"  {mutant.name}: {' '.join(entry['killed_by'].split())}")
    if outcome.stale:
        lines += ["", "Entries of equivalent.toml that match no surviving mutant (update them):"]
        lines += [f"  {entry['function']}: {entry['after'].strip()}" for entry in outcome.stale]
    return "\n".join(lines) + "\n"


def _row(label: str, counts: Counter) -> str:
    value = score(counts)
    shown = "-" if value is None else f"{value:.1f} %"
    return (
        f"{label:24} {counts['mutants']:>7} {counts['killed']:>7} {counts['survived']:>8}"
        f" {counts['equivalent']:>10} {counts['not run']:>7} {shown:>7}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, help="how long the run took, for the report")
    parser.add_argument("--output", type=Path, default=Path("mutation-report.txt"))
    parser.add_argument("--fail-under", type=float, default=90.0)
    args = parser.parse_args(argv)
    outcome = classify(read_mutants(), load_equivalents())
    text = render(outcome, args.seconds)
    args.output.write_text(text)
    print(text, end="")
    low = [
        module
        for module, counts in outcome.by_module.items()
        if (value := score(counts)) is not None and value < args.fail_under
    ]
    if low:
        print(f"Under {args.fail_under:g} %: {', '.join(sorted(low))}")
    return 1 if low or outcome.stale else 0


if __name__ == "__main__":
    sys.exit(main())
