"""Reporting: no reason is chosen for the fan, and a fan may change the reason and note of
their open report until a moderator closes it."""

import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from guide import services
from guide.models import Report, ReportReason, ReportStatus, SeasonStatus
from tests.factories import SeasonFactory, ShowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def theory(fan):
    season = SeasonFactory(show=ShowFactory(), status=SeasonStatus.ANNOUNCED)
    return services.post_theory(author=fan, season=season, title="Gwi-nam returns", body="He does.")


@pytest.fixture
def comment(theory, fan):
    return services.post_comment(author=fan, theory=theory, body="Buy cheap watches here.")


@pytest.fixture
def reporter_client(other_fan):
    client = Client()
    client.force_login(other_fan)
    return client


def report_url(kind, item) -> str:
    return reverse(f"guide:report_{kind}", args=[item.pk])


def options(page: str) -> list[tuple[str, bool, str]]:
    """(value, selected, label) of the reason <select>."""
    select = re.search(r'<select name="reason".*?</select>', page, re.S).group(0)
    return [
        (value, bool(selected), label)
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select
        )
    ]


def note_of(page: str) -> str:
    return re.search(r'<textarea name="note"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1)


@pytest.mark.parametrize("kind", ["theory", "comment"])
def test_no_reason_is_chosen_for_the_fan(reporter_client, theory, comment, kind):
    item = {"theory": theory, "comment": comment}[kind]
    page = reporter_client.get(report_url(kind, item)).content.decode()
    reasons = options(page)
    # The empty choice is the one shown: the browser would otherwise show the first reason.
    assert reasons[0] == ("", True, "Choose a reason")
    assert [value for value, selected, _label in reasons if selected] == [""]
    assert [value for value, *_ in reasons[1:]] == ReportReason.values


def test_a_report_needs_a_reason_and_keeps_the_note(reporter_client, theory):
    response = reporter_client.post(report_url("theory", theory), {"note": "Ads in every line"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "This field is required." in page
    assert note_of(page) == "Ads in every line"
    assert not Report.objects.exists()


@pytest.mark.parametrize("kind", ["theory", "comment"])
def test_the_open_report_comes_back_prefilled_and_saving_changes_it(
    reporter_client, other_fan, theory, comment, kind
):
    item = {"theory": theory, "comment": comment}[kind]
    url = report_url(kind, item)
    first = reporter_client.post(url, {"reason": "spam", "note": "Ads"})
    assert first.status_code == HTTPStatus.FOUND

    page = reporter_client.get(url).content.decode()
    assert [value for value, selected, _label in options(page) if selected] == ["spam"]
    assert note_of(page) == "Ads"
    assert "You reported this on" in page

    changed = reporter_client.post(url, {"reason": "abuse", "note": "Insults, not ads"})
    assert changed.status_code == HTTPStatus.FOUND
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.note) == (other_fan, "abuse", "Insults, not ads")
    assert report.status == ReportStatus.OPEN
    assert "Your report is updated." in reporter_client.get(changed["Location"]).content.decode()


def test_a_closed_report_is_not_changed_a_new_one_is_filed(
    reporter_client, other_fan, moderator, theory
):
    closed = services.report(reporter=other_fan, reason=ReportReason.SPAM, theory=theory)
    services.close_report(moderator=moderator, report_row=closed, dismissed=True)
    page = reporter_client.get(report_url("theory", theory)).content.decode()
    assert [value for value, selected, _label in options(page) if selected] == [""]
    assert "You reported this on" not in page
    reporter_client.post(report_url("theory", theory), {"reason": "abuse"})
    closed.refresh_from_db()
    assert (closed.reason, closed.status) == ("spam", ReportStatus.DISMISSED)
    assert Report.objects.filter(status=ReportStatus.OPEN, reason="abuse").count() == 1


def test_changing_a_report_is_rate_limited_and_keeps_the_note(reporter_client, theory, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report": (1, 3600)}
    url = report_url("theory", theory)
    assert reporter_client.post(url, {"reason": "spam"}).status_code == HTTPStatus.FOUND
    response = reporter_client.post(url, {"reason": "abuse", "note": "Kept note"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Kept note" in response.content.decode()
    assert Report.objects.get().reason == "spam"


def test_the_service_files_or_changes_the_open_report(other_fan, fan, theory, comment):
    assert services.save_report(reporter=other_fan, reason="spam", note="a", theory=theory)
    assert services.save_report(reporter=other_fan, reason="spam", comment=comment)
    assert not services.save_report(reporter=other_fan, reason="other", note="b", theory=theory)
    on_theory = Report.objects.get(theory=theory)
    assert (on_theory.reason, on_theory.note) == ("other", "b")
    assert Report.objects.get(comment=comment).reason == "spam"
    assert Report.objects.count() == 2
