"""The accent table PostgreSQL's search uses (SQL translate()): every lower-case accented
Latin letter that folds to one plain letter, and that letter; nothing else."""

import string
import unicodedata

import pytest

from guide.textfold import accent_table, fold


@pytest.fixture
def table() -> dict[str, str]:
    # Built for each test (it is cheap): a test is then known to read accent_table, which
    # is how mutation testing picks the tests to run against a change to it.
    source, target = accent_table()
    assert len(source) == len(target)
    assert len(set(source)) == len(source), "each letter once"
    return dict(zip(source, target, strict=True))


@pytest.mark.parametrize(
    ("accented", "plain"),
    [
        ("à", "a"),  # U+00E0, the first lower-case letter of Latin-1 that folds
        ("é", "e"),
        ("ç", "c"),
        ("ñ", "n"),
        ("ü", "u"),
        ("ÿ", "y"),  # U+00FF, the last of Latin-1
        ("ő", "o"),  # Latin Extended-A
        ("ž", "z"),
        ("ǎ", "a"),  # Latin Extended-B
        ("ȳ", "y"),  # U+0233, near the end of the range
    ],
)
def test_accented_letters_map_to_their_plain_letter(table, accented, plain):
    assert table[accented] == plain


@pytest.mark.parametrize(
    ("letter", "why"),
    [
        ("É", "upper case: the text is folded to lower case first"),
        ("À", "upper case, and the first code point of the range"),
        ("ß", "folds to two letters"),
        ("æ", "a ligature, not a letter with an accent"),
        ("ø", "a letter of its own: no accent to drop"),
        ("ł", "a letter of its own: no accent to drop"),
        ("a", "already plain"),
        ("ĳ", "folds to two letters"),
    ],
)
def test_letters_that_do_not_fold_to_one_plain_letter_are_left_out(table, letter, why):
    assert letter not in table, why


def test_the_table_agrees_with_fold_and_holds_only_lower_case_latin(table):
    assert len(table) > 100
    for accented, plain in table.items():
        assert fold(accented) == plain
        assert accented == accented.lower()
        assert "LATIN" in unicodedata.name(accented)
        assert plain in string.ascii_lowercase
