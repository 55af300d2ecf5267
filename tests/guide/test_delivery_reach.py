"""Who a delivery reaches: the followers of what happened, and no one who follows
something else. Each test sets a fan beside the event who follows a neighbour of it (another
theory, show or season); a delivery that dropped its filter would reach them too."""

import datetime

import pytest

from guide import selectors, services
from guide.models import NewsChange, Notification, SeasonStatus
from tests.factories import (
    CommentFactory,
    FanFollowFactory,
    FollowFactory,
    SeasonFactory,
    SeasonFollowFactory,
    ShowFactory,
    ShowFollowFactory,
    TheoryFactory,
    UserFactory,
    WatchProgressFactory,
)

pytestmark = pytest.mark.django_db


def released(show, number=1):
    return SeasonFactory(
        show=show,
        number=number,
        status=SeasonStatus.RELEASED,
        release_date=datetime.date(2022, 1, 28),
    )


def reached(**about) -> set[str]:
    return set(Notification.objects.filter(**about).values_list("recipient__username", flat=True))


def test_a_comment_reaches_its_theorys_followers_not_another_theorys():
    season = released(ShowFactory())
    theory, other = TheoryFactory(season=season), TheoryFactory(season=season)
    FollowFactory(theory=theory, user=UserFactory(username="follower"))
    FollowFactory(theory=other, user=UserFactory(username="elsewhere"))
    comment = CommentFactory(theory=theory)
    services.deliver_comment(comment_id=comment.pk)
    assert "follower" in reached(comment=comment)
    assert "elsewhere" not in reached(comment=comment)


def test_a_new_theory_reaches_its_shows_followers_not_another_shows():
    show, other = ShowFactory(), ShowFactory()
    season = released(show)
    ShowFollowFactory(show=show, user=UserFactory(username="show_fan"))
    ShowFollowFactory(show=other, user=UserFactory(username="other_show_fan"))
    theory = TheoryFactory(season=season)
    services.deliver_theory(theory_id=theory.pk)
    assert reached(theory=theory) == {"show_fan"}


def test_a_seasons_news_reaches_its_followers_not_another_seasons():
    show = ShowFactory()
    season, other = released(show, 1), released(show, 2)
    SeasonFollowFactory(season=season, user=UserFactory(username="season_fan"))
    SeasonFollowFactory(season=other, user=UserFactory(username="next_season_fan"))
    services.deliver_season_change(
        season_id=season.pk, changes=[NewsChange.STATUS], at=datetime.datetime.now(datetime.UTC)
    )
    assert reached(season=season) == {"season_fan"}


def test_followed_fans_are_the_readers_own_follows():
    reader, someone, author = UserFactory(), UserFactory(), UserFactory()
    FanFollowFactory(user=someone, fan=author)
    assert selectors.followed_fans(reader, [author.pk]) == set()
    FanFollowFactory(user=reader, fan=author)
    other_author = UserFactory()
    FanFollowFactory(user=reader, fan=other_author)
    assert selectors.followed_fans(reader, [author.pk]) == {author.pk}


def test_watched_seasons_are_of_the_fans_asked_and_the_show_asked():
    show, other = ShowFactory(), ShowFactory()
    asked, not_asked = UserFactory(), UserFactory()
    WatchProgressFactory(user=asked, show=show, seasons_watched=2)
    WatchProgressFactory(user=asked, show=other, seasons_watched=1)
    WatchProgressFactory(user=not_asked, show=show, seasons_watched=1)
    assert selectors.watched_seasons([asked.pk], show.pk) == {asked.pk: 2}
