"""Each delivery returns how many fans it concerns (what a task's result records), and a
delivery with nothing to tell returns 0. The inbox lines themselves are checked in
test_inbox.py and test_news_events.py; these pin the counts and the edge cases."""

import datetime

import pytest
from django.utils import timezone

from guide import services
from guide.models import ModerationAction, ModerationKind, Notification, Outcome, SeasonStatus
from tests.factories import CommentFactory, SeasonFactory, TheoryFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def aired(db):
    return SeasonFactory(
        number=1, status=SeasonStatus.RELEASED, release_date=datetime.date(2022, 1, 28)
    )


@pytest.fixture
def theory(aired):
    return TheoryFactory(season=aired, author=UserFactory(username="writer"))


def test_a_comment_concerns_whom_it_answers_mentions_and_the_followers_once_each(
    theory, monkeypatch
):
    monkeypatch.setattr(services, "FANOUT_BATCH", 1)  # counted across batches
    asker, named, followers = UserFactory(username="asker"), UserFactory(username="named"), []
    asked = services.post_comment(author=asker, theory=theory, body="Why?")
    for _ in range(2):
        followers.append(UserFactory())
        services.follow(user=followers[-1], theory=theory)
    services.follow(user=named, theory=theory)
    # It answers the asker and names them too, and names a follower: each hears once.
    answer = services.post_comment(
        author=UserFactory(), theory=theory, parent=asked, body="@asker @named because"
    )
    assert services.deliver_comment(comment_id=answer.pk) == 4  # asker, named, 2 followers
    kinds = dict(Notification.objects.filter(comment=answer).values_list("recipient", "kind"))
    assert kinds == {
        asker.pk: "reply",
        named.pk: "mention",
        followers[0].pk: "comment",
        followers[1].pk: "comment",
    }


def test_an_edit_concerns_only_the_fans_it_newly_names(theory):
    asker = UserFactory(username="asker")
    asked = services.post_comment(author=asker, theory=theory, body="Why?")
    answer = services.post_comment(author=UserFactory(), theory=theory, parent=asked, body="So")
    services.deliver_comment(comment_id=answer.pk)
    UserFactory(username="late")
    services.edit_comment(comment=answer, body="So, @asker and @late")
    # The asker heard of the reply already: only the newly named fan is told.
    assert services.deliver_mentions(comment_id=answer.pk) == 1
    services.delete_comment(comment=answer)
    assert services.deliver_mentions(comment_id=answer.pk) == 0


def test_a_verdict_concerns_the_author_and_followers_but_not_the_moderator(
    theory, moderator, monkeypatch
):
    monkeypatch.setattr(services, "FANOUT_BATCH", 3)  # counted across batches
    followers = UserFactory.create_batch(3)
    for fan in [*followers, moderator]:
        services.follow(user=fan, theory=theory)
    services.set_outcome(moderator=moderator, theory=theory, outcome=Outcome.CONFIRMED)
    verdict = ModerationAction.objects.get(kind=ModerationKind.SET_OUTCOME)
    assert services.deliver_decision(action_id=verdict.pk) == 4
    services.set_outcome(moderator=moderator, theory=theory, outcome=Outcome.OPEN)
    reopened = ModerationAction.objects.filter(kind=ModerationKind.SET_OUTCOME).latest("pk")
    assert services.deliver_decision(action_id=reopened.pk) == 0
    assert services.deliver_decision(action_id=0) == 0  # gone


def test_hiding_concerns_the_writer_unless_the_moderator_wrote_it(theory, moderator):
    comment = CommentFactory(theory=theory)
    services.set_hidden(moderator=moderator, item=comment, hidden=True, reason="rude")
    hid = ModerationAction.objects.latest("pk")
    assert services.deliver_decision(action_id=hid.pk) == 1
    own = CommentFactory(theory=theory, author=moderator)
    services.set_hidden(moderator=moderator, item=own, hidden=True, reason="mine")
    assert services.deliver_decision(action_id=ModerationAction.objects.latest("pk").pk) == 0
    report = services.report(reporter=UserFactory(), theory=theory, reason="spam")
    services.close_report(moderator=moderator, report_row=report, dismissed=True, reason="fine")
    dismissed = ModerationAction.objects.get(kind=ModerationKind.DISMISS_REPORT)
    assert services.deliver_decision(action_id=dismissed.pk) == 0  # no news for anyone


