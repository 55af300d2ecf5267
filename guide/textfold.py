"""Folding text for search: case and accents away, every script's own letters kept.

Pure rules, no Django. Accents are dropped only from Latin, Greek and Cyrillic letters
(so "Renée" and "renee" meet), never from scripts whose marks are part of the letter
(Japanese dakuten, Devanagari vowel signs). Hangul decomposes into jamo, which are
letters, and NFC puts the syllables back together.
"""

import unicodedata


def _accent_bearing(ch: str) -> bool:
    code = ord(ch)
    return code < 0x0530 or 0x1E00 <= code <= 0x1FFF  # Latin, Greek, Cyrillic blocks


def fold(text: str) -> str:
    kept: list[str] = []
    for ch in unicodedata.normalize("NFKD", text or ""):
        if unicodedata.combining(ch) and kept and _accent_bearing(kept[-1]):
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)).casefold()


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index it came from in `text`."""
    pieces, positions = [], []
    for index, ch in enumerate(text):
        folded = fold(ch)
        pieces.append(folded)
        positions.extend([index] * len(folded))
    return "".join(pieces), positions


def accent_table() -> tuple[str, str]:
    """(from, to) for SQL translate(): lower-case accented Latin letters and their bases."""
    source, target = [], []
    for code in range(0x00C0, 0x0250):
        ch = chr(code)
        if ch != ch.lower():
            continue
        base = fold(ch)
        if len(base) == 1 and base != ch and base.isascii():
            source.append(ch)
            target.append(base)
    return "".join(source), "".join(target)
