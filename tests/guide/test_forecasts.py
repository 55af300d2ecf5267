"""Predictions and forecasts: stating claims, forecasting and changing a forecast, locks,
resolution against canon and the stored scores, as fans, editors and moderators meet them."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guide import scoring, selectors, services
from guide.models import (
    Forecast,
    ForecastScore,
    ModerationAction,
    ModerationKind,
    Prediction,
    Resolution,
    SeasonStatus,
    Theory,
    WatchProgress,
)
from tests.factories import (
    FactFactory,
    ForecastFactory,
    ForecastScoreFactory,
    PredictionFactory,
    SeasonFactory,
    ShowFactory,
    TheoryFactory,
    UserFactory,
)
from tests.kit.admin_forms import change_form_fields
from tests.kit.counts import assert_queries_do_not_grow, count_queries
from tests.kit.html import Page, assert_open, assert_shielded

pytestmark = pytest.mark.django_db

NOW = timezone.now()
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def show(db):
    return ShowFactory(title="Forecast High", slug="forecast-high")


@pytest.fixture
def aired(show):
    return SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )


@pytest.fixture
def coming(show, aired):
    return SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)


@pytest.fixture
def question(coming):
    return PredictionFactory(season=coming, claim="Season 2 premieres before 2027")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def forecast_page(client, prediction, percent):
    return client.post(prediction.get_absolute_url(), {"percent": percent})


# Forecasting --------------------------------------------------------------------------------


def test_a_fan_forecasts_changes_it_and_every_change_is_kept(question):
    minji = UserFactory(username="minji")
    client = signed_in(minji)
    assert forecast_page(client, question, 70).status_code == HTTPStatus.FOUND
    assert forecast_page(client, question, 40).status_code == HTTPStatus.FOUND
    history = list(Forecast.objects.filter(user=minji).order_by("created_at", "pk"))
    assert [(f.percent, f.current) for f in history] == [(70, False), (40, True)]
    page = client.get(question.get_absolute_url()).text
    assert re.search(r"<strong>70%</strong> · <time", page)
    assert re.search(r"<strong>40%</strong> · <time[^>]*>[^<]*</time> \(current\)", page)
    assert 'value="40"' in page  # the form starts from the current forecast


def test_the_same_number_again_changes_nothing(question):
    minji = UserFactory()
    first = services.forecast(user=minji, prediction=question, percent=55)
    again = services.forecast(user=minji, prediction=question, percent=55)
    assert again == first
    assert Forecast.objects.filter(user=minji).count() == 1


def test_the_crowd_is_the_median_of_each_fans_current_forecast(question):
    for percent in (10, 30):
        services.forecast(user=UserFactory(), prediction=question, percent=percent)
    changer = UserFactory()
    services.forecast(user=changer, prediction=question, percent=5)
    services.forecast(user=changer, prediction=question, percent=90)
    crowd = selectors.crowds([question.pk])[question.pk]
    assert (crowd.median, crowd.forecasters) == (30, 3)
    page = Client().get(question.get_absolute_url()).text
    assert "30%</span> median of 3 fans" in page


@pytest.mark.parametrize("typed", ["0", "100", "-3", "50.5", "lots", ""])
def test_a_bad_probability_is_refused_next_to_the_field(question, typed):
    client = signed_in(UserFactory())
    response = client.post(question.get_absolute_url(), {"percent": typed})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert 'id="id_percent_error"' in response.text
    # In a text box (numeric keyboard): a number box would drop letters on its own.
    assert f'type="text" name="percent" value="{typed}"' in response.text or not typed
    assert not Forecast.objects.exists()


def test_a_visitor_is_asked_to_log_in(question):
    page = Client().get(question.get_absolute_url()).text
    assert "Log in to forecast" in page
    response = Client().post(question.get_absolute_url(), {"percent": 50})
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("accounts:login"))
    assert not Forecast.objects.exists()


def test_forecasts_are_rate_limited(question, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "forecast": (2, 600)}
    client = signed_in(UserFactory())
    assert forecast_page(client, question, 20).status_code == HTTPStatus.FOUND
    assert forecast_page(client, question, 30).status_code == HTTPStatus.FOUND
    assert forecast_page(client, question, 40).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert Forecast.objects.get(current=True).percent == 30


# Locks -------------------------------------------------------------------------------------


def test_after_the_lock_nobody_forecasts(question, coming):
    client = signed_in(UserFactory())
    forecast_page(client, question, 60)
    coming.forecasts_lock_at = NOW - datetime.timedelta(minutes=1)
    coming.save()
    response = forecast_page(client, question, 80)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "takes no more forecasts" in response.text
    assert list(Forecast.objects.values_list("percent", flat=True)) == [60]
    with pytest.raises(services.ForecastsClosed):
        services.forecast(user=UserFactory(), prediction=question, percent=50)
    assert "Forecasts locked" in Client().get(question.get_absolute_url()).text


def test_a_forecast_on_a_claim_reads_what_decides_it_with_the_lock(
    coming, django_assert_num_queries
):
    """The claim with its season (the lock time) and its theory (withdrawn or not), in
    the one statement that locks the claim. In a savepoint: the fan held; the claim;
    their forecast so far; any earlier one set aside and the new one written; then the
    crowd: one fan more at the new per cent (a count made, here the first at 30 %),
    the counts read back and today's crowd stored."""
    author = UserFactory()
    theory = TheoryFactory(author=author, season=coming)
    claim = services.state_prediction(
        user=author, theory=theory, claim="The school reopens", criteria="Shown", percent=60
    )
    fan = UserFactory()
    with django_assert_num_queries(11):
        services.forecast(user=fan, prediction=claim, percent=30)


def test_forecasts_close_at_the_very_moment_of_the_lock(coming):
    from guide import permissions

    coming.forecasts_lock_at = NOW
    coming.save()
    moment = coming.forecasts_close_at
    assert permissions.forecasts_open_for(coming, now=moment - datetime.timedelta(microseconds=1))
    assert not permissions.forecasts_open_for(coming, now=moment)


def test_a_resolved_prediction_takes_no_forecasts(question):
    services.resolve_prediction(
        moderator=None, prediction=question, resolution=Resolution.NO, source_url="https://x.org"
    )
    with pytest.raises(services.ForecastsClosed):
        services.forecast(user=UserFactory(), prediction=question, percent=50)


# Stating claims ---------------------------------------------------------------------------


def claim_form(**fields):
    return {
        "claim": "Cheong-san returns",
        "criteria": "Yes if he appears alive on screen in any season 2 episode.",
        "percent": "35",
        "spoiler_season": "1",
        **fields,
    }


def test_a_theory_author_states_a_prediction_with_their_probability(coming):
    author = UserFactory()
    theory = TheoryFactory(author=author, season=coming)
    url = reverse("guide:prediction_create", args=[theory.pk])
    response = signed_in(author).post(url, claim_form())
    prediction = Prediction.objects.get()
    assert response.url == prediction.get_absolute_url()
    assert (prediction.theory, prediction.season, prediction.spoiler_season) == (theory, coming, 1)
    assert list(prediction.forecasts.values_list("user", "percent")) == [(author.pk, 35)]
    page = Client().get(theory.get_absolute_url()).text
    assert prediction.get_absolute_url() in page


