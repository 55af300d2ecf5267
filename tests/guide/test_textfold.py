"""Text folding, the one way search compares words: case and accents set aside, nothing
else changed, and no text folds to some."""

import pytest

from guide.textfold import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("", ""),
        (None, ""),  # a field left empty
        ("Nam-Ra", "nam-ra"),
        ("Café Sísyphe", "cafe sisyphe"),
        ("지금 우리 학교는", "지금 우리 학교는"),  # Hangul is kept whole, not split into jamo
    ],
)
def test_fold_sets_case_and_accents_aside(text, folded):
    assert fold(text) == folded
