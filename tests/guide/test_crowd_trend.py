"""How the crowd's median moved (selectors.crowd_trend): one point at the end of each
day that had forecasts, at most TREND_POINTS of them, spread evenly over the days."""

import datetime

from django.utils import timezone

from guide.selectors import TREND_POINTS, CrowdPoint, crowd_trend

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def at(day: int, hour: int = 0) -> datetime.datetime:
    return START + datetime.timedelta(days=day, hours=hour)


def test_each_day_ends_with_the_median_of_each_fans_latest_forecast(settings):
    settings.TIME_ZONE = "UTC"
    forecasts = [
        (1, 40, at(0)),
        (2, 60, at(1)),
        (3, 90, at(1, 2)),  # the same day: one point for both
        (1, 80, at(3)),  # a fan's new forecast replaces their old one
    ]
    assert crowd_trend(forecasts) == [
        CrowdPoint(at=at(0), median=40, forecasters=1),
        CrowdPoint(at=at(1, 2), median=60, forecasters=3),
        CrowdPoint(at=at(3), median=80, forecasters=3),
    ]


def test_days_are_the_readers_days_not_the_servers(settings):
    settings.TIME_ZONE = "Asia/Seoul"  # 9:00 UTC and 16:00 UTC fall on two Seoul days
    forecasts = [(1, 30, at(0)), (2, 70, at(0, 7))]
    with timezone.override("Asia/Seoul"):
        trend = crowd_trend(forecasts)
    assert [(point.median, point.forecasters) for point in trend] == [(30, 1), (50, 2)]


def test_a_long_history_keeps_at_most_so_many_days_spread_evenly_the_last_kept():
    days = 100
    forecasts = [(fan, fan % 100, at(fan)) for fan in range(days)]
    trend = crowd_trend(forecasts)
    assert len(trend) == TREND_POINTS
    step = (days - 1) / (TREND_POINTS - 1)
    assert [point.at for point in trend] == [at(round(i * step)) for i in range(TREND_POINTS)]
    assert trend[0].forecasters == 1
    assert trend[-1].at == at(days - 1)
    assert trend[-1].forecasters == days


def test_exactly_so_many_days_are_all_kept():
    forecasts = [(fan, 50, at(fan)) for fan in range(TREND_POINTS)]
    assert [point.at for point in crowd_trend(forecasts)] == [f[2] for f in forecasts]


def test_no_forecasts_no_trend():
    assert crowd_trend([]) == []
