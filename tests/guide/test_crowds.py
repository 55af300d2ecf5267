"""A prediction's crowd, kept as forecasts are made (CrowdBucket, CrowdDay), is always the
crowd counted from scratch from every forecast: now, and at the end of each day.

Fans forecast one at a time through the service, over several days, change their minds,
repeat themselves, and leave (their account deleted, and their forecasts with it); after
each write every prediction's kept crowd is compared with a count made here the plain
way, the median of each fan's latest forecast.
"""

import datetime
import random
import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import delete_account
from guide import selectors, services
from guide.models import CrowdBucket, CrowdDay, Forecast, SeasonStatus
from guide.scoring import spread
from tests.factories import (
    ForecastFactory,
    PredictionFactory,
    SeasonFactory,
    TheoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock(monkeypatch):
    """When the next forecast is made: a list whose last moment is now, for forecasts."""
    moments = [START]
    field = Forecast._meta.get_field("created_at")
    monkeypatch.setattr(field, "_get_default", lambda: moments[-1])
    return moments


def counted_from_scratch(prediction_id: int):
    rows = Forecast.objects.filter(prediction_id=prediction_id).order_by("created_at", "pk")
    forecasts = list(rows.values_list("user_id", "percent", "created_at"))
    latest = {fan: percent for fan, percent, _at in forecasts}
    now = (statistics.median(latest.values()) if latest else None, len(latest))
    trend = []
    for day in sorted({timezone.localdate(at) for _fan, _percent, at in forecasts}):
        by_then = [row for row in forecasts if timezone.localdate(row[2]) <= day]
        latest_then = {fan: percent for fan, percent, _at in by_then}
        trend.append((by_then[-1][2], statistics.median(latest_then.values()), len(latest_then)))
    return now, spread(trend, selectors.TREND_POINTS)


def kept(prediction_id: int):
    crowd, trend = selectors.crowd_and_trend(prediction_id)
    listed = selectors.crowds([prediction_id])[prediction_id]
    assert (listed.median, listed.forecasters) == (crowd.median, crowd.forecasters)
    return (crowd.median, crowd.forecasters), [
        (point.at, point.median, point.forecasters) for point in trend
    ]


def assert_crowds_hold(predictions, after: str) -> None:
    for prediction in predictions:
        assert kept(prediction.pk) == counted_from_scratch(prediction.pk), after


def test_a_run_of_forecasts_over_days_keeps_every_crowd(clock):
    coming = SeasonFactory(status=SeasonStatus.ANNOUNCED)
    author = UserFactory(username="claimant")
    theory = TheoryFactory(author=author, season=coming)
    question = PredictionFactory(season=coming)
    fans = [UserFactory(username=f"crowd{n}") for n in range(6)]
    claim = services.state_prediction(
        user=author, theory=theory, claim="It happens", criteria="Shown", percent=70
    )
    predictions = [question, claim]
    pick = random.Random(7)
    for step in range(60):
        clock.append(clock[-1] + datetime.timedelta(hours=pick.choice([0, 1, 5, 20])))
        fan = pick.choice(fans)
        prediction = pick.choice(predictions)
        percent = pick.choice([5, 30, 50, 51, 70, 99])
        services.forecast(user=fan, prediction=prediction, percent=percent)
        assert_crowds_hold(predictions, f"step {step}: {fan} said {percent}%")
        if step == 40:
            delete_account(user=fans.pop(0))
            assert_crowds_hold(predictions, "an account deleted")
    assert len(kept(question.pk)[1]) > 3  # the run spans days


def test_forecasting_the_same_again_changes_no_crowd(clock):
    prediction = PredictionFactory(season=SeasonFactory(status=SeasonStatus.ANNOUNCED))
    fan = UserFactory()
    services.forecast(user=fan, prediction=prediction, percent=40)
    before = list(CrowdBucket.objects.values_list("percent", "forecasters"))
    clock.append(START + datetime.timedelta(days=1))
    services.forecast(user=fan, prediction=prediction, percent=40)
    assert list(CrowdBucket.objects.values_list("percent", "forecasters")) == before
    assert CrowdDay.objects.count() == 1
    assert_crowds_hold([prediction], "the same again")


def test_a_crowd_is_read_in_as_many_queries_however_many_forecast():
    prediction = PredictionFactory(season=SeasonFactory(status=SeasonStatus.ANNOUNCED))

    def queries_to_read() -> int:
        with CaptureQueriesContext(connection) as queries:
            selectors.crowd_and_trend(prediction.pk)
            selectors.crowds([prediction.pk])
        return len(queries)

    ForecastFactory(prediction=prediction, percent=10)
    few = queries_to_read()
    for percent in range(1, 60):
        ForecastFactory(prediction=prediction, percent=percent)
    assert queries_to_read() == few == 3
    assert selectors.crowds([prediction.pk])[prediction.pk].forecasters == 60


def test_the_crowds_are_recounted_from_forecasts_however_they_were_written(clock):
    """The demo and generated data write forecasts as rows: recount_crowds counts them
    in time order, as the service would have, keeping the rows it need not change."""
    prediction = PredictionFactory(season=SeasonFactory(status=SeasonStatus.ANNOUNCED))
    fans = [UserFactory() for _ in range(4)]
    for day, (fan, percent) in enumerate(
        zip(fans * 2, [20, 40, 60, 80, 90, 10, 50, 55], strict=True)
    ):
        clock.append(START + datetime.timedelta(days=day))
        services.forecast(user=fan, prediction=prediction, percent=percent)
    made_live = kept(prediction.pk)
    ids = sorted(CrowdBucket.objects.values_list("pk", flat=True))
    services.recount_crowds(prediction_ids=[prediction.pk])
    assert kept(prediction.pk) == made_live == counted_from_scratch(prediction.pk)
    assert set(CrowdBucket.objects.values_list("pk", flat=True)) <= set(ids)
