"""Share cards: the 1200×630 PNG a link preview shows for a season guide, a character, a
theory, and a prediction that came true.

A card is seen by whoever a link is shared with, whatever they have watched, so it shows
only what spoils nothing: a theory's spoiler-free headline, never its title when tagged
or its verdict; a character's name and actor, never their fate; a prediction's who, how
sure and when, never its claim or criteria (a spoiler for a season is said, not shown).
Drawn with Pillow and kept in the cache under what it says: a new count, title, date or
language draws a new one. Pillow's own font draws Latin letters only: settings.CARD_FONT
names a font file with more scripts (e.g. Noto Sans CJK for Korean); without one, cards
are drawn in English and a name in another script is left out.
"""

import contextlib
import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
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
    if not drawable(author):
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


def season_lines(*, season, theories: int, facts: int) -> list[CardLine]:
    release = (
        _("out %(date)s") % {"date": date_format(season.release_date, "DATE_FORMAT")}
        if season.release_date
        else _("no release date yet")
    )
    return [
        CardLine(_title(season.show.title), 72, _INK),
        CardLine(_("Season %(n)s") % {"n": season.number}, 96, _ACCENT),
        CardLine(f"{season.get_status_display()} · {release}", 40, _INK),
        CardLine(
            ngettext("%(n)s fan theory", "%(n)s fan theories", theories) % {"n": _count(theories)}
            + " · "
            + ngettext("%(n)s sourced fact", "%(n)s sourced facts", facts) % {"n": _count(facts)},
            36,
            _MUTED,
        ),
    ]


def _count(number: int) -> str:
    return number_format(number, force_grouping=True)


def character_lines(*, character, theories: int) -> list[CardLine]:
    show, actor = character.show, character.actor
    lines = [CardLine(_title(character.name), 96, _ACCENT)]
    if character.native_name and drawable(character.native_name):
        lines.append(CardLine(character.native_name, 48, _INK))
    lines.append(
        CardLine(
            _("Played by %(actor)s in %(show)s")
            % {"actor": _title(actor.name), "show": _title(show.title)}
            if actor
            else _("In %(show)s") % {"show": _title(show.title)},
            40,
            _INK,
        )
    )
    lines.append(
        CardLine(
            ngettext("%(n)s fan theory about them", "%(n)s fan theories about them", theories)
            % {"n": _count(theories)},
            36,
            _MUTED,
        )
    )
    return lines


def theory_lines(*, theory, comments: int) -> list[CardLine]:
    """Its headline (never a tagged title), what it is about, its votes and comments;
    never its verdict, which tells how its season went."""
    season = theory.season
    about = _("A theory about %(show)s season %(n)s") % {
        "show": _title(season.show.title),
        "n": season.number,
    }
    author = theory.author.public_name if theory.author_id else ""
    lines = [
        CardLine(_title(theory.headline), 64, _ACCENT),
        CardLine(about, 36, _INK),
        CardLine(
            ngettext("%(n)s up", "%(n)s up", theory.upvotes) % {"n": _count(theory.upvotes)}
            + " · "
            + ngettext("%(n)s down", "%(n)s down", theory.downvotes)
            % {"n": _count(theory.downvotes)}
            + " · "
            + ngettext("%(n)s comment", "%(n)s comments", comments) % {"n": _count(comments)},
            36,
            _INK,
        ),
    ]
    if theory.spoiler_season:
        lines.append(
            CardLine(
                _("Spoilers for season %(n)s, behind a shield") % {"n": theory.spoiler_season},
                32,
                _MUTED,
            )
        )
    if author and drawable(author):
        lines.append(CardLine(_("by %(fan)s") % {"fan": author}, 32, _MUTED))
    return lines


def _title(text: str) -> str:
    """A name or title as the font can draw it: without CARD_FONT, one in another script
    is told by a placeholder rather than drawn as boxes."""
    return text if drawable(text) else "…"


def render(lines: list[CardLine]) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), _PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 24, HEIGHT), fill=_ACCENT)
    y = 80
    for line in lines:
        typeface = font(line.size)
        text = _fit(draw, line.text, typeface, WIDTH - 160)
        draw.text((90, y), text, font=typeface, fill=line.colour)
        y += int(line.size * 1.6)
    draw.text((90, HEIGHT - 80), "Next Season", font=font(32), fill=_INK)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The cards' font at `size` pixels: settings.CARD_FONT, else Pillow's own (Latin only)."""
    if settings.CARD_FONT:
        return ImageFont.truetype(settings.CARD_FONT, size)
    return ImageFont.load_default(size=size)


def drawable(text: str) -> bool:
    """Whether the font draws every letter: any with CARD_FONT, else Latin ones."""
    return bool(settings.CARD_FONT) or all(ord(letter) < 0x250 for letter in text)


def _fit(draw, text: str, font, width: int) -> str:
    """The text, cut with an ellipsis where it would run past `width` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def drawn_lines(say, **about) -> list[CardLine]:
    """What `say(**about)` says, in the reader's language if the font draws it, else in
    English."""
    drawn_in = contextlib.nullcontext() if settings.CARD_FONT else translation.override("en")
    with drawn_in:
        return say(**about)


def png(say, **about) -> bytes:
    """The card of `say(**about)`, kept under what it says: a new count, name, date or
    language draws a new one."""
    lines = drawn_lines(say, **about)
    key = "card:" + hashlib.blake2b(repr(lines).encode(), digest_size=16).hexdigest()
    drawn = cache.get(key)
    if drawn is None:
        drawn = render(lines)
        cache.set(key, drawn, CARD_SECONDS)
    return drawn
