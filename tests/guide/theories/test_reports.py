"""Reports of theories and comments: the form, duplicates, one's own items, the rate limit
and script injection through the note."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from guide.models import Report
from tests.factories import TheoryFactory
from tests.kit.html import SCRIPT_PAYLOADS, Page, assert_field_error, assert_no_injection

pytestmark = pytest.mark.django_db


def test_report_theory_and_comment(other_fan_client, other_fan, theory, comment):
    form = other_fan_client.get(reverse("guide:report_theory", args=[theory.pk]))
    assert form.status_code == HTTPStatus.OK
    response = other_fan_client.post(
        reverse("guide:report_theory", args=[theory.pk]), {"reason": "spam", "note": "Ads"}
    )
    assert response.status_code == HTTPStatus.FOUND
    response = other_fan_client.post(
        reverse("guide:report_comment", args=[comment.pk]), {"reason": "abuse"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Report.objects.filter(reporter=other_fan, theory=theory, note="Ads").exists()
    assert Report.objects.filter(reporter=other_fan, comment=comment, reason="abuse").exists()


def test_second_open_report_is_friendly(other_fan_client, theory, comment):
    # Reporting again changes the fan's open report (tests/guide/test_report_changes.py).
    for url in (
        reverse("guide:report_theory", args=[theory.pk]),
        reverse("guide:report_comment", args=[comment.pk]),
    ):
        other_fan_client.post(url, {"reason": "spam"})
        response = other_fan_client.post(url, {"reason": "abuse"}, follow=True)
        assert response.status_code == HTTPStatus.OK
        assert "Your report is updated." in response.text
    assert Report.objects.count() == 2
    assert set(Report.objects.values_list("reason", flat=True)) == {"abuse"}


def test_cannot_report_own_items(fan_client, theory, comment):
    for url in (
        reverse("guide:report_theory", args=[theory.pk]),
        reverse("guide:report_comment", args=[comment.pk]),
    ):
        assert fan_client.get(url).status_code == HTTPStatus.FORBIDDEN
        assert fan_client.post(url, {"reason": "spam"}).status_code == HTTPStatus.FORBIDDEN
    assert not Report.objects.exists()


@pytest.mark.parametrize("bad", ["\x00", "\x07"])
def test_control_characters_rejected_in_report(other_fan_client, theory, bad):
    response = other_fan_client.post(
        reverse("guide:report_theory", args=[theory.pk]), {"reason": "spam", "note": f"x{bad}"}
    )
    assert_field_error(response, "note")
    assert not Report.objects.exists()


def test_report_with_unknown_reason_is_field_error(other_fan_client, theory):
    response = other_fan_client.post(
        reverse("guide:report_theory", args=[theory.pk]), {"reason": "bogus", "note": "Kept note"}
    )
    assert_field_error(response, "reason")
    assert "Kept note" in Page(response).field("note").text


def test_report_rate_limit(other_fan_client, fan, season, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": (1, 3600)}
    first, second = (
        TheoryFactory(author=fan, season=season),
        TheoryFactory(author=fan, season=season),
    )
    ok = other_fan_client.post(reverse("guide:report_theory", args=[first.pk]), {"reason": "spam"})
    assert ok.status_code == HTTPStatus.FOUND
    response = other_fan_client.post(
        reverse("guide:report_theory", args=[second.pk]), {"reason": "spam", "note": "Kept note"}
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Kept note" in response.text
    assert Report.objects.count() == 1


@pytest.mark.parametrize("payload", SCRIPT_PAYLOADS)
def test_injection_in_report_note(other_fan_client, theory, payload):
    # An invalid reason re-renders the form with the note: it must come back inert.
    response = other_fan_client.post(
        reverse("guide:report_theory", args=[theory.pk]), {"reason": "bogus", "note": payload}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert_no_injection(response)
    response = other_fan_client.post(
        reverse("guide:report_theory", args=[theory.pk]), {"reason": "spam", "note": payload}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Report.objects.get().note == payload
    assert_no_injection(other_fan_client.get(theory.get_absolute_url()))
