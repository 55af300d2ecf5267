"""What a reader may see without a spoiler. Pure rules: no Django.

A reader's progress is, per show, the number of the last season they have watched
(0 = nothing yet). An item tagged with spoiler season N reveals what happens in
season N of its show; it is shown openly only to readers who have watched N.
A reader who has not answered yet sees every spoiler-tagged item shielded.
"""

from collections.abc import Mapping

NOT_ANSWERED = None


def is_shielded(spoiler_season: int | None, watched: int | None) -> bool:
    if not spoiler_season:
        return False
    if watched is NOT_ANSWERED:
        return True
    return spoiler_season > watched


def status_spoiler_season(
    *, season: int, released: bool, known: bool, has_note: bool
) -> int | None:
    """The season a character's status for `season` gives away.

    A known status (alive, dead, …) tells how that season ends. With the status still
    unknown, a note on a season that is out may tell what happened in it; a note on a
    season not out yet can only tell how the one before ended ("survives as a
    half-zombie"). Without a note, an unknown status tells nothing.
    """
    if known or (has_note and released):
        return season
    if has_note and season > 1:
        return season - 1
    return None


def parse_progress(raw: object, *, max_season: int = 99) -> dict[int, int]:
    """Read a {show_id: watched} mapping from untrusted data, dropping anything odd."""
    if not isinstance(raw, Mapping):
        return {}
    progress = {}
    for key, value in raw.items():
        try:
            show_id, watched = int(key), int(value)
        except (TypeError, ValueError):
            continue
        if show_id > 0 and 0 <= watched <= max_season:
            progress[show_id] = watched
    return progress
