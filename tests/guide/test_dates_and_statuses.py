"""Dates and statuses agree, and a spoiler season is a season the show has."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from guide import selectors, services
from guide.models import Comment, Fact, Season, SeasonStatus, Theory
from tests import factories
from tests.kit.admin_forms import change_form_fields
from tests.kit.admin_world import admin_url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEXT_MONTH = TODAY + datetime.timedelta(days=30)
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def show():
    show = factories.ShowFactory(title="Hyosan Watch", slug="hyosan-watch")
    factories.SeasonFactory(
        show=show, number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )
    factories.SeasonFactory(show=show, number=2, status=SeasonStatus.ANNOUNCED)
    return show


def _season(show, number) -> Season:
    return show.seasons.get(number=number)


def _save(client, model, pk, **changes):
    url = admin_url(model, "change", pk)
    data = change_form_fields(client.get(url))
    data |= {name: [value] for name, value in changes.items()}
    return client.post(url, data)


def _field_errors(response, name) -> list[str]:
    return response.context["adminform"].form.errors.get(name, [])


# A season is "Released" once its day has come ---------------------------------------------


def test_a_season_dated_in_the_future_cannot_be_released_yet(show, editor_client):
    season = _season(show, 2)
    response = _save(
        editor_client,
        Season,
        season.pk,
        status=SeasonStatus.RELEASED,
        release_date=NEXT_MONTH.isoformat(),
    )
    assert response.status_code == HTTPStatus.OK
    [message] = _field_errors(response, "status")
    assert "Coming soon" in message
    season.refresh_from_db()
    assert season.status == SeasonStatus.ANNOUNCED

    response = _save(
        editor_client, Season, season.pk, status=SeasonStatus.COMING_SOON, release_date=""
    )
    assert response.status_code == HTTPStatus.FOUND
    response = _save(
        editor_client,
        Season,
        season.pk,
        status=SeasonStatus.RELEASED,
        release_date=TODAY.isoformat(),
    )
    assert response.status_code == HTTPStatus.FOUND
    season.refresh_from_db()
    assert (season.status, season.release_date) == (SeasonStatus.RELEASED, TODAY)


def test_the_timeline_says_released_only_once_the_day_has_passed(show):
    season = _season(show, 2)
    season.release_date = NEXT_MONTH
    season.status = SeasonStatus.COMING_SOON
    season.renewal_announced_on = datetime.date(2022, 6, 7)
    [renewed, coming] = selectors.season_timeline(season, [])
    assert (renewed["label"], renewed["upcoming"]) == ("Renewed", False)
    assert (coming["label"], coming["upcoming"]) == ("Release date", True)

    [_renewed, out] = selectors.season_timeline(season, [], today=NEXT_MONTH)
    assert out["label"] == "Released"


def test_a_released_milestone_dated_ahead_reads_as_a_release_date(show, client):
    season = _season(show, 2)
    factories.FactFactory(
        season=season,
        question="When does it come out?",
        milestone="released",
        happened_on=NEXT_MONTH,
        source_date=YESTERDAY,
    )
    body = client.get(season.get_absolute_url()).text
    timeline = body[body.index('<ol class="timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert "Release date" in timeline
    assert "Released" not in timeline


# Sources are dated in the past ------------------------------------------------------------------


@pytest.mark.parametrize("field", ["source_date", "last_verified_on"])
def test_a_source_cannot_be_dated_or_checked_in_the_future(show, editor_client, field):
    fact = factories.FactFactory(season=_season(show, 2))
    response = _save(editor_client, Fact, fact.pk, **{field: NEXT_MONTH.isoformat()})
    assert response.status_code == HTTPStatus.OK
    [message] = _field_errors(response, field)
    assert "has not come yet" in message
    assert _save(editor_client, Fact, fact.pk, **{field: TODAY.isoformat()}).status_code == (
        HTTPStatus.FOUND
    )


# A spoiler season exists --------------------------------------------------------------------


def test_a_fact_cannot_spoil_a_season_the_show_does_not_have(show, editor_client):
    fact = factories.FactFactory(season=_season(show, 2))
    response = _save(editor_client, Fact, fact.pk, spoiler_season="3")
    assert response.status_code == HTTPStatus.OK
    [message] = _field_errors(response, "spoiler_season")
    assert "Hyosan Watch has no season 3 yet" in message
    assert "1 to 2" in message
    assert _save(editor_client, Fact, fact.pk, spoiler_season="2").status_code == HTTPStatus.FOUND


def test_facts_of_a_new_season_may_spoil_that_season(show, editor_client):
    url = admin_url(Season, "add")
    data = change_form_fields(editor_client.get(url))
    data |= {
        "show": [str(show.pk)],
        "number": ["3"],
        "status": [SeasonStatus.ANNOUNCED],
        "facts-TOTAL_FORMS": ["2"],
        "facts-0-question_en": ["Who is back?"],
        "facts-0-answer_en": ["Everyone."],
        "facts-0-kind": ["official"],
        "facts-0-order": ["0"],
        "facts-0-spoiler_season": ["3"],
        "facts-1-question_en": ["And after that?"],
        "facts-1-answer_en": ["Nobody knows."],
        "facts-1-kind": ["rumour"],
        "facts-1-order": ["1"],
        "facts-1-spoiler_season": ["4"],
    }
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    [facts] = [inline.formset for inline in response.context["inline_admin_formsets"][:1]]
    assert not facts.errors[0]
    assert "no season 4 yet" in facts.errors[1]["spoiler_season"][0]

    data["facts-1-spoiler_season"] = ["3"]
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    assert set(Fact.objects.filter(season__number=3).values_list("spoiler_season", flat=True)) == {
        3
    }


def test_a_fan_cannot_tag_a_theory_with_a_season_that_does_not_exist(show, fan_client):
    data = {
        "season": _season(show, 2).pk,
        "title": "Everyone lives",
        "body": "All of them.",
        "spoiler_season": "5",
    }
    response = fan_client.post(reverse("guide:theory_create"), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    form = response.context["form"]
    # The form offers only the show's seasons; a forged one is an error next to the field.
    assert "season" in form.errors["spoiler_season"][0].lower()
    assert form["title"].value() == "Everyone lives"  # nothing the fan typed is lost
    assert not Theory.objects.exists()

    data["spoiler_season"] = "1"
    data["spoiler_free_title"] = "A prediction about everyone"
    assert fan_client.post(reverse("guide:theory_create"), data).status_code == HTTPStatus.FOUND


def test_a_fan_cannot_tag_a_comment_with_a_season_that_does_not_exist(show, fan, fan_client):
    theory = services.post_theory(
        author=fan, season=_season(show, 2), title="Everyone lives", body="All of them."
    )
    url = reverse("guide:comment_create", args=[theory.pk])
    response = fan_client.post(url, {"body": "Season 7 proves it.", "spoiler_season": "7"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = response.context["comment_form"].errors["spoiler_season"]
    assert "season" in errors[0].lower()
    body = response.text
    assert re.search(r"<textarea[^>]*>\s*Season 7 proves it\.</textarea>", body)
    assert not Comment.objects.exists()

    response = fan_client.post(url, {"body": "Season 2 proves it.", "spoiler_season": "2"})
    assert response.status_code == HTTPStatus.FOUND
    comment = Comment.objects.get()
    response = fan_client.post(
        reverse("guide:comment_edit", args=[comment.pk]),
        {"body": "Season 9 proves it.", "spoiler_season": "9"},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    comment.refresh_from_db()
    assert comment.spoiler_season == 2
