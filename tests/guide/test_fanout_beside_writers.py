"""A delivery to many followers goes in batches while the site's requests keep writing.

On SQLite a connection cannot write beside a read of its own that is still open once
another connection has written: the write fails at once ("database is locked"), whatever
the busy timeout. `make bench-fanout` found deliveries failing so under load. Here a
fan's request commits a write, on its own connection, between the batches of a delivery.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from guide import services
from guide.models import Follow, Notification, SeasonFollow
from tests.factories import SeasonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BATCH = 10
FOLLOWERS = 35  # four batches


def another_request_writes() -> None:
    def write():
        try:
            UserFactory()
        finally:
            connection.close()  # the thread's own connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(write).result(timeout=30)


@pytest.fixture
def busy_site(monkeypatch):
    """After each batch a delivery has written, and before it reads the next, another
    request's write commits."""
    monkeypatch.setattr(services, "FANOUT_BATCH", BATCH)
    batches = services._fan_batches

    def batches_while_others_write(after):
        for batch in batches(after):
            yield batch
            another_request_writes()

    monkeypatch.setattr(services, "_fan_batches", batches_while_others_write)


@pytest.fixture
def theory(db):
    return services.post_theory(
        author=UserFactory(), season=SeasonFactory(), title="Busy", body="Yes."
    )


def test_a_comment_reaches_every_follower_while_others_write(theory, busy_site):
    followers = UserFactory.create_batch(FOLLOWERS)
    Follow.objects.bulk_create(Follow(user=fan, theory=theory) for fan in followers)
    comment = services.post_comment(author=UserFactory(), theory=theory, body="Hello all")
    assert services.deliver_comment(comment_id=comment.pk) == FOLLOWERS + 1  # and the author
    assert Notification.objects.filter(comment=comment).count() == FOLLOWERS + 1


def test_a_theory_and_a_seasons_news_reach_every_follower_while_others_write(busy_site):
    season = SeasonFactory()
    followers = UserFactory.create_batch(FOLLOWERS)
    SeasonFollow.objects.bulk_create(SeasonFollow(user=fan, season=season) for fan in followers)
    theory = services.post_theory(author=UserFactory(), season=season, title="New", body="x")
    assert services.deliver_theory(theory_id=theory.pk) == FOLLOWERS
    told = services.deliver_season_change(
        season_id=season.pk, changes=["status"], at=theory.created_at
    )
    assert told == FOLLOWERS
    assert Notification.objects.filter(season=season).count() == FOLLOWERS
