from guide.spoilers import is_shielded, parse_progress


def test_unspoiling_items_are_never_shielded():
    assert not is_shielded(None, None)
    assert not is_shielded(None, 0)


def test_unanswered_reader_sees_every_spoiler_shielded():
    assert is_shielded(1, None)


def test_reader_sees_seasons_they_watched():
    assert is_shielded(1, 0)
    assert not is_shielded(1, 1)
    assert is_shielded(2, 1)
    assert not is_shielded(2, 3)


def test_parse_progress_drops_garbage():
    raw = {"1": 2, "x": 1, "3": "y", "4": -1, "5": 999, "-2": 1, "6": "1"}
    assert parse_progress(raw) == {1: 2, 6: 1}
    assert parse_progress(["not", "a", "mapping"]) == {}