def test_a_seasons_news_concerns_its_followers_while_it_is_published(aired, monkeypatch):
    monkeypatch.setattr(services, "FANOUT_BATCH", 2)  # counted across batches
    followers = UserFactory.create_batch(3)
    for fan in followers:
        services.follow_season(user=fan, season=aired)
    at = timezone.now()
    assert services.deliver_season_change(season_id=aired.pk, changes=["status"], at=at) == 3
    hidden = SeasonFactory(show__is_published=False)
    services.follow_season(user=followers[0], season=hidden)
    assert services.deliver_season_change(season_id=hidden.pk, changes=["status"], at=at) == 0


@pytest.mark.parametrize("on", ["theory", "comment"])
def test_a_decision_is_dated_when_the_moderator_acted_and_read_in_fixed_queries(
    theory, moderator, on, django_assert_num_queries
):
    """However late the task runs, the inbox line says when the moderator decided; and
    the decision comes with what it was about in one query, theory or comment."""
    follower = UserFactory()
    services.follow(user=follower, theory=theory)
    if on == "theory":
        services.set_outcome(moderator=moderator, theory=theory, outcome=Outcome.CONFIRMED)
    else:
        services.set_hidden(
            moderator=moderator, item=CommentFactory(theory=theory), hidden=True, reason="rude"
        )
    action = ModerationAction.objects.latest("pk")
    acted = timezone.now() - datetime.timedelta(hours=5)
    ModerationAction.objects.filter(pk=action.pk).update(created_at=acted)
    # The action with its theory and comment; the followers (a verdict only); the lines.
    with django_assert_num_queries(3 if on == "theory" else 2):
        told = services.deliver_decision(action_id=action.pk)
    assert told == (2 if on == "theory" else 1)
    lines = Notification.objects.filter(action_id=action.pk)
    assert lines.count() == told
    assert set(lines.values_list("created_at", flat=True)) == {acted}


def test_a_new_theory_reaches_its_followers_in_fixed_queries(aired, django_assert_num_queries):
    """The theory with its season in one read, then the followers of its season, show
    and author a batch at a time, each batch told in one write: as many queries for many
    followers as for a few."""
    author = UserFactory(username="writer")
    followers = UserFactory.create_batch(5)
    services.follow_season(user=followers[0], season=aired)
    services.follow_show(user=followers[1], show=aired.show)
    for fan in followers[2:]:
        services.follow_fan(user=fan, fan=author)
    theory = TheoryFactory(season=aired, author=author)
    # The theory; the followers (a batch short of full is the last); their lines' write.
    with django_assert_num_queries(3):
        assert services.deliver_theory(theory_id=theory.pk) == 5


def test_fans_come_in_batches_from_the_first_id_a_database_gives(monkeypatch):
    monkeypatch.setattr(services, "FANOUT_BATCH", 2)
    ids = [1, 2, 3, 4, 5]
    asked = []

    def after(last):
        asked.append(last)
        return [fan for fan in ids if fan > last]

    assert list(services._fan_batches(after)) == [[1, 2], [3, 4], [5]]
    assert asked == [0, 2, 4]


def test_a_new_theory_reaches_each_follower_once_batch_by_batch(
    aired, monkeypatch, django_assert_num_queries
):
    """Followers of the season, the show and the author, each told once, read a batch at
    a time from where the last batch ended; fans who follow another writer hear nothing."""
    monkeypatch.setattr(services, "FANOUT_BATCH", 2)
    author, elsewhere = UserFactory(username="writer"), UserFactory(username="elsewhere")
    followers = UserFactory.create_batch(5)
    services.follow_season(user=followers[0], season=aired)
    services.follow_show(user=followers[1], show=aired.show)
    for fan in followers[2:]:
        services.follow_fan(user=fan, fan=author)
    services.follow_fan(user=UserFactory(), fan=elsewhere)
    theory = TheoryFactory(season=aired, author=author)
    # The theory; then for each of three batches (2, 2, 1) its read and its lines' write.
    with django_assert_num_queries(7):
        assert services.deliver_theory(theory_id=theory.pk) == 5
    told = Notification.objects.filter(theory=theory).values_list("recipient", flat=True)
    assert sorted(told) == sorted(fan.pk for fan in followers)
