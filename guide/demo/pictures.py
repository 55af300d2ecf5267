"""Pictures for the demo show: posters, character portraits and episode stills.

The demo guide needs pictures, and it may ship only pictures it is free to ship: no
photos, nothing downloaded. So each one is drawn with Pillow when the demo loads, from
colour gradients, a few shapes and type, and the same arguments always draw the same
bytes. Type is light on dark, at a WCAG contrast of 4.5:1 or more, in the share cards'
font (guide.cards.font); a line that font cannot draw, such as a Korean title without
settings.CARD_FONT, is left out rather than drawn as boxes.
"""

import hashlib
import io
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageColor, ImageDraw, ImageFont

from guide.cards import drawable, font

Palette = tuple[str, str, str]
Typeface = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Each is (the gradient's lighter end, its darker end, the accent its shapes are drawn in).
PALETTES: tuple[Palette, ...] = (
    ("#24463a", "#0b1813", "#8cc084"),  # school corridor green
    ("#5a1a1f", "#1b0709", "#e26d6d"),  # blood red
    ("#24345a", "#0b1122", "#9fb4e0"),  # school-uniform navy
    ("#6a3517", "#1e0e07", "#f0a35e"),  # dusk orange
    ("#15484b", "#061819", "#8fd0c4"),  # infection teal
    ("#3b3e46", "#111316", "#cfc8b8"),  # rooftop concrete
)
INK = "#f6f1e7"  # every line of type: a warm white that reads on every palette
SHAPE_OPACITY = 0.18  # shapes stay a backdrop, faint enough for type to read across them
WEBP_QUALITY = 82
LEADING = 1.2  # a line's height, as a multiple of its font size

POSTER_SIZE = (800, 1200)
PORTRAIT_SIZE = (600, 600)
STILL_SIZE = (1280, 720)
LETTERBOX = 92  # each bar's height: the still's picture is 2.39:1, as in a cinema

# 256×256 masks, stretched to each picture: 0 where a gradient starts, 255 where it ends.
_TOP_TO_BOTTOM = Image.linear_gradient("L")
_CENTRE_TO_EDGE = Image.radial_gradient("L")
_CORNER_TO_CORNER = Image.blend(
    _TOP_TO_BOTTOM, _TOP_TO_BOTTOM.transpose(Image.Transpose.TRANSPOSE), 0.5
)
_RULER = ImageDraw.Draw(Image.new("RGB", (1, 1)))  # measures text without drawing it


@dataclass(frozen=True)
class Line:
    """One line of type, drawn at `size` pixels."""

    text: str
    size: int
    space_above: int = 0  # parts one block of type (a title) from the next (its subtitle)


def palette_for(text: str) -> Palette:
    """One of PALETTES, the same for the same text in every process (unlike hash())."""
    digest = hashlib.sha256(text.encode()).digest()
    return PALETTES[int.from_bytes(digest[:4]) % len(PALETTES)]


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two colours: 1 for the same, 21 for black on white."""
    darker, lighter = sorted((_luminance(foreground), _luminance(background)))
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    red, green, blue = (_linear(channel / 255) for channel in ImageColor.getrgb(colour)[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _linear(channel: float) -> float:
    """An sRGB channel (0 to 1) as light, as WCAG defines it."""
    return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4


def initials(name: str) -> str:
    """The first letter of each word, at most two: "Nam On-jo" is "NO"."""
    words = re.split(r"[\s-]+", name.strip())
    return "".join(word[0] for word in words if word)[:2].upper()


def fit_lines(
    text: str, *, max_width: int, sizes: Sequence[int], max_lines: int = 1
) -> tuple[int, list[str]]:
    """The largest of `sizes` at which `text`, wrapped between words, fits in `max_lines`
    lines of at most `max_width` pixels, and those lines. If it fits at none, the smallest
    size, with what does not fit cut off with an ellipsis."""
    for size in sorted(sizes, reverse=True):
        typeface = font(size)
        lines = _wrap(text, typeface, max_width)
        if len(lines) <= max_lines and all(_width(line, typeface) <= max_width for line in lines):
            return size, lines
    smallest = min(sizes)
    typeface = font(smallest)
    lines = _wrap(text, typeface, max_width)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    return smallest, [_clip(line, typeface, max_width) for line in lines]


def _wrap(text: str, typeface: Typeface, max_width: int) -> list[str]:
    """Words onto lines, each as full as `max_width` allows; a word too long for any line
    gets one of its own."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(f"{lines[-1]} {word}", typeface) <= max_width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def _clip(line: str, typeface: Typeface, max_width: int) -> str:
    if _width(line, typeface) <= max_width:
        return line
    while line and _width(line + "…", typeface) > max_width:
        line = line[:-1]
    return line.rstrip() + "…"


def _width(text: str, typeface: Typeface) -> float:
    left, _top, right, _bottom = _RULER.textbbox((0, 0), text, font=typeface)
    return right - left


def poster(*, title: str, subtitle: str = "", native_title: str = "", palette: Palette) -> bytes:
    """800×1200: a night sky over a school with a few lit windows, and the title above it."""
    width, height = POSTER_SIZE
    # Darkest overhead, lighter toward the horizon, as after sunset.
    image = _gradient(POSTER_SIZE, palette[1], palette[0], _TOP_TO_BOTTOM)
    draw = ImageDraw.Draw(image, "RGBA")
    draw.ellipse((560, 110, 680, 230), fill=_faint(palette[2]))  # the moon
    _school(draw, palette[2], horizon=height - 110, lit=random.Random(title))
    column = width - 2 * 72
    lines = [
        *_lines(title, max_width=column, sizes=(100, 88, 76, 64, 56, 48), max_lines=4),
        *_lines(subtitle, max_width=column, sizes=(44, 36, 30), space_above=28),
        *_lines(native_title, max_width=column, sizes=(48, 40, 32), space_above=20),
    ]
    # The sky between the top and the clock tower's roof holds four lines of the title.
    _set(draw, lines, centre=(width // 2, 400))
    return _webp(image)


def _school(draw: ImageDraw.ImageDraw, accent: str, *, horizon: int, lit: random.Random) -> None:
    """A school's silhouette standing on the horizon: a long block, a clock tower, rows of
    windows of which `lit` picks the few with a light on."""
    shade = _faint(accent)
    draw.rectangle((0, horizon, POSTER_SIZE[0], POSTER_SIZE[1]), fill=shade)  # the ground
    draw.rectangle((100, horizon - 200, 700, horizon), fill=shade)
    draw.rectangle((345, horizon - 300, 455, horizon - 200), fill=shade)
    draw.polygon([(330, horizon - 300), (400, horizon - 350), (470, horizon - 300)], fill=shade)
    draw.ellipse((378, horizon - 278, 422, horizon - 234), fill=shade)  # the clock
    for row in range(3):
        for column in range(9):
            x, y = 128 + column * 64, horizon - 176 + row * 58
            # A window is the shade again over the block's; a lit one, three times as strong.
            times = 3 if lit.random() < 0.2 else 1
            draw.rectangle((x, y, x + 36, y + 34), fill=_faint(accent, times * SHAPE_OPACITY))


def portrait(*, name: str, native_name: str = "", palette: Palette) -> bytes:
    """600×600: the name's initials in a circle lit from behind, the name beneath it."""
    width, _height = PORTRAIT_SIZE
    image = _gradient(PORTRAIT_SIZE, palette[0], palette[1], _CENTRE_TO_EDGE)
    draw = ImageDraw.Draw(image, "RGBA")
    middle, radius = (width // 2, 250), 160
    circle = (middle[0] - radius, middle[1] - radius, middle[0] + radius, middle[1] + radius)
    draw.ellipse(circle, fill=_faint(palette[2]), outline=palette[2], width=4)
    monogram = _lines(initials(name), max_width=int(radius * 1.3), sizes=(160, 136, 112))
    _set(draw, monogram, centre=middle)
    column = width - 2 * 48
    lines = [
        *_lines(name, max_width=column, sizes=(44, 38, 32, 26)),
        *_lines(native_name, max_width=column, sizes=(34, 28, 24), space_above=4),
    ]
    _set(draw, lines, centre=(width // 2, 500))
    return _webp(image)


def still(*, show: str, season: int, episode: int, title: str = "", palette: Palette) -> bytes:
    """1280×720: a letterboxed frame crossed by faint beams of light, the season and
    episode large, the episode's title beneath, the show's name small in a corner."""
    width, height = STILL_SIZE
    image = _gradient(STILL_SIZE, palette[0], palette[1], _CORNER_TO_CORNER)
    draw = ImageDraw.Draw(image, "RGBA")
    for left in range(-300, width, 420):
        beam = [(left, height), (left + 160, height), (left + 560, 0), (left + 400, 0)]
        draw.polygon(beam, fill=_faint(palette[2], SHAPE_OPACITY / 2))
    draw.rectangle((0, 0, width, LETTERBOX), fill="black")
    draw.rectangle((0, height - LETTERBOX, width, height), fill="black")
    column = width - 2 * 120
    lines = [
        *_lines(f"S{season} · E{episode}", max_width=column, sizes=(136, 112, 96)),
        *_lines(title, max_width=column, sizes=(56, 48, 40, 34), max_lines=2, space_above=12),
    ]
    _set(draw, lines, centre=(width // 2, height // 2))
    corner = (48, height - LETTERBOX // 2)  # on the lower bar, left
    for line in _lines(show, max_width=width // 2, sizes=(24,)):
        draw.text(corner, line.text, font=font(line.size), fill=INK, anchor="lm")
    return _webp(image)


def _lines(
    text: str, *, max_width: int, sizes: Sequence[int], max_lines: int = 1, space_above: int = 0
) -> list[Line]:
    """`text` fitted to the width, or nothing if it is empty or the font cannot draw it."""
    if not text.strip() or not drawable(text):
        return []
    size, lines = fit_lines(text, max_width=max_width, sizes=sizes, max_lines=max_lines)
    return [Line(line, size, space_above if index == 0 else 0) for index, line in enumerate(lines)]


def _set(draw: ImageDraw.ImageDraw, lines: list[Line], *, centre: tuple[int, int]) -> None:
    """Draws the lines one under the other, each centred, the whole block on `centre`."""
    x, middle = centre
    heights = [line.space_above + round(line.size * LEADING) for line in lines]
    top = middle - sum(heights) // 2
    for line, height in zip(lines, heights, strict=True):
        # Each line sits at the middle of its own height, below the space above it.
        y = top + line.space_above + (height - line.space_above) // 2
        draw.text((x, y), line.text, font=font(line.size), fill=INK, anchor="mm")
        top += height


def _gradient(size: tuple[int, int], start: str, end: str, mask: Image.Image) -> Image.Image:
    """From `start` where the mask is black to `end` where it is white."""
    return Image.composite(
        Image.new("RGB", size, end), Image.new("RGB", size, start), mask.resize(size)
    )


def _faint(colour: str, opacity: float = SHAPE_OPACITY) -> tuple[int, int, int, int]:
    red, green, blue = ImageColor.getrgb(colour)[:3]
    return red, green, blue, round(255 * opacity)


def _webp(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "WEBP", quality=WEBP_QUALITY)
    return out.getvalue()
