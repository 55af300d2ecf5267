"""A fan forecasts in a real browser: states a probability, changes it, sees the crowd
move; once the question is resolved, their profile shows their scores and calibration."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from guide import services
from guide.models import Prediction, Resolution, WatchProgress
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def forecast(page, percent: int) -> None:
    page.get_by_label("Your probability (%)").fill(str(percent))
    with page.expect_navigation():
        page.locator("form.forecast-form button[type=submit]").click()


def test_a_fan_forecasts_changes_it_and_sees_their_scores(new_context, site):
    question = Prediction.objects.questions().get(resolution="open")  # the open one
    before = question.forecasts.filter(current=True).count()
    fan = UserFactory(username="forecasting_fan")
    page = new_context().new_page()
    log_in(page, fan.username, PASSWORD)

    page.goto(question.get_absolute_url())
    forecast(page, 90)
    expect(page.get_by_text("Your forecast is saved.")).to_be_visible()
    crowd = page.locator(".crowd-median")
    expect(crowd).to_contain_text(f"median of {before + 1} fans' forecasts")
    forecast(page, 95)
    history = page.locator(".forecast-history li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("90%")
    expect(history.nth(1)).to_contain_text(re.compile(r"95%.*\(current\)"))
    expect(crowd).to_contain_text(f"median of {before + 1} fans' forecasts")
    expect(page.locator("svg.crowd-chart polyline")).to_be_visible()

    services.resolve_prediction(
        moderator=None,
        prediction=question,
        resolution=Resolution.YES,
        source_url="https://example.org/premiere",
    )
    WatchProgress.objects.create(user=fan, show=question.season.show, seasons_watched=2)
    page.goto(reverse("accounts:profile", args=[fan.username]))
    scores = page.locator("section[aria-labelledby=forecasts-title]")
    expect(scores).to_contain_text("Scored forecasts")
    expect(scores.locator("dd").first).to_have_text("1")
    expect(scores.locator("svg.calibration-chart circle")).to_have_count(1)
