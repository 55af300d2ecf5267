"""What the site reads back about one fan's own things: their open reports and what of
theirs a moderator hid. Each answer is about that fan and
that item only."""

import pytest

from guide import selectors, services
from tests.factories import CommentFactory, ReportFactory, TheoryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_fans_hidden_content_is_theirs_alone(fan, other_fan):
    assert selectors.hidden_content_of(fan) == selectors.HiddenContent(frozenset(), frozenset())
    hidden_theory = TheoryFactory(author=other_fan, is_hidden=True)
    hidden_comment = CommentFactory(author=other_fan, is_hidden=True)
    CommentFactory(author=fan, is_hidden=False)
    CommentFactory(author=fan, theory=hidden_theory)
    assert selectors.hidden_content_of(fan).shown_on() == set()
    other = selectors.hidden_content_of(other_fan)
    assert other.theories == {hidden_theory.pk}
    assert other.commented == {hidden_comment.theory_id}
    assert other.shown_on() == {hidden_theory.pk, hidden_comment.theory_id}


@pytest.mark.parametrize("hidden", ["theory", "comment"])
def test_a_hidden_theory_and_a_hidden_comment_are_told_apart(fan, hidden):
    item = (TheoryFactory if hidden == "theory" else CommentFactory)(author=fan, is_hidden=True)
    found = selectors.hidden_content_of(fan)
    if hidden == "theory":
        assert (found.theories, found.commented) == ({item.pk}, set())
    else:
        assert (found.theories, found.commented) == (set(), {item.theory_id})


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
