"""What the site reads back about one fan's own things: their open reports and whether
a moderator hid something of theirs. Each answer is about that fan and that item only."""

import pytest

from guide import selectors, services
from tests.factories import CommentFactory, ReportFactory, TheoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_fan_has_hidden_content_only_when_something_of_their_own_is_hidden(fan, other_fan):
    assert selectors.has_hidden_content(fan) is False
    TheoryFactory(author=other_fan, is_hidden=True)
    CommentFactory(author=other_fan, is_hidden=True)
    CommentFactory(author=fan, is_hidden=False)
    assert selectors.has_hidden_content(fan) is False
    assert selectors.has_hidden_content(other_fan) is True


@pytest.mark.parametrize("hidden", ["theory", "comment"])
def test_either_a_hidden_theory_or_a_hidden_comment_counts(fan, hidden):
    (TheoryFactory if hidden == "theory" else CommentFactory)(author=fan, is_hidden=True)
    assert selectors.has_hidden_content(fan) is True


def test_an_open_report_is_the_reporters_own_on_that_item(fan, other_fan):
    theory = TheoryFactory()
    comment = CommentFactory(theory=theory)
    before = ReportFactory(reporter=fan, theory=None, comment=CommentFactory(theory=theory))
    on_theory = ReportFactory(reporter=fan, theory=theory)
    on_comment = ReportFactory(reporter=fan, theory=None, comment=comment)
    after = ReportFactory(reporter=fan, theory=None, comment=CommentFactory(theory=theory))
    ReportFactory(reporter=other_fan, theory=TheoryFactory())
    assert selectors.open_report_of(reporter=fan, theory=theory) == on_theory
    assert selectors.open_report_of(reporter=fan, comment=comment) == on_comment
    for other in (before, after):
        assert selectors.open_report_of(reporter=fan, comment=other.comment) == other
    assert selectors.open_report_of(reporter=other_fan, theory=theory) is None
    assert selectors.open_report_of(reporter=UserFactory(), comment=comment) is None
    assert selectors.open_report_of(reporter=fan, theory=TheoryFactory()) is None


def test_a_closed_report_is_no_longer_open(fan, moderator):
    report = ReportFactory(reporter=fan)
    services.close_report(moderator=moderator, report_row=report, dismissed=True)
    assert selectors.open_report_of(reporter=fan, theory=report.theory) is None
