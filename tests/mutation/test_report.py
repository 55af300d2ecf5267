"""The mutation report's arithmetic and its reading of the kept equivalent list."""

from pathlib import Path

import pytest

from tests.mutation.report import Mutant, classify, load_equivalents, matches, score

ENTRY = {
    "function": "guide.ranking.hot",
    "before": "sign = copysign(1, score) if score else 0",
    "after": "sign = copysign(1, score) if score else 1",
    "reason": "log10(1) is 0, so the sign of a zero score multiplies nothing.",
}


def survivor(name: str, removed: str = "", added: str = "", status: str = "survived"):
    return Mutant(name, status, [removed] if removed else [], [added] if added else [])


@pytest.mark.parametrize(
    ("name", "function"),
    [
        ("guide.ranking.x_hot__mutmut_3", "guide.ranking.hot"),
        ("core.pagecache.x__key__mutmut_12", "core.pagecache._key"),
        ("guide.services.xǁVoteCountsǁscore__mutmut_1", "guide.services.VoteCounts.score"),
    ],
)
def test_a_mutant_is_filed_under_its_module_and_function(name, function):
    mutant = Mutant(name, "survived")
    assert mutant.function == function
    assert function.startswith(mutant.module + ".")


def test_an_entry_matches_only_its_function_and_its_exact_change():
    same = survivor("guide.ranking.x_hot__mutmut_7", ENTRY["before"], ENTRY["after"])
    assert matches(ENTRY, same)
    spaced = survivor("guide.ranking.x_hot__mutmut_7", "  " + ENTRY["before"], ENTRY["after"])
    assert matches(ENTRY, spaced)
    other_change = survivor("guide.ranking.x_hot__mutmut_8", ENTRY["before"], "sign = 2")
    assert not matches(ENTRY, other_change)
    other_function = survivor(
        "guide.ranking.x_vote_fields__mutmut_1", ENTRY["before"], ENTRY["after"]
    )
    assert not matches(ENTRY, other_function)


def test_the_score_leaves_out_equivalents_and_counts_timeouts_as_killed():
    mutants = [
        Mutant("guide.ranking.x_hot__mutmut_1", "killed"),
        Mutant("guide.ranking.x_hot__mutmut_2", "timeout"),
        Mutant("guide.ranking.x_hot__mutmut_3", "killed"),
        survivor("guide.ranking.x_hot__mutmut_4", ENTRY["before"], ENTRY["after"]),
        survivor("guide.ranking.x_hot__mutmut_5", "order = 1", "order = 2"),
        survivor("guide.ranking.x_hot__mutmut_6", "a", "b", status="no tests"),
        Mutant("guide.spoilers.x_is_shielded__mutmut_1", "not checked"),
    ]
    outcome = classify(mutants, [ENTRY])
    ranking = outcome.by_module["guide.ranking"]
    assert (ranking["killed"], ranking["survived"], ranking["equivalent"]) == (3, 2, 1)
    assert score(ranking) == pytest.approx(100 * 3 / 5)
    assert [m.name for m in outcome.survivors] == [
        "guide.ranking.x_hot__mutmut_5",
        "guide.ranking.x_hot__mutmut_6",
    ]
    assert outcome.stale == []
    assert score(outcome.by_module["guide.spoilers"]) is None


def test_an_entry_that_no_longer_survives_is_stale_only_where_its_function_ran():
    killed_now = [Mutant("guide.ranking.x_hot__mutmut_4", "killed")]
    assert classify(killed_now, [ENTRY]).stale == [ENTRY]
    elsewhere = [Mutant("guide.spoilers.x_is_shielded__mutmut_1", "killed")]
    assert classify(elsewhere, [ENTRY]).stale == []
    # A partial run over another function of the same module says nothing of this one.
    same_module = [
        Mutant("guide.ranking.x_wilson__mutmut_1", "killed"),
        Mutant("guide.ranking.x_hot__mutmut_9", "not checked"),
    ]
    assert classify(same_module, [ENTRY]).stale == []


def test_a_mutant_killed_on_postgresql_counts_as_killed_not_equivalent():
    on_postgresql = {
        **{key: ENTRY[key] for key in ("function", "before", "after")},
        "killed_by": "tests/guide/test_example.py::test_ties on PostgreSQL",
    }
    mutants = [
        Mutant("guide.ranking.x_hot__mutmut_1", "killed"),
        survivor("guide.ranking.x_hot__mutmut_4", ENTRY["before"], ENTRY["after"]),
        survivor("guide.ranking.x_hot__mutmut_5", "order = 1", "order = 2"),
    ]
    outcome = classify(mutants, [on_postgresql])
    ranking = outcome.by_module["guide.ranking"]
    assert (ranking["killed"], ranking["survived"], ranking["equivalent"]) == (2, 1, 0)
    assert score(ranking) == pytest.approx(100 * 2 / 3)
    assert [(m.name, e) for m, e in outcome.killed_on_postgresql] == [
        ("guide.ranking.x_hot__mutmut_4", on_postgresql)
    ]
    assert outcome.equivalent == []
    assert outcome.stale == []


def test_every_kept_entry_names_a_function_and_a_reason_or_a_postgresql_test_that_exists():
    entries = load_equivalents()
    assert entries
    for entry in entries:
        assert entry["function"].count(".") >= 2, entry
        assert entry["before"].strip() != entry["after"].strip(), entry
        if "killed_by" not in entry:
            assert len(entry["reason"].split()) >= 5, entry
            continue
        test, on = entry["killed_by"].split(" ", 1)
        assert on == "on PostgreSQL", entry
        path, name = test.split("::")
        assert f"def {name.split('[')[0]}(" in Path(path).read_text(), entry
