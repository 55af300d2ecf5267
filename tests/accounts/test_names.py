"""The pure rules behind public names (accounts/names.py): plain asserts, no database."""

import pytest

from accounts.names import has_hidden_characters, is_reserved, skeleton


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("alice", "ALICE"),
        ("alice", "\u0430lice"),  # Cyrillic а
        ("alice", "\u0430\u04cf\u0456\u0441\u0435"),  # all Cyrillic
        ("ALICE", "\u0391\u217c\u0399\u0421\u0395"),  # Greek Α, Roman numeral Ⅼ, Greek Ι...
        ("alice", "al1ce"),
        ("alice", "aIice"),
        ("alice", "a.l.i.c.e"),
        ("alice", "a_lice"),
        ("alice", "alicé"),
        ("alice", "\uff41\uff4c\uff49\uff43\uff45"),  # fullwidth
        ("alice", "\U0001d41a\U0001d425\U0001d422\U0001d41c\U0001d41e"),  # maths bold
        ("modem", "rnodern"),
        ("hoon", "h00n"),
        ("Hyosan", "\u041d\u0443\u043e\u0455\u0430\u043f"),  # Cyrillic Н у о ѕ а, Latin n
        ("nam-ra", "Nam Ra"),
    ],
)
def test_look_alikes_share_a_skeleton(one, other):
    assert skeleton(one) == skeleton(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("alice", "alicia"), ("nam-ra", "namla"), ("on-jo", "cheong-san"), ("남라", "온조")],
)
def test_different_names_keep_different_skeletons(one, other):
    assert skeleton(one) != skeleton(other)


def test_a_skeleton_holds_only_letters_and_digits():
    assert skeleton("  --__..  ") == ""
    assert skeleton("🧟 Zombie 🧟") == skeleton("zombie")


@pytest.mark.parametrize(
    "name",
    ["admin", "Moderator team", "ModeratorTeam", "SUPPORT", "Next Season", "next_season_fan"],
)
def test_names_that_speak_for_the_site(name):
    assert is_reserved(name)


@pytest.mark.parametrize(
    "name", ["Badminton fan", "Modern Family", "Staffordshire", "Zombie Scholar", "On-jo"]
)
def test_names_that_only_contain_the_letters(name):
    assert not is_reserved(name)


@pytest.mark.parametrize(
    "name",
    ["a\u200bb", "a\u200cb", "a\u200eb", "a\u202ab", "a\u2067b", "a\x00b", "a\nb", "a\u2028b"],
)
def test_hidden_characters(name):
    assert has_hidden_characters(name)


@pytest.mark.parametrize("name", ["Zombie Scholar", "남라", "Ïñès", "ǅ", "a\u0301\u0302b"])
def test_visible_text(name):
    assert not has_hidden_characters(name)