def test_only_the_author_states_a_theorys_predictions(coming):
    theory = TheoryFactory(season=coming)
    url = reverse("guide:prediction_create", args=[theory.pk])
    assert signed_in(UserFactory()).post(url, claim_form()).status_code == HTTPStatus.FORBIDDEN
    assert Client().get(url).status_code == HTTPStatus.FOUND  # to log in
    assert not Prediction.objects.exists()


def test_a_claim_form_with_errors_keeps_what_was_typed(coming):
    author = UserFactory()
    theory = TheoryFactory(author=author, season=coming)
    url = reverse("guide:prediction_create", args=[theory.pk])
    response = signed_in(author).post(url, claim_form(percent="100", spoiler_season="9"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Cheong-san returns" in response.text
    assert response.text.count('class="errorlist') >= 2
    assert not Prediction.objects.exists()


def test_no_new_claims_once_the_season_locks(coming):
    author = UserFactory()
    theory = TheoryFactory(author=author, season=coming)
    coming.forecasts_lock_at = NOW - datetime.timedelta(days=1)
    coming.save()
    url = reverse("guide:prediction_create", args=[theory.pk])
    response = signed_in(author).post(url, claim_form())
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "locked" in response.text
    assert not Prediction.objects.exists()


def test_a_hidden_theorys_predictions_are_hidden_with_it(coming):
    theory = TheoryFactory(season=coming, is_hidden=True)
    prediction = PredictionFactory(season=coming, theory=theory, author=theory.author)
    assert Client().get(prediction.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    own = signed_in(theory.author).get(prediction.get_absolute_url())
    assert own.status_code == HTTPStatus.OK


# Resolution and scores ----------------------------------------------------------------------


def at(days: int):
    return NOW - datetime.timedelta(days=days)


def test_resolving_scores_each_fans_last_counted_forecast(question, coming):
    early, late, alone = UserFactory(), UserFactory(), UserFactory()
    ForecastFactory(prediction=question, user=early, percent=20, created_at=at(30), current=False)
    ForecastFactory(prediction=question, user=early, percent=80, created_at=at(20))
    ForecastFactory(prediction=question, user=late, percent=30, created_at=at(15), current=False)
    # After the answer got out (a cast list): kept, but not what is scored.
    ForecastFactory(prediction=question, user=late, percent=99, created_at=at(5))
    ForecastFactory(prediction=question, user=alone, percent=90, created_at=at(3))
    question.known_at = at(10)
    question.save()
    scored = services.resolve_prediction(
        moderator=UserFactory(), prediction=question, resolution=Resolution.YES, fact=FactFactory()
    )
    assert scored == 2  # `alone` forecast only once the answer was public
    scores = {s.user_id: s for s in ForecastScore.objects.all()}
    assert {pk: s.percent for pk, s in scores.items()} == {early.pk: 80, late.pk: 30}
    assert scores[early.pk].brier == pytest.approx(0.04)
    assert scores[late.pk].brier == pytest.approx(0.49)
    assert scores[early.pk].log_score == pytest.approx(scoring.log_score(0.8, True))
    peers = scoring.peer_scores([0.8, 0.3], True)
    assert [scores[early.pk].peer_score, scores[late.pk].peer_score] == pytest.approx(peers)


def test_the_forecast_made_last_counts_whatever_order_the_rows_were_stored_in(question):
    moved, tied = UserFactory(), UserFactory()
    # `moved` changed their forecast from 20 to 80; the rows' ids run the other way.
    ForecastFactory(pk=9_000_001, prediction=question, user=moved, percent=80, created_at=at(20))
    ForecastFactory(
        pk=9_000_002, prediction=question, user=moved, percent=20, created_at=at(30), current=False
    )
    # Two forecasts in the same instant: the one stored last (the higher id) counts, even
    # where its row was written first.
    ForecastFactory(pk=9_000_004, prediction=question, user=tied, percent=70, created_at=at(10))
    ForecastFactory(
        pk=9_000_003, prediction=question, user=tied, percent=10, created_at=at(10), current=False
    )
    services.resolve_prediction(
        moderator=None, prediction=question, resolution=Resolution.YES, source_url="https://x.org"
    )
    scored = dict(ForecastScore.objects.values_list("user_id", "percent"))
    assert scored == {moved.pk: 80, tied.pk: 70}


def test_forecasts_after_the_lock_are_not_scored(question, coming):
    fan = UserFactory()
    ForecastFactory(prediction=question, user=fan, percent=40, created_at=at(9), current=False)
    ForecastFactory(prediction=question, user=fan, percent=95, created_at=at(1))
    coming.forecasts_lock_at = at(5)
    coming.save()
    services.resolve_prediction(
        moderator=None, prediction=question, resolution=Resolution.NO, source_url="https://x.org"
    )
    assert ForecastScore.objects.get().percent == 40


def test_annulling_or_resolving_again_replaces_the_scores(question):
    fan = UserFactory()
    services.forecast(user=fan, prediction=question, percent=70)
    resolve = {"moderator": None, "prediction": question, "source_url": "https://x.org"}
    services.resolve_prediction(resolution=Resolution.YES, **resolve)
    assert ForecastScore.objects.get().happened is True
    services.resolve_prediction(resolution=Resolution.NO, **resolve)
    assert ForecastScore.objects.get().happened is False
    services.resolve_prediction(resolution=Resolution.ANNULLED, **resolve)
    assert not ForecastScore.objects.exists()
    question.refresh_from_db()
    assert question.resolution == Resolution.ANNULLED


def test_a_fans_record_reads_the_stored_scores(question, coming):
    fan = UserFactory()
    other = PredictionFactory(season=coming)
    services.forecast(user=fan, prediction=question, percent=70)
    services.forecast(user=fan, prediction=other, percent=20)
    services.forecast(user=UserFactory(), prediction=other, percent=50)
    for prediction, resolution in ((question, Resolution.YES), (other, Resolution.YES)):
        services.resolve_prediction(
            moderator=None, prediction=prediction, resolution=resolution, source_url="https://x"
        )
    record = selectors.forecast_record(fan)
    assert record.forecasts == 2
    assert record.mean_brier == pytest.approx((0.09 + 0.64) / 2)
    buckets = {b.low: (b.forecasts, b.came_true) for b in record.calibration}
    assert buckets[70] == (1, 1)
    assert buckets[20] == (1, 1)


def test_the_resolution_is_shielded_for_who_has_not_watched_its_season(coming, aired):
    prediction = PredictionFactory(season=coming, claim="The school reopens")
    services.resolve_prediction(
        moderator=None, prediction=prediction, resolution=Resolution.YES, source_url="https://x"
    )
    coming.status, coming.release_date = SeasonStatus.RELEASED, datetime.date(2025, 1, 1)
    coming.save()
    page = Client().get(prediction.get_absolute_url()).text
    resolution = page[page.index('id="resolution-title"') :]
    assert "<details" in resolution.split("Came true")[0]  # behind a reveal
    assert "The school reopens" in page  # the claim itself gives nothing away


# The admin ---------------------------------------------------------------------------------


def staff(group: str) -> Client:
    return signed_in(UserFactory(is_staff=True, groups=[group]))


def admin_change(prediction) -> str:
    return reverse("admin:guide_prediction_change", args=[prediction.pk])


def test_a_moderator_resolves_against_a_fact_and_the_forecasts_are_scored(question, coming):
    services.forecast(user=UserFactory(), prediction=question, percent=70)
    fact = FactFactory(season=coming)
    client = staff("Moderators")
    form = change_form_fields(client.get(admin_change(question)))
    response = client.post(admin_change(question), {**form, "resolution": "yes"})
    assert response.status_code == HTTPStatus.OK  # refused: nothing cited
    assert "Cite the fact" in response.text
    assert not ForecastScore.objects.exists()
    form.update(resolution="yes", resolution_fact=str(fact.pk), resolution_note="Cast list")
    assert client.post(admin_change(question), form).status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert (question.resolution, question.resolution_fact) == (Resolution.YES, fact)
    assert ForecastScore.objects.get().brier == pytest.approx(0.09)


def test_editors_ask_questions_but_do_not_resolve(coming):
    client = staff("Editors")
    add = reverse("admin:guide_prediction_add")
    response = client.post(
        add,
        {
            "season": coming.pk,
            "claim": "Will season 2 premiere before 2027?",
            "criteria": "Yes if Netflix releases it before 1 January 2027.",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    question = Prediction.objects.get()
    assert question.is_question
    form = change_form_fields(client.get(admin_change(question)))
    assert "resolution" not in form
    coming.forecasts_lock_at = NOW - datetime.timedelta(hours=1)
    coming.save()
    response = client.post(admin_change(question), {**form, "claim": "Changed after the lock"})
    assert response.status_code == HTTPStatus.OK
    assert "claims stay as they are" in response.text
    question.refresh_from_db()
    assert question.claim == "Will season 2 premiere before 2027?"


def test_the_prediction_page_reads_as_many_queries_however_many_forecasts(
    question, django_capture_on_commit_callbacks
):
    fan = UserFactory()
    services.forecast(user=fan, prediction=question, percent=30)
    client = signed_in(fan)
    url = question.get_absolute_url()

    def more():
        with django_capture_on_commit_callbacks(execute=True):  # as each write commits
            for _ in range(20):
                services.forecast(user=UserFactory(), prediction=question, percent=60)
            services.forecast(user=fan, prediction=question, percent=45)

    assert_queries_do_not_grow(
        lambda: {"fan": count_queries(client, url), "visitor": count_queries(Client(), url)},
        more,
        "prediction page",
    )


def test_the_crowd_is_read_once_and_again_after_each_forecast(
    question, django_capture_on_commit_callbacks
):
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.forecast(user=first, prediction=question, percent=20)
    url = question.get_absolute_url()
    assert "20%" in Client().get(url).text
    # Kept: the next reader's page reads no forecast.
    with CaptureQueriesContext(connection) as queries:
        Client().get(url)
    assert queries
    assert not [q for q in queries if "guide_forecast" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        services.forecast(user=second, prediction=question, percent=40)
    page = Client().get(url).text
    assert "30%" in page
    assert "median of 2 fans" in page
    # A fan who leaves takes their forecast out of the crowd at once.
    with django_capture_on_commit_callbacks(execute=True):
        services.forget_fan(user=second)
        second.delete()
    page = Client().get(url).text
    assert "20%" in page
    assert "median of 1 fan" in page


def test_a_profiles_scores_are_behind_a_reveal_until_their_season_is_watched(coming, aired):
    """With few forecasts, a score tells how a prediction turned out: a fan's scores on
    season-2 predictions are a season-2 spoiler."""
    fan = UserFactory(username="forecaster")
    prediction = PredictionFactory(season=coming)
    services.forecast(user=fan, prediction=prediction, percent=90)
    services.resolve_prediction(
        moderator=None, prediction=prediction, resolution=Resolution.NO, source_url="https://x"
    )
    url = reverse("accounts:profile", args=[fan.username])
    section = Client().get(url).text.split('id="forecasts-title"')[1]
    assert section.index("<details") < section.index("Mean Brier score")
    reader = UserFactory()
    WatchProgress.objects.create(user=reader, show=coming.show, seasons_watched=2)
    section = signed_in(reader).get(url).text.split('id="forecasts-title"')[1]
    assert "Mean Brier score</dt><dd>0.810" in section
    assert section.index("Mean Brier score") < section.index("<details")  # only the table's


def test_the_release_day_closes_forecasts_even_without_a_lock(question, coming):
    """Nobody forecasts what they may have watched: the season's release day closes its
    predictions, and a forecast from that day on is kept but never scored."""
    fan = UserFactory()
    ForecastFactory(prediction=question, user=fan, percent=30, created_at=at(3), current=False)
    ForecastFactory(prediction=question, user=fan, percent=99, created_at=at(0))
    coming.status, coming.release_date = SeasonStatus.RELEASED, timezone.localdate(at(1))
    coming.save()
    with pytest.raises(services.ForecastsClosed):
        services.forecast(user=UserFactory(), prediction=question, percent=50)
    services.resolve_prediction(
        moderator=None, prediction=question, resolution=Resolution.YES, source_url="https://x"
    )
    assert ForecastScore.objects.get().percent == 30


def test_moving_the_lock_or_the_leak_scores_again(question, coming):
    fan = UserFactory()
    ForecastFactory(prediction=question, user=fan, percent=20, created_at=at(9), current=False)
    ForecastFactory(prediction=question, user=fan, percent=80, created_at=at(2))
    services.resolve_prediction(
        moderator=None, prediction=question, resolution=Resolution.YES, source_url="https://x"
    )
    assert ForecastScore.objects.get().percent == 80
    coming.forecasts_lock_at = at(5)
    coming.save()
    assert services.rescore_season(season=coming) == 1
    assert ForecastScore.objects.get().percent == 20
    coming.forecasts_lock_at = None
    coming.save()
    question.refresh_from_db()
    question.known_at = at(1)
    question.save()
    services.rescore_prediction(prediction=question)
    assert ForecastScore.objects.get().percent == 80
    question.known_at = at(4)
    question.save()
    services.rescore_prediction(prediction=question)
    assert ForecastScore.objects.get().percent == 20


def test_scoring_again_keeps_who_settled_it_and_against_what(question, coming):
    moderator, fact = UserFactory(), FactFactory(season=coming)
    ForecastFactory(prediction=question, user=UserFactory(), percent=70, created_at=at(2))
    services.resolve_prediction(
        moderator=moderator,
        prediction=question,
        resolution=Resolution.NO,
        fact=fact,
        source_url="https://example.org/renewal",
        note="Announced on stage",
    )
    question.refresh_from_db()
    assert services.rescore_prediction(prediction=question) == 1
    question.refresh_from_db()
    assert question.resolution == Resolution.NO
    assert question.resolved_by == moderator
    assert question.resolution_fact == fact
    assert question.resolution_source_url == "https://example.org/renewal"
    assert question.resolution_note == "Announced on stage"


def test_an_open_prediction_has_nothing_to_score_again(question):
    ForecastFactory(prediction=question, user=UserFactory(), percent=70, created_at=at(2))
    assert services.rescore_prediction(prediction=question) == 0
    assert not ForecastScore.objects.exists()


def test_a_theory_others_forecast_on_is_withdrawn_not_deleted(coming):
    author = UserFactory()
    theory = TheoryFactory(author=author, season=coming)
    prediction = services.state_prediction(
        user=author, theory=theory, claim="She returns", criteria="On screen", percent=40
    )
    assert not theory.others_have_a_stake()  # the author's own forecast is no stake
    services.forecast(user=UserFactory(), prediction=prediction, percent=70)
    assert theory.others_have_a_stake()
    assert services.delete_theory(theory=theory) is True  # withdrawn, not deleted
    prediction.refresh_from_db()
    with pytest.raises(services.ForecastsClosed):
        services.forecast(user=UserFactory(), prediction=prediction, percent=10)
    page = Client().get(theory.get_absolute_url()).text
    assert "She returns" not in page
    assert Client().get(prediction.get_absolute_url()).status_code == HTTPStatus.OK


def test_a_rate_limited_forecast_keeps_the_number_typed(question, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "forecast": (0, 600)}
    response = signed_in(UserFactory()).post(question.get_absolute_url(), {"percent": 37})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "37" in response.text


def test_a_questions_season_is_fixed_once_fans_forecast(question, coming):
    client = staff("Editors")
    assert "season" in change_form_fields(client.get(admin_change(question)))
    services.forecast(user=UserFactory(), prediction=question, percent=50)
    assert "season" not in change_form_fields(client.get(admin_change(question)))


def test_the_forecasters_leaderboard_ranks_by_peer_score_above_a_minimum(coming, settings):
    settings.LEADERBOARD_MIN_FORECASTS = 2
    sharp, dull, new = (UserFactory(username=name) for name in ("sharp", "dull", "newcomer"))
    for claim in ("One", "Two"):
        prediction = PredictionFactory(season=coming, claim=claim)
        services.forecast(user=sharp, prediction=prediction, percent=90)
        services.forecast(user=dull, prediction=prediction, percent=40)
        if claim == "One":
            services.forecast(user=new, prediction=prediction, percent=99)
        services.resolve_prediction(
            moderator=None, prediction=prediction, resolution=Resolution.YES, source_url="x:"
        )
    ranked = selectors.forecasters(minimum=2)
    assert [row["fan"].username for row in ranked] == ["sharp", "dull"]  # newcomer: 1 only
    assert ranked[0]["mean_peer"] > 0 > ranked[1]["mean_peer"]
    page = Client().get(reverse("guide:leaderboard")).text
    table = page[page.index('id="forecasters-title"') :]
    assert table.index("/u/sharp/") < table.index("/u/dull/")
    assert "/u/newcomer/" not in table
    assert "at least 2 scored forecasts" in page


def test_the_leaderboard_ranks_each_season_on_its_own(aired, coming, settings):
    settings.LEADERBOARD_MIN_FORECASTS = 1
    sharp, dull = UserFactory(username="sharp"), UserFactory(username="dull")
    before_it_aired = datetime.datetime(2021, 6, 1, tzinfo=datetime.UTC)
    # Season 1: dull called it; season 2: sharp did.
    for season, (right, wrong) in ((aired, (dull, sharp)), (coming, (sharp, dull))):
        prediction = PredictionFactory(season=season)
        ForecastFactory(prediction=prediction, user=right, percent=90, created_at=before_it_aired)
        ForecastFactory(prediction=prediction, user=wrong, percent=20, created_at=before_it_aired)
        services.resolve_prediction(
            moderator=None, prediction=prediction, resolution=Resolution.YES, source_url="x:"
        )
    url = reverse("guide:leaderboard")

    def ranked(query: str) -> list[str]:
        page = Client().get(url + query).text
        table = page[page.index('id="forecasters-title"') : page.index('id="theories-title"')]
        return re.findall(r'href="/u/(\w+)/"', table)

    assert ranked("?show=forecast-high&season=1") == ["dull", "sharp"]
    assert ranked("?show=forecast-high&season=2") == ["sharp", "dull"]
    assert len(ranked("?show=forecast-high")) == 2
    page = Client().get(url + "?show=forecast-high&season=2").text
    assert "Prediction leaderboard: Forecast High · Season 2" in page
    assert 'href="?show=forecast-high&amp;season=1"' in page
    for bad in ("?season=1", "?show=forecast-high&season=9", "?show=forecast-high&season=x"):
        assert Client().get(url + bad).status_code == HTTPStatus.NOT_FOUND, bad


def test_a_hidden_theorys_claims_score_nobody_on_the_leaderboard(coming, settings, moderator):
    settings.LEADERBOARD_MIN_FORECASTS = 1
    theory = TheoryFactory(season=coming)
    prediction = PredictionFactory(season=coming, theory=theory, author=theory.author)
    services.forecast(user=UserFactory(username="spammer"), prediction=prediction, percent=95)
    services.resolve_prediction(
        moderator=None, prediction=prediction, resolution=Resolution.YES, source_url="x:"
    )
    assert [row["fan"].username for row in selectors.forecasters(minimum=1)] == ["spammer"]
    services.set_hidden(moderator=moderator, item=theory, hidden=True)
    assert selectors.forecasters(minimum=1) == []
    services.set_hidden(moderator=moderator, item=theory, hidden=False)
    assert [row["fan"].username for row in selectors.forecasters(minimum=1)] == ["spammer"]


@pytest.mark.parametrize(
    ("resolutions", "outcome"),
    [
        (["yes", "yes"], "confirmed"),
        (["no", "no"], "debunked"),
        (["yes", "no"], "partly"),
        (["yes", "annulled"], "confirmed"),
        (["annulled", "annulled"], "open"),
    ],
)
def test_a_theorys_outcome_follows_from_its_predictions(aired, resolutions, outcome):
    author, moderator = UserFactory(), UserFactory(is_staff=True, groups=["Moderators"])
    theory = TheoryFactory(author=author, season=aired)
    predictions = [
        PredictionFactory(season=aired, theory=theory, author=author) for _ in resolutions
    ]
    for prediction, resolution in zip(predictions, resolutions, strict=True):
        theory.refresh_from_db()
        assert theory.outcome == "open"  # not before every one is resolved
        services.resolve_prediction(
            moderator=moderator, prediction=prediction, resolution=resolution, source_url="x:"
        )
    theory.refresh_from_db()
    assert theory.outcome == outcome
    logged = ModerationAction.objects.filter(theory=theory, kind=ModerationKind.SET_OUTCOME)
    assert logged.count() == (0 if outcome == "open" else 1)
    for action in logged:  # the log says who settled it, and why
        assert (action.moderator, action.detail) == (moderator, outcome)
        assert action.reason == "Settled by its predictions' resolutions."


def test_resolving_a_theorys_last_claim_settles_it_in_a_fixed_number_of_queries(
    aired, django_assert_num_queries
):
    """The theory is read with its season, which says whether it may be settled. Each of
    the two recounts of the boards (the scored fans', then the settled theory's author's)
    locks its fans, reads their theories and scores, and replaces their rows."""
    author, moderator = UserFactory(), UserFactory(is_staff=True, groups=["Moderators"])
    claim = PredictionFactory(season=aired, theory=TheoryFactory(author=author, season=aired))
    ForecastFactory(prediction=claim, user=author, percent=70)
    with django_assert_num_queries(29):
        services.resolve_prediction(
            moderator=moderator, prediction=claim, resolution=Resolution.YES, source_url="x:"
        )
    assert Theory.objects.get(pk=claim.theory_id).outcome == "confirmed"


def test_resolving_recounts_the_boards_in_as_many_queries_however_many_forecast(coming):
    moderator = UserFactory(is_staff=True, groups=["Moderators"])

    def resolve_one_of(forecasters: int) -> int:
        claim = PredictionFactory(season=coming)
        for _ in range(forecasters):
            ForecastFactory(prediction=claim, percent=70, created_at=at(30))
        with CaptureQueriesContext(connection) as queries:
            services.resolve_prediction(
                moderator=moderator, prediction=claim, resolution=Resolution.NO, source_url="x:"
            )
        assert claim.scores.count() == forecasters
        return len(queries)

    assert resolve_one_of(2) == resolve_one_of(40)


def test_a_theory_with_predictions_has_no_outcome_to_type_in_the_admin(aired):
    theory = TheoryFactory(season=aired)
    client = staff("Moderators")
    url = reverse("admin:guide_theory_change", args=[theory.pk])
    assert "outcome" in change_form_fields(client.get(url))
    PredictionFactory(season=aired, theory=theory)
    assert "outcome" not in change_form_fields(client.get(url))


def test_moderators_are_offered_what_a_new_fact_may_settle(question, coming):
    client = staff("Moderators")
    changelist = reverse("admin:guide_prediction_changelist")
    offered = client.get(changelist, {"facts_since": "yes"}).context["cl"].result_count
    assert offered == 0
    FactFactory(season=coming, question="Was a premiere date announced?")
    response = client.get(changelist, {"facts_since": "yes"})
    assert list(response.context["cl"].result_list) == [question]
    page = client.get(admin_change(question)).text
    assert "“Was a premiere date announced?”" in page
    services.resolve_prediction(moderator=None, prediction=question, resolution=Resolution.ANNULLED)
    assert client.get(changelist, {"facts_since": "yes"}).context["cl"].result_count == 0


# "Called it" ---------------------------------------------------------------------------------


def called(coming, resolution=Resolution.YES):
    author = UserFactory(display_name="Minji")
    theory = TheoryFactory(author=author, season=coming, spoiler_season=1)
    prediction = services.state_prediction(
        user=author,
        theory=theory,
        claim="Cheong-san returns with the hunger",
        criteria="Seen alive in any episode",
        percent=72,
    )
    services.resolve_prediction(
        moderator=None, prediction=prediction, resolution=resolution, source_url="https://x"
    )
    prediction.refresh_from_db()
    return prediction


def test_a_claim_that_came_true_has_a_share_card(coming):
    import io

    from PIL import Image

    prediction = called(coming)
    card = reverse("guide:prediction_card", args=[prediction.pk])
    response = Client().get(card)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    page = Client().get(prediction.get_absolute_url()).text
    head = page[: page.index("</head>")]
    assert f'<meta property="og:image" content="http://testserver{card}">' in head
    # What the card says is on the page, for anyone to check: the author's 72 %, when.
    stated = page[page.index('id="stated-title"') :]
    made = prediction.forecasts.get(user=prediction.author).created_at
    assert "<strong>72%</strong>" in stated
    assert f'datetime="{timezone.localtime(made).isoformat(timespec="seconds")}"' in stated


def test_the_card_says_who_called_it_and_never_the_claim(coming):
    from guide.cards import called_it_lines

    prediction = called(coming)
    score = selectors.called_it(prediction)
    said = " ".join(line.text for line in called_it_lines(prediction=prediction, score=score))
    assert "Called it" in said
    assert "Minji gave it 72%" in said
    assert "season 2" in said
    assert "Cheong-san" not in said
    assert "Seen alive" not in said


def test_the_card_shows_the_authors_score_on_this_claim_not_on_another(coming):
    first = called(coming)
    second = services.state_prediction(
        user=first.author,
        theory=first.theory,
        claim="Nam-ra leads them",
        criteria="Seen giving orders",
        percent=40,
    )
    services.resolve_prediction(
        moderator=None, prediction=second, resolution=Resolution.YES, source_url="https://x"
    )
    second.refresh_from_db()
    assert selectors.called_it(second).prediction_id == second.pk
    assert selectors.called_it(first).prediction_id == first.pk


def test_the_card_shows_the_authors_score_not_another_fans_on_the_same_claim(coming):
    author = UserFactory(display_name="Minji")
    theory = TheoryFactory(author=author, season=coming)
    prediction = services.state_prediction(
        user=author, theory=theory, claim="Nam-ra leads them", criteria="Seen", percent=72
    )
    services.forecast(user=UserFactory(), prediction=prediction, percent=10)
    services.resolve_prediction(
        moderator=None, prediction=prediction, resolution=Resolution.YES, source_url="https://x"
    )
    # Stored again, so that another fan's score is the claim's first row.
    mine = ForecastScore.objects.get(prediction=prediction, user=author)
    mine.delete()
    mine.save()
    prediction.refresh_from_db()
    assert selectors.called_it(prediction).percent == 72


@pytest.mark.parametrize("resolution", [Resolution.NO, Resolution.ANNULLED])
def test_only_a_claim_that_came_true_has_a_card(coming, resolution):
    prediction = called(coming, resolution)
    card = reverse("guide:prediction_card", args=[prediction.pk])
    assert Client().get(card).status_code == HTTPStatus.NOT_FOUND
    assert "og:image" not in Client().get(prediction.get_absolute_url()).text


def test_a_question_has_no_card(question):
    services.resolve_prediction(
        moderator=None, prediction=question, resolution=Resolution.YES, source_url="https://x"
    )
    card = reverse("guide:prediction_card", args=[question.pk])
    assert Client().get(card).status_code == HTTPStatus.NOT_FOUND


def test_without_a_card_font_a_card_is_english_and_leaves_out_a_name_it_cannot_draw(
    coming, settings
):
    from django.utils import translation

    from guide.cards import called_it_lines, drawn_lines, png

    settings.CARD_FONT = ""
    prediction = called(coming)
    prediction.author.display_name = "김민지"
    score = selectors.called_it(prediction)
    said = " ".join(line.text for line in called_it_lines(prediction=prediction, score=score))
    assert "김민지" not in said
    assert "A fan gave it 72%" in said
    with translation.override("ko"):
        drawn = drawn_lines(called_it_lines, prediction=prediction, score=score)
        assert drawn[0].text == "Called it"  # Pillow's own font draws no Hangul
        assert png(called_it_lines, prediction=prediction, score=score)[:8] == b"\x89PNG\r\n\x1a\n"
        settings.CARD_FONT = "any font"  # with a font for it, the reader's language
        assert drawn_lines(called_it_lines, prediction=prediction, score=score)[0].text == "맞혔다"
        settings.CARD_FONT = ""
        response = Client(headers={"accept-language": "ko"}).get(
            reverse("guide:prediction_card", args=[prediction.pk])
        )
    assert response.status_code == HTTPStatus.OK


# Rewording before the lock ----------------------------------------------------------------


@pytest.fixture
def stated(coming):
    """A theory author's claim, with their forecast and another fan's."""
    author = UserFactory(username="haneul")
    theory = TheoryFactory(author=author, season=coming)
    prediction = services.state_prediction(
        user=author,
        theory=theory,
        claim="Cheong-san returns",
        criteria="Yes if he appears alive in season 2.",
        percent=40,
    )
    services.forecast(user=UserFactory(), prediction=prediction, percent=70)
    return prediction


def reword(client, prediction, **fields):
    data = {"claim": prediction.claim, "criteria": prediction.criteria, "spoiler_season": ""}
    return client.post(reverse("guide:prediction_edit", args=[prediction.pk]), {**data, **fields})


def history_of(prediction, client=None) -> str:
    url = reverse("guide:prediction_history", args=[prediction.pk])
    return (client or Client()).get(url).text


def test_the_author_rewords_before_the_lock_and_the_old_wording_is_shown(stated):
    client = signed_in(stated.author)
    page = client.get(stated.get_absolute_url()).text
    assert reverse("guide:prediction_edit", args=[stated.pk]) in page
    response = reword(client, stated, claim="Cheong-san returns as a hybrid")
    assert response.url == stated.get_absolute_url()
    stated.refresh_from_db()
    assert stated.claim == "Cheong-san returns as a hybrid"
    assert stated.edited_at is not None
    # Anyone reading the claim finds the edit from its page, and what it replaced.
    assert (
        reverse("guide:prediction_history", args=[stated.pk])
        in Client().get(stated.get_absolute_url()).text
    )
    history = history_of(stated)
    assert "<del>Cheong-san returns</del>" in history
    assert "<ins>Cheong-san returns as a hybrid</ins>" in history
    assert "Yes if he appears alive in season 2." in history  # the criteria as first posted
    # The forecasts made under the first wording stay as they were.
    assert stated.forecasts.count() == 2


def test_every_rewording_is_kept_in_order(stated):
    client = signed_in(stated.author)
    reword(client, stated, criteria="Yes if he is alive on screen.")
    stated.refresh_from_db()
    reword(client, stated, criteria="Yes if he is alive on screen, not in a flashback.")
    kept = list(stated.revisions.order_by("pk").values_list("title", "body"))
    assert kept == [
        ("Cheong-san returns", "Yes if he appears alive in season 2."),
        ("Cheong-san returns", "Yes if he is alive on screen."),
    ]
    # Saving the same words again keeps no empty edit.
    stated.refresh_from_db()
    reword(client, stated)
    assert stated.revisions.count() == 2


def test_nobody_but_the_author_rewords(stated):
    other = reword(signed_in(UserFactory()), stated, claim="Someone else's words")
    assert other.status_code == HTTPStatus.FORBIDDEN
    assert reword(Client(), stated, claim="A visitor's words").status_code == HTTPStatus.FOUND
    with pytest.raises(PermissionError):
        services.edit_prediction(
            user=UserFactory(), prediction=stated, claim="x", criteria="y", spoiler_season=None
        )
    stated.refresh_from_db()
    assert stated.claim == "Cheong-san returns"
    assert not stated.revisions.exists()


def test_no_rewording_after_the_lock_or_the_resolution(stated, coming):
    client = signed_in(stated.author)
    coming.forecasts_lock_at = NOW - datetime.timedelta(minutes=1)
    coming.save()
    response = reword(client, stated, claim="Rewritten after the trailer")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "takes no more changes" in response.text
    assert (
        reverse("guide:prediction_edit", args=[stated.pk])
        not in client.get(stated.get_absolute_url()).text
    )
    coming.forecasts_lock_at = None
    coming.save()
    services.resolve_prediction(
        moderator=None, prediction=stated, resolution=Resolution.NO, source_url="https://x.org"
    )
    with pytest.raises(services.ForecastsClosed):
        services.edit_prediction(
            user=stated.author, prediction=stated, claim="x", criteria="y", spoiler_season=None
        )
    stated.refresh_from_db()
    assert stated.claim == "Cheong-san returns"


def test_a_rewording_with_errors_keeps_what_was_typed(stated):
    response = reword(signed_in(stated.author), stated, claim="A new claim", criteria="")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "A new claim" in response.text
    assert 'class="errorlist' in response.text
    stated.refresh_from_db()
    assert stated.claim == "Cheong-san returns"


def test_an_earlier_wording_that_gave_away_a_season_stays_shielded(stated, aired):
    client = signed_in(stated.author)
    reword(client, stated, claim="Nam-ra's hybrid sister returns", spoiler_season="1")
    stated.refresh_from_db()
    reword(client, stated, claim="Someone returns", spoiler_season="")
    reader = UserFactory()
    WatchProgress.objects.create(user=reader, show=stated.season.show, seasons_watched=0)
    assert_shielded(Page(history_of(stated, signed_in(reader))), "Nam-ra's hybrid sister returns")
    WatchProgress.objects.filter(user=reader).update(seasons_watched=1)
    assert_open(Page(history_of(stated, signed_in(reader))), "Nam-ra's hybrid sister returns")


def test_an_editor_rewords_a_question_in_the_admin_and_the_history_keeps_it(question, coming):
    client = staff("Editors")
    form = change_form_fields(client.get(admin_change(question)))
    response = client.post(admin_change(question), {**form, "claim": "Season 2 is out in 2026"})
    assert response.status_code == HTTPStatus.FOUND
    question.refresh_from_db()
    assert question.claim == "Season 2 is out in 2026"
    assert list(question.revisions.values_list("title", flat=True)) == [
        "Season 2 premieres before 2027"
    ]
    assert "<del>Season 2 premieres before 2027</del>" in history_of(question)
    # Once resolved, the claim stays as it was settled.
    services.resolve_prediction(
        moderator=None, prediction=question, resolution=Resolution.NO, source_url="https://x.org"
    )
    form = change_form_fields(client.get(admin_change(question)))
    response = client.post(admin_change(question), {**form, "claim": "Changed after it settled"})
    assert response.status_code == HTTPStatus.OK
    assert "stays as it was settled" in response.text


def test_the_history_page_reads_as_many_queries_however_many_edits(stated):
    url = reverse("guide:prediction_history", args=[stated.pk])
    client = signed_in(stated.author)

    def more(n):
        for i in range(n):  # each a new wording
            stated.refresh_from_db()
            services.edit_prediction(
                user=stated.author,
                prediction=stated,
                claim=f"Cheong-san returns, take {Forecast.objects.count()}-{i}",
                criteria=stated.criteria,
            )

    more(1)
    counted = assert_queries_do_not_grow(
        lambda: count_queries(client, url), grow=lambda: more(30), label="history"
    )
    # The prediction with its show and theory in one, the edits counted and a page of
    # them, and the seasons the shield reads (the fan's session and account are cached).
    assert counted == 5


def test_the_crowd_chart_places_each_day_by_its_date_and_names_the_first_and_last():
    from guide.selectors import CrowdPoint
    from guide.templatetags.guide_tags import CHART_PAD, CHART_WIDTH, crowd_chart

    day = datetime.datetime(2026, 10, 1, tzinfo=datetime.UTC)
    trend = [
        CrowdPoint(day, 20, 1),
        CrowdPoint(day + datetime.timedelta(days=1), 30, 2),
        CrowdPoint(day + datetime.timedelta(days=30), 40, 3),
    ]
    chart = crowd_chart(trend, "The crowd")
    xs = [float(point.split(",")[0]) for point in chart["polyline"].split()]
    assert (xs[0], xs[2]) == (CHART_PAD, CHART_WIDTH - CHART_PAD)
    assert xs[1] - xs[0] == pytest.approx((xs[2] - xs[0]) / 30, abs=0.1)  # one day of thirty
    assert (chart["first_day"], chart["last_day"]) == (trend[0].at, trend[-1].at)
    alone = crowd_chart(trend[:1], "The crowd")
    assert alone["first_day"] is None
    assert alone["polyline"] == f"{CHART_WIDTH / 2},{alone['last'][1]}"


def test_a_fans_page_holds_their_own_forecasts_on_this_claim_and_no_one_elses(question, coming):
    fan, other = UserFactory(), UserFactory()
    elsewhere = PredictionFactory(season=coming, claim="Somewhere else")
    services.forecast(user=fan, prediction=elsewhere, percent=11)
    services.resolve_prediction(
        moderator=None, prediction=elsewhere, resolution=Resolution.NO, source_url="x:"
    )
    services.forecast(user=other, prediction=question, percent=77)
    services.forecast(user=fan, prediction=question, percent=33)
    page = selectors.prediction_page(pk=question.pk, user=fan)
    assert [f.percent for f in page.mine] == [33]
    services.resolve_prediction(
        moderator=None, prediction=question, resolution=Resolution.YES, source_url="x:"
    )
    text = signed_in(fan).get(question.get_absolute_url()).text
    assert "You said 33%" in text
    assert "77%</strong>" not in text  # the other fan's forecast is theirs alone


def test_each_prediction_keeps_its_own_crowd(question, coming):
    other = PredictionFactory(season=coming, claim="Another claim")
    services.forecast(user=UserFactory(), prediction=question, percent=10)
    services.forecast(user=UserFactory(), prediction=other, percent=90)
    assert "10%" in Client().get(question.get_absolute_url()).text
    assert "90%" in Client().get(other.get_absolute_url()).text


def test_a_claims_history_is_titled_by_its_theory_and_pages_back_to_the_first_wording(stated):
    theory = stated.theory
    for n in range(21):  # one page and one more
        stated.refresh_from_db()
        services.edit_prediction(
            user=stated.author, prediction=stated, claim=f"Reworded {n}", criteria="Same"
        )
    url = reverse("guide:prediction_history", args=[stated.pk])
    first = Client().get(url).text
    assert f"Edit history of a prediction in {theory.headline}" in first
    assert "Cheong-san returns" not in first
    assert "<strong>Cheong-san returns</strong>" in Client().get(url, {"page": 2}).text


def test_a_hidden_theorys_author_still_reads_their_claims_history(stated):
    Theory.objects.filter(pk=stated.theory_id).update(is_hidden=True)
    url = reverse("guide:prediction_history", args=[stated.pk])
    assert Client().get(url).status_code == HTTPStatus.NOT_FOUND
    assert signed_in(stated.author).get(url).status_code == HTTPStatus.OK


def test_a_settled_claims_page_reads_a_fixed_number_of_queries(coming, django_assert_num_queries):
    author = UserFactory()
    theory = TheoryFactory(author=author, season=coming)
    prediction = services.state_prediction(
        user=author, theory=theory, claim="It happens", criteria="On screen", percent=60
    )
    fact = FactFactory(season=coming)
    services.resolve_prediction(
        moderator=None, prediction=prediction, resolution=Resolution.YES, fact=fact
    )
    client = signed_in(author)
    client.get(prediction.get_absolute_url())  # the crowd and the released seasons, kept
    # The prediction; the fact, its season and show; the fan's forecasts, score and stated
    # ones; their marks and progress (their session and account are cached).
    with django_assert_num_queries(10):
        assert client.get(prediction.get_absolute_url()).status_code == HTTPStatus.OK


def test_a_claim_tagged_a_spoiler_now_is_shielded_in_its_history_and_its_tag_change_shown(
    stated, aired
):
    reword(signed_in(stated.author), stated, claim="Nam-ra's sister returns", spoiler_season="1")
    url = reverse("guide:prediction_history", args=[stated.pk])
    unwatched = UserFactory()
    WatchProgress.objects.create(user=unwatched, show=stated.season.show, seasons_watched=0)
    assert_shielded(Page(signed_in(unwatched).get(url)), "Nam-ra's sister returns")
    watched = signed_in(stated.author).get(url).text
    assert "Spoiler tag: <del>none</del> → <ins>season 1</ins>" in watched


def test_a_spoiler_claim_never_reworded_is_shielded_in_its_history(coming, aired):
    author = UserFactory()
    theory = TheoryFactory(author=author, season=coming)
    prediction = services.state_prediction(
        user=author,
        theory=theory,
        claim="Nam-ra's sister returns",
        criteria="On screen",
        percent=50,
        spoiler_season=1,
    )
    unwatched = UserFactory()
    WatchProgress.objects.create(user=unwatched, show=coming.show, seasons_watched=0)
    url = reverse("guide:prediction_history", args=[prediction.pk])
    assert_shielded(Page(signed_in(unwatched).get(url)), "Nam-ra's sister returns")


def score_of(fan, prediction, *, peer, brier, happened=True, percent=60):
    return ForecastScoreFactory(
        prediction=prediction,
        user=fan,
        percent=percent,
        made_at=NOW,
        happened=happened,
        brier=brier,
        log_score=-0.5,
        peer_score=peer,
    )


def test_forecasters_rank_by_peer_score_then_brier_then_who_came_first(coming):
    prediction = PredictionFactory(season=coming, resolution=Resolution.YES)
    first, second, third, best = (UserFactory(username=n) for n in ("f1", "f2", "f3", "best"))
    # Stored out of order: the ranking is the rule's, not the rows'.
    score_of(third, prediction, peer=10.0, brier=0.1)
    score_of(first, prediction, peer=10.0, brier=0.3)
    score_of(second, prediction, peer=10.0, brier=0.1)
    score_of(best, prediction, peer=20.0, brier=0.5)  # beat the crowd most, worst Brier
    ranked = [row["fan"].username for row in selectors.forecasters(minimum=1)]
    assert ranked == ["best", "f2", "f3", "f1"]


def test_a_fans_record_counts_what_came_true_and_no_hidden_claim(coming):
    fan = UserFactory()
    for happened in (True, False):
        score_of(fan, PredictionFactory(season=coming), peer=1.0, brier=0.2, happened=happened)
    theory = TheoryFactory(season=coming, is_hidden=True)
    hidden = PredictionFactory(season=coming, theory=theory, author=theory.author)
    score_of(fan, hidden, peer=50.0, brier=0.0)
    record = selectors.forecast_record(fan)
    assert record.forecasts == 2
    assert record.mean_peer == 1.0
    (bucket,) = [b for b in record.calibration if b.forecasts]
    assert (bucket.forecasts, bucket.came_true) == (2, 1)


def test_the_theories_table_of_a_season_counts_that_seasons_theories_only(aired, coming):
    fan = UserFactory(username="seasoned")
    TheoryFactory(author=fan, season=aired, outcome="confirmed", upvotes=3, score=3)
    TheoryFactory(author=fan, season=coming, outcome="debunked", upvotes=1, score=1)
    TheoryFactory(author=fan, season=aired, outcome="confirmed", is_hidden=True)  # never
    (row,) = selectors.leaderboard(show=aired.show, season=aired)
    assert (row.confirmed, row.debunked, row.hit_rate) == (1, 0, 100)
    (row,) = selectors.leaderboard(show=aired.show, season=coming)
    assert (row.confirmed, row.debunked, row.hit_rate) == (0, 1, 0)
    (row,) = selectors.leaderboard(show=aired.show)
    assert (row.confirmed, row.debunked, row.hit_rate) == (1, 1, 50)


def test_a_records_reveal_covers_the_latest_season_its_counted_scores_give_away(aired, coming):
    fan = UserFactory()
    show = aired.show
    # A season-1 question; a season-1 claim tagged season 2; a claim of a theory tagged 2.
    score_of(fan, PredictionFactory(season=aired), peer=1.0, brier=0.2)
    assert selectors.forecast_record(fan).reveals == {show.pk: 1}
    score_of(fan, PredictionFactory(season=aired, spoiler_season=2), peer=1.0, brier=0.2)
    assert selectors.forecast_record(fan).reveals == {show.pk: 2}
    other = UserFactory()
    theory = TheoryFactory(season=aired, spoiler_season=2)
    score_of(other, PredictionFactory(season=aired, theory=theory), peer=1.0, brier=0.2)
    assert selectors.forecast_record(other).reveals == {show.pk: 2}
    # Neither another fan's scores nor a hidden claim's move a fan's reveal.
    elsewhere = SeasonFactory(show=ShowFactory(), number=1)
    score_of(other, PredictionFactory(season=elsewhere), peer=1.0, brier=0.2)
    loner = UserFactory()
    score_of(loner, PredictionFactory(season=aired), peer=1.0, brier=0.2)
    hidden = TheoryFactory(season=aired, spoiler_season=2, is_hidden=True)
    score_of(loner, PredictionFactory(season=aired, theory=hidden), peer=1.0, brier=0.2)
    assert selectors.forecast_record(loner).reveals == {show.pk: 1}


def test_the_authors_forecasts_are_theirs_on_this_claim_and_a_question_has_none(stated, question):
    editor = UserFactory()
    Prediction.objects.filter(pk=question.pk).update(author=editor)  # as the admin saves it
    services.forecast(user=editor, prediction=question, percent=25)
    services.forecast(user=stated.author, prediction=question, percent=15)
    page = Client().get(stated.get_absolute_url()).text
    listed = page[page.index('id="stated-title"') : page.index('id="my-forecast-title"')]
    assert re.findall(r"<strong>(\d+)%</strong>", listed) == ["40"]  # not 70 (another fan's)
    assert 'id="stated-title"' not in Client().get(question.get_absolute_url()).text


def test_a_fans_own_forecasts_and_score_are_read_for_the_prediction_asked_only():
    fan = UserFactory()
    asked, other = PredictionFactory(), PredictionFactory()
    first = ForecastFactory(prediction=asked, user=fan, percent=40, current=False)
    last = ForecastFactory(prediction=asked, user=fan, percent=55)
    ForecastFactory(prediction=other, user=fan, percent=70)
    ForecastFactory(prediction=asked, percent=10)  # another fan's
    mine = selectors.own_forecasts(fan.pk, asked.pk)
    assert mine == [first, last]
    # Whole rows, as the ORM reads them: what the history shows, and saved rows.
    stored = list(Forecast.objects.filter(pk__in=[first.pk, last.pk]).order_by("created_at", "pk"))
    assert [(f.percent, f.created_at, f.current) for f in mine] == [
        (f.percent, f.created_at, f.current) for f in stored
    ]
    assert not any(forecast._state.adding for forecast in mine)
    assert selectors.own_forecasts(fan.pk, PredictionFactory().pk) == []
    assert selectors.own_score(fan.pk, asked.pk) is None
    score = ForecastScoreFactory(prediction=asked, user=fan)
    ForecastScoreFactory(prediction=other, user=fan)
    ForecastScoreFactory(prediction=asked)
    read = selectors.own_score(fan.pk, asked.pk)
    assert read == score
    assert (read.percent, read.brier, read.peer_score, read.made_at) == (
        score.percent,
        score.brier,
        score.peer_score,
        ForecastScore.objects.get(pk=score.pk).made_at,
    )


def test_staff_read_a_prediction_whose_forecasts_lock_later(editor_client):
    """Staff pages are rendered for them alone, never for the cache: the lock still
    shapes nothing but the page."""
    season = SeasonFactory(forecasts_lock_at=timezone.now() + datetime.timedelta(hours=3))
    response = editor_client.get(PredictionFactory(season=season).get_absolute_url())
    assert response.status_code == HTTPStatus.OK


def test_a_theorys_predictions_are_listed_in_the_order_they_were_stated(coming):
    theory = TheoryFactory(season=coming)
    stated = NOW - datetime.timedelta(days=3)
    # Two claims stated in the same instant come in the order of their ids, whatever
    # order their rows were stored in (here the higher id first).
    tied_second = PredictionFactory(pk=9_000_002, theory=theory, season=coming, created_at=stated)
    tied_first = PredictionFactory(pk=9_000_001, theory=theory, season=coming, created_at=stated)
    earliest = PredictionFactory(theory=theory, season=coming, created_at=stated - HOUR)
    latest = PredictionFactory(theory=theory, season=coming, created_at=stated + HOUR)
    listed = [prediction.pk for prediction in selectors.predictions_of(theory)]
    assert listed == [earliest.pk, tied_first.pk, tied_second.pk, latest.pk]


@pytest.mark.parametrize("on", ["theory page", "questions"])
def test_a_claims_summary_gives_its_crowd(coming, on):
    theory = TheoryFactory(season=coming) if on == "theory page" else None
    prediction = PredictionFactory(theory=theory, season=coming)
    for percent in (30, 50):
        ForecastFactory(prediction=prediction, percent=percent)
    url = theory.get_absolute_url() if theory else reverse("guide:question_list")
    assert "Crowd: 40% from 2 fans" in Client().get(url).text


def test_a_theory_pages_queries_do_not_grow_with_its_claims(coming):
    theory = TheoryFactory(season=coming)
    PredictionFactory(theory=theory, season=coming)
    url = theory.get_absolute_url()
    client = signed_in(UserFactory())

    def more():
        for _ in range(4):
            PredictionFactory(theory=theory, season=coming)

    assert_queries_do_not_grow(
        lambda: {"fan": count_queries(client, url), "visitor": count_queries(Client(), url)},
        more,
        "theory page with claims",
    )
