"""Each line of the public moderation log says what was done to what, and why.

A hide or a restore names the item and nothing more; closing a report adds the report's
reason; settling a theory adds the outcome.
"""

import datetime

import pytest
from django.urls import reverse

from guide import services
from guide.models import Outcome, SeasonStatus
from tests.factories import CommentFactory, ReportFactory, SeasonFactory, TheoryFactory
from tests.kit.html import page_of

pytestmark = pytest.mark.django_db

WHY = "Advertising for another site"


def log_text(client) -> str:
    return page_of(client.get(reverse("guide:moderation_log"))).text


def test_hiding_and_restoring_name_the_item_and_the_reason_only(client, moderator):
    theory = TheoryFactory()
    comment = CommentFactory(theory=theory)
    services.set_hidden(moderator=moderator, item=theory, hidden=True, reason=WHY)
    services.set_hidden(moderator=moderator, item=comment, hidden=True, reason=WHY)
    services.set_hidden(moderator=moderator, item=theory, hidden=False, reason="Fixed now")
    text = log_text(client)
    assert f"Hid theory #{theory.pk} {WHY}" in text
    assert f"Hid comment #{comment.pk} (#{theory.pk}) {WHY}" in text
    assert f"Restored theory #{theory.pk} Fixed now" in text


def test_closing_a_report_names_its_target_and_its_reason(client, moderator):
    theory = TheoryFactory()
    report = ReportFactory(theory=theory, reason="spam")
    services.close_report(moderator=moderator, report_row=report, dismissed=True, reason="Fine")
    assert f"Dismissed a report theory #{theory.pk}: Spam or advertising Fine" in log_text(client)


def test_settling_a_theory_names_the_outcome(client, moderator):
    aired = SeasonFactory(status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28))
    theory = TheoryFactory(season=aired)
    services.set_outcome(moderator=moderator, theory=theory, outcome=Outcome.CONFIRMED)
    assert f"Set the outcome theory #{theory.pk}: Confirmed —" in log_text(client)
