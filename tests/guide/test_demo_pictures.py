"""Demo pictures (guide.demo.pictures): posters, portraits and episode stills drawn from
gradients, shapes and type, the same bytes for the same arguments, with type that reads
on every palette, fits inside the picture, and is left out where the font cannot draw it."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageColor, ImageDraw

from guide.cards import font
from guide.demo import pictures

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
GREEN = pictures.PALETTES[0]
LONG_TITLE = (
    "The Extraordinarily Long and Winding Chronicle of Hyosan High School's Last Afternoon"
    " Before the Quarantine Closed Every Gate"
)


@pytest.fixture(autouse=True)
def _latin_font(settings):
    """Pillow's own font, which draws Latin letters only, unless a test names another."""
    settings.CARD_FONT = ""


def opened(webp: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(webp))
    assert image.format == "WEBP"
    return image


def poster(**changes) -> bytes:
    return pictures.poster(**{"title": "All of Us Are Dead", "palette": GREEN, **changes})


def portrait(**changes) -> bytes:
    return pictures.portrait(**{"name": "Nam On-jo", "palette": GREEN, **changes})


def still(**changes) -> bytes:
    arguments = {"show": "All of Us Are Dead", "season": 1, "episode": 1, "palette": GREEN}
    return pictures.still(**{**arguments, **changes})


@pytest.mark.parametrize(
    ("draw", "size"),
    [(poster, (800, 1200)), (portrait, (600, 600)), (still, (1280, 720))],
)
def test_each_picture_is_an_rgb_webp_of_its_size(draw, size):
    image = opened(draw())
    assert image.size == size
    assert image.mode == "RGB"


@pytest.mark.parametrize(
    ("draw", "change"),
    [
        (poster, {"title": "Hyosan High"}),
        (poster, {"subtitle": "Season 2"}),
        (portrait, {"name": "Lee Cheong-san"}),
        (still, {"title": "Episode 1"}),
        (still, {"episode": 2}),
    ],
)
def test_the_same_arguments_draw_the_same_bytes_and_others_do_not(draw, change):
    assert draw() == draw()
    assert draw(**change) == draw(**change)
    assert draw(**change) != draw()


def test_a_name_gets_the_same_palette_every_time_and_names_differ():
    names = ["Nam On-jo", "Lee Cheong-san", "Choi Nam-ra", "Yoon Gwi-nam", "Jang Ha-ri"]
    assert all(pictures.palette_for(name) in pictures.PALETTES for name in names)
    assert [pictures.palette_for(name) for name in names] == [
        pictures.palette_for(name) for name in names
    ]
    assert len({pictures.palette_for(name) for name in names}) > 1
    # Pinned: hash() would give another palette in another process.
    assert pictures.palette_for("Nam On-jo") == pictures.PALETTES[2]


def test_contrast_is_the_wcag_ratio():
    assert pictures.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert pictures.contrast("#ffffff", "#000000") == pytest.approx(21)
    assert pictures.contrast("#5a1a1f", "#5a1a1f") == pytest.approx(1)
    assert pictures.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def shaded(background: str, accent: str, opacity: float) -> str:
    """`accent` drawn at `opacity` over `background`, as Pillow blends it."""
    alpha = round(255 * opacity) / 255
    channels = zip(ImageColor.getrgb(accent), ImageColor.getrgb(background), strict=True)
    return "#" + "".join(f"{round(under + (over - under) * alpha):02x}" for over, under in channels)


@pytest.mark.parametrize("palette", pictures.PALETTES)
def test_type_reads_on_every_palette_and_on_the_shapes_behind_it(palette):
    lighter, darker, accent = palette
    behind_type = [lighter, darker, shaded(lighter, accent, pictures.SHAPE_OPACITY)]
    for background in behind_type:
        assert pictures.contrast(pictures.INK, background) >= 4.5, (palette, background)


def test_initials_are_the_first_letters_of_at_most_two_words():
    assert pictures.initials("Nam On-jo") == "NO"
    assert pictures.initials("Lee Cheong-san") == "LC"
    assert pictures.initials("  yoon gwi-nam ") == "YG"
    assert pictures.initials("Gyeo-ul") == "GU"
    assert pictures.initials("") == ""


def width_of(line: str, size: int) -> int:
    left, _top, right, _bottom = ImageDraw.Draw(Image.new("RGB", (1, 1))).textbbox(
        (0, 0), line, font=font(size)
    )
    return right - left


def test_a_short_title_keeps_the_largest_size_on_one_line():
    assert pictures.fit_lines("Hyosan", max_width=600, sizes=(60, 100, 80)) == (100, ["Hyosan"])


@pytest.mark.parametrize(
    "title", [LONG_TITLE, "Aaaaargh" * 20, "Season two " + "Uncontainable" * 6]
)
def test_a_title_too_long_for_any_size_is_cut_short_within_the_width(title):
    size, lines = pictures.fit_lines(title, max_width=600, sizes=(100, 72, 48), max_lines=3)
    assert size == 48
    assert 1 <= len(lines) <= 3
    assert all(width_of(line, size) <= 600 for line in lines), lines
    assert any(line.endswith("…") for line in lines)


def test_a_title_is_wrapped_between_words_at_the_largest_size_that_fits():
    size, lines = pictures.fit_lines(LONG_TITLE, max_width=672, sizes=(100, 72, 48), max_lines=6)
    assert size == 48
    assert " ".join(lines) == LONG_TITLE
    assert all(width_of(line, size) <= 672 for line in lines)
    assert pictures.fit_lines("All of Us Are Dead", max_width=672, sizes=(100, 72))[0] == 72


def lightest_channel(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    return max(high for _low, high in image.crop(box).getextrema())


POSTER_MARGINS = [(0, 0, 56, 740), (744, 240, 800, 740)]  # beside the sky, below the moon


@pytest.mark.parametrize(
    ("draw", "text", "margins"),
    [
        (poster, {"title": LONG_TITLE, "subtitle": LONG_TITLE}, POSTER_MARGINS),
        (poster, {"title": "Aaaaargh" * 20}, POSTER_MARGINS),
        (portrait, {"name": LONG_TITLE}, [(0, 0, 40, 600), (560, 0, 600, 600)]),
        (still, {"title": LONG_TITLE}, [(0, 92, 100, 628), (1180, 92, 1280, 628)]),
    ],
)
def test_long_text_stays_inside_the_margins(draw, text, margins):
    """Nothing as light as type lies in a margin (a strip clear of the shapes), however long
    the text."""
    image = opened(draw(**text))
    for margin in margins:
        assert lightest_channel(image, margin) < 0xA0, margin


def test_without_a_font_for_hangul_a_korean_line_is_left_out():
    assert poster(native_title="지금 우리 학교는") == poster()
    assert portrait(native_name="남온조") == portrait()
    assert portrait(name="남온조") == portrait(name="")  # no monogram either


@pytest.mark.skipif(not CJK_FONT.exists(), reason="Noto Sans CJK is not installed")
def test_with_a_font_for_hangul_a_korean_line_is_drawn(settings):
    settings.CARD_FONT = str(CJK_FONT)
    assert poster(native_title="지금 우리 학교는") != poster()
    assert portrait(native_name="남온조") != portrait()
