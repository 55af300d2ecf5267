"""The countdown to a premiere keeps counting while the page stays open, in the page's
language, with the steps the server used."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from guide import demo
from guide.models import Season, SeasonStatus
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

MINUTE = 60_000  # the browser's clock counts milliseconds
HOUR = 60 * MINUTE
LANGUAGES = {
    "en": ({"locale": "en-US"}, "in 36 hours", re.compile("in (4[5-9]|5[01]) minutes")),
    "ko": (
        {"locale": "ko-KR", "extra_http_headers": {"Accept-Language": "ko"}},
        "36시간 후",
        re.compile("(4[5-9]|5[01])분 후"),
    ),
}


@pytest.fixture
def dated_season(site):
    season = Season.objects.get(show__slug=demo.SHOW_SLUG, number=2)
    season.status = SeasonStatus.COMING_SOON
    season.release_date = timezone.localdate() + datetime.timedelta(days=4)
    season.save()
    return season


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_countdown_counts_on_while_the_page_is_open(
    new_context, dated_season, screenshots_dir, language
):
    options, hours_left, minutes_left = LANGUAGES[language]
    context = new_context(viewport={"width": 360, "height": 800}, **options)
    page = context.new_page()
    starts = dated_season.premieres_at
    page.clock.install(time=starts - datetime.timedelta(days=4))
    page.goto(dated_season.get_absolute_url())
    left = page.locator("time[data-countdown]").first
    expect(left).to_have_attribute("datetime", starts.isoformat())
    page.clock.fast_forward(60 * HOUR)  # two and a half days on, 36 hours are left
    page.clock.run_for(MINUTE)
    expect(left).to_have_text(hours_left)
    screenshot(
        page.locator(".at-a-glance"),
        path=screenshots_dir / f"countdown-season-guide-phone-{language}.png",
    )
    page.clock.fast_forward(35 * HOUR + 9 * MINUTE)  # under two hours: minutes
    page.clock.run_for(MINUTE)
    expect(left).to_have_text(minutes_left)
    page.clock.fast_forward(HOUR)  # the day has come: the countdown goes
    page.clock.run_for(MINUTE)
    expect(page.locator("time[data-countdown]")).to_have_count(0)
    expect(page.locator(".at-a-glance")).not_to_contain_text("()")
    assert not context.watch.errors
