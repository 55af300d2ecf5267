"""Share cards: the 1200×630 PNG a link preview shows for a prediction that came true.

A card is seen by whoever a link is shared with, whatever they have watched, so it never
shows the claim or its criteria: it says who called it, how sure they were and when,
that it came true, and which season it is about (a spoiler for that season is said, not
shown). Drawn with Pillow and kept in the cache until what it says changes. Pillow's own font
draws Latin letters only: settings.CARD_FONT names a font file with more scripts (e.g.
Noto Sans CJK for Korean); without one, cards are drawn in English and a name in
another script is left out.
"""

import contextlib
import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
CARD_SECONDS = 24 * 3600
_INK, _PAPER, _ACCENT, _MUTED = "#16181d", "#f3f4f7", "#0a58a8", "#545a66"


@dataclass(frozen=True)
class CardLine:
    text: str
    size: int
    colour: str


def called_it_lines(*, prediction, score) -> list[CardLine]:
    """What the card says: `score` is the author's stored ForecastScore on it."""
    show, season = prediction.season.show, prediction.season
    author = prediction.author.public_name if prediction.author_id else _("A deleted fan")
    if not _drawable(author):
        author = _("A fan")
    return [
        CardLine(_("Called it"), 96, _ACCENT),
        CardLine(
            _("%(fan)s gave it %(percent)s%% on %(date)s")
            % {
                "fan": author,
                "percent": score.percent,
                "date": date_format(score.made_at, "DATE_FORMAT"),
            },
            40,
            _INK,
        ),
        CardLine(
            _("It came true: resolved %(date)s")
            % {"date": date_format(prediction.resolved_at, "DATE_FORMAT")},
            40,
            _INK,
        ),
        CardLine(
            _("A prediction about %(show)s season %(number)s")
            % {"show": show.title, "number": season.number},
            32,
            _MUTED,
        ),
        CardLine(
            _("The claim is on Next Season, behind a spoiler shield for season %(number)s.")
            % {"number": prediction.outcome_season},
            28,
            _MUTED,
        ),
    ]


def render(lines: list[CardLine]) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), _PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 24, HEIGHT), fill=_ACCENT)
    y = 80
    for line in lines:
        font = _font(line.size)
        text = _fit(draw, line.text, font, WIDTH - 160)
        draw.text((90, y), text, font=font, fill=line.colour)
        y += int(line.size * 1.6)
    draw.text((90, HEIGHT - 80), "Next Season", font=_font(32), fill=_INK)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _font(size: int):
    if settings.CARD_FONT:
        return ImageFont.truetype(settings.CARD_FONT, size)
    return ImageFont.load_default(size=size)


def _drawable(text: str) -> bool:
    """Whether the font draws every letter: any with CARD_FONT, else Latin ones."""
    return bool(settings.CARD_FONT) or all(ord(letter) < 0x250 for letter in text)


def _fit(draw, text: str, font, width: int) -> str:
    """The text, cut with an ellipsis where it would run past `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def drawn_lines(*, prediction, score) -> list[CardLine]:
    """What the card says, in the reader's language if the font draws it, else English."""
    drawn_in = contextlib.nullcontext() if settings.CARD_FONT else translation.override("en")
    with drawn_in:
        return called_it_lines(prediction=prediction, score=score)


def called_it_png(*, prediction, score) -> bytes:
    """The card, kept under what it says: a new name, date or language draws a new one."""
    lines = drawn_lines(prediction=prediction, score=score)
    key = "card:called-it:" + hashlib.blake2b(repr(lines).encode(), digest_size=16).hexdigest()
    png = cache.get(key)
    if png is None:
        png = render(lines)
        cache.set(key, png, CARD_SECONDS)
    return png
