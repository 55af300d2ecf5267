"""The rate limits fans actually meet, as configured (no test here overrides them).

Per fan: 5 theories an hour, 20 comments in ten minutes, 120 votes a minute and 10
reports an hour; each action has its own allowance, so spending one leaves the others.
"""

import time
from http import HTTPStatus

import pytest
from django.urls import reverse

from core.throttle import check_rate
from guide.models import Report, Theory
from tests.factories import SeasonFactory, TheoryFactory

HOUR, MINUTE = 3600, 60

# action: (attempts allowed, in a window of this many seconds)
POLICY = {
    "theory": (5, HOUR),
    "comment": (20, 10 * MINUTE),
    "vote": (120, MINUTE),
    "report": (10, HOUR),
    "follow": (60, 10 * MINUTE),
    "inbox": (60, 10 * MINUTE),
    "forecast": (60, 10 * MINUTE),
    "prediction": (10, HOUR),
}


@pytest.mark.parametrize(("action", "limit", "window"), [(a, *p) for a, p in POLICY.items()])
def test_each_action_allows_its_configured_number_per_window(action, limit, window):
    start = 1000.0 * window + 0.5  # half a second into a window
    for attempt in range(limit):
        assert check_rate(action=action, key=1, now=start + attempt / limit) is None, attempt
    wait = check_rate(action=action, key=1, now=start + 1)
    assert wait == window - 2  # the window ends window - 1.5 s later; whole seconds, down
    # The next window starts afresh.
    assert check_rate(action=action, key=1, now=start + window) is None


@pytest.mark.parametrize(("action", "limit", "window"), [(a, *p) for a, p in POLICY.items()])
def test_a_window_only_counts_its_own_attempts(action, limit, window):
    late = 1000.0 * window + window - 1.0  # the last second of a window
    for _ in range(limit):
        assert check_rate(action=action, key=2, now=late) is None
    assert check_rate(action=action, key=2, now=late) == 1
    for _ in range(limit):
        assert check_rate(action=action, key=2, now=late + 1.0) is None


def test_spending_one_allowance_leaves_another_with_the_same_window():
    now = 7_200_000.0
    reports, theories = POLICY["report"][0], POLICY["theory"][0]
    for _ in range(reports):
        assert check_rate(action="report", key=3, now=now) is None
    assert check_rate(action="report", key=3, now=now) is not None
    for attempt in range(theories):
        assert check_rate(action="theory", key=3, now=now) is None, attempt


@pytest.mark.django_db
def test_five_reports_leave_a_fans_theory_allowance_untouched(fan, other_fan_client):
    season = SeasonFactory()
    for n in range(5):
        theory = TheoryFactory(author=fan, season=season, title=f"Reported {n}")
        response = other_fan_client.post(
            reverse("guide:report_theory", args=[theory.pk]), {"reason": "spam"}
        )
        assert response.status_code == HTTPStatus.FOUND
    assert Report.objects.count() == 5
    response = other_fan_client.post(
        reverse("guide:theory_create"),
        {"season": season.pk, "title": "My own theory at last", "body": "It will happen."},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Theory.objects.filter(title="My own theory at last").exists()


@pytest.mark.parametrize("window", [1, 5, 6])
def test_a_limit_holds_however_short_its_window(settings, window):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (2, window)}
    now = 1000.0 * window
    assert check_rate(action="vote", key=4, now=now) is None
    assert check_rate(action="vote", key=4, now=now) is None
    assert check_rate(action="vote", key=4, now=now) == window


def test_an_hours_allowance_stays_spent_until_the_hour_is_over(monkeypatch):
    # The counters live in the cache, which forgets by the clock: move the clock on.
    start = 2000.0 * HOUR
    for _ in range(POLICY["theory"][0]):
        assert check_rate(action="theory", key=5, now=start) is None
    fifty_minutes_on = time.time() + 50 * MINUTE
    monkeypatch.setattr(time, "time", lambda: fifty_minutes_on)
    assert check_rate(action="theory", key=5, now=start + 50 * MINUTE) == 10 * MINUTE
