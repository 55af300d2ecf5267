"""Screenshots of the season guide and the theory list on a phone and a desktop, in
English and Korean, light and dark, saved in test-artifacts/screenshots/ for people to
look at. Each also must not scroll sideways, must speak the language and follow the
scheme asked for."""

import pytest
from django.urls import reverse

from guide import demo
from guide.models import Season
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WIDTHS = {"phone": (360, 640), "desktop": (1280, 900)}
LANGUAGES = {"en": "en-GB", "ko": "ko-KR"}

PAGE_STATE = """() => {
  const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);
  return {
    lang: document.documentElement.lang,
    dark: r + g + b < 3 * 128,
    tooWide: document.documentElement.scrollWidth > window.innerWidth,
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_screenshots_of_the_season_guide_and_theory_list(
    new_context, screenshots_dir, language, scheme
):
    season = Season.objects.get(show__slug=demo.SHOW_SLUG, number=2)
    pages = {"season-guide": season.get_absolute_url(), "theory-list": reverse("guide:theory_list")}
    for size, (width, height) in WIDTHS.items():
        context = new_context(
            viewport={"width": width, "height": height},
            color_scheme=scheme,
            locale=LANGUAGES[language],
            extra_http_headers={"Accept-Language": language},
        )
        page = context.new_page()
        for name, url in pages.items():
            page.goto(url)
            state = page.evaluate(PAGE_STATE)
            assert state == {"lang": language, "dark": scheme == "dark", "tooWide": False}, (
                name,
                size,
            )
            path = screenshots_dir / f"{name}-{language}-{scheme}-{size}-{width}.png"
            screenshot(page, path=str(path), full_page=True)
            assert path.stat().st_size > 0
        assert context.watch.outside_requests() == []
        assert context.watch.errors == []
