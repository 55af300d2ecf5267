"""What a public name (a username, a display name) may be. Pure rules, no Django.

Three ways a name can pretend to be someone it is not:

- characters that show nothing or move the text around them (control, format such as
  zero-width and right-to-left overrides, blank letters such as the Hangul filler);
- looking like another fan's name: two names look alike when their skeletons are equal
  (Unicode compatibility forms folded, accents and case dropped, separators ignored, and
  common look-alike letters from Cyrillic, Greek and digits read as the Latin letter);
- claiming to speak for the site: admin, moderator, staff, support, Next Season...

The skeleton follows the idea of Unicode TR39's confusable skeleton with a small table
of the look-alikes people actually use; it errs on the strict side (i, l, I and 1 count
as one letter), since a fan who meets it only has to pick another name.
"""

import re
import unicodedata

# Categories that are never visible text in a name: controls, format characters (zero
# width, bidi overrides and isolates, soft hyphen, tags), private use, surrogates,
# unassigned code points, line and paragraph separators.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
# Letters and marks that draw nothing although their category says otherwise.
BLANK_CHARACTERS = frozenset(
    "\u034f"  # combining grapheme joiner
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers
    "\u17b4\u17b5"  # Khmer inherent vowels
    "\u2800"  # braille blank
) | frozenset(chr(code) for code in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
MAX_MARKS_IN_A_ROW = 2  # more stacked accents than any language needs

# Look-alikes read as the Latin letter they imitate. Applied before case folding, so an
# upper-case letter can imitate one thing and its lower case another (Greek Η and η).
LOOKALIKES = str.maketrans(
    {
        # Cyrillic
        "А": "A", "а": "a", "В": "B", "Е": "E", "е": "e", "Ѕ": "S", "ѕ": "s",
        "І": "I", "і": "i", "Ј": "J", "ј": "j", "К": "K", "к": "k", "М": "M", "м": "m",
        "Н": "H", "һ": "h", "О": "O", "о": "o", "Р": "P", "р": "p", "С": "C",
        "с": "c", "Т": "T", "У": "Y", "у": "y", "Х": "X", "х": "x", "Ԁ": "D",
        "ԁ": "d", "Ԛ": "Q", "ԛ": "q", "Ԝ": "W", "ԝ": "w", "ӏ": "l", "Ӏ": "l",
        "Ь": "b", "ь": "b", "Ү": "Y", "ү": "y", "п": "n",
        # Greek
        "Α": "A", "α": "a", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "η": "n",
        "Ι": "I", "ι": "i", "Κ": "K", "κ": "k", "Μ": "M", "Ν": "N", "ν": "v",
        "Ο": "O", "ο": "o", "Ρ": "P", "ρ": "p", "Τ": "T", "τ": "t", "Υ": "Y",
        "υ": "u", "Χ": "X", "χ": "x",
        # Latin look-alikes and digits
        "ı": "i", "ǀ": "l", "ɡ": "g", "ɑ": "a", "|": "l", "0": "o", "1": "l",
    }
)  # fmt: skip
# After case folding: letters that many fonts draw alike, and pairs that pass as one.
FOLDED = str.maketrans({"i": "l"})
LETTER_PAIRS = (("rn", "m"), ("vv", "w"))

# Words no fan's name may contain, and whole names no fan may take.
ROLE_WORDS = frozenset(
    {
        "admin", "admins", "administrator", "administrators", "sysop", "root",
        "mod", "mods", "moderator", "moderators", "moderation",
        "staff", "support", "helpdesk", "official", "editor", "editors",
        "security", "abuse", "webmaster", "postmaster", "noreply",
    }
)  # fmt: skip
SITE_NAME = "Next Season"
RESERVED_NAMES = frozenset({"nextseason", "deletedfan", "anonymous", "system", "everyone"})

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\W_]+")


def has_hidden_characters(value: str) -> bool:
    """True if `value` holds a character that shows nothing or reorders what follows."""
    marks_in_a_row = 0
    for char in value:
        if unicodedata.category(char) in HIDDEN_CATEGORIES or char in BLANK_CHARACTERS:
            return True
        marks_in_a_row = marks_in_a_row + 1 if unicodedata.combining(char) else 0
        if marks_in_a_row > MAX_MARKS_IN_A_ROW:
            return True
    return False


def _plain(value: str) -> str:
    """Compatibility forms folded and accents dropped: "Ａｌｉｃé" becomes "Alice"."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def skeleton(value: str) -> str:
    """What `value` looks like: equal skeletons mean names a reader could mistake."""
    text = _plain(value).translate(LOOKALIKES).casefold().translate(FOLDED)
    text = "".join(char for char in text if char.isalnum())
    for pair, single in LETTER_PAIRS:
        text = text.replace(pair, single)
    return text


_ROLE_SKELETONS = frozenset(skeleton(word) for word in ROLE_WORDS)
_RESERVED_SKELETONS = frozenset(skeleton(name) for name in RESERVED_NAMES)
_SITE_SKELETON = skeleton(SITE_NAME)


def words(value: str) -> list[str]:
    """The words of a name: split at spaces, punctuation and camelCase humps."""
    text = _CAMEL_BOUNDARY.sub(" ", _plain(value).translate(LOOKALIKES))
    return [word for word in _SEPARATORS.split(text) if word]


def is_reserved(value: str) -> bool:
    """True if `value` claims to speak for the site ("Moderator team", "NextSeason")."""
    whole = skeleton(value)
    return (
        whole in _RESERVED_SKELETONS
        or whole in _ROLE_SKELETONS
        or _SITE_SKELETON in whole
        or any(skeleton(word) in _ROLE_SKELETONS for word in words(value))
    )
