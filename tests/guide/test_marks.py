"""A fan's own marks on a page shared with fans (guide.marks, selectors.marks_of): every
kind read in one query, each only for the items asked about and only the fan's own."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guide import marks, selectors, services
from guide.models import Notification
from tests.factories import (
    CommentFactory,
    ForecastFactory,
    NotificationFactory,
    PredictionFactory,
    SeasonFactory,
    TheoryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _item(kind: str):
    """An item a mark of `kind` is on."""
    if kind in ("vote", "follow", "save_theory"):
        return TheoryFactory()
    if kind in ("comment_vote", "save_comment"):
        return CommentFactory()
    if kind in ("follow_season",):
        return SeasonFactory()
    if kind == "follow_show":
        return SeasonFactory().show
    if kind == "follow_fan":
        return UserFactory()
    if kind == "forecast":
        return PredictionFactory()
    raise AssertionError(f"a kind of mark this test does not know: {kind}")


def _mark(kind: str, user, item) -> int:
    """`user` marks `item` as `kind` does, through the services fans use; the mark read."""
    if kind == "vote":
        services.cast_vote(user=user, theory_id=item.pk, value=-1)
        return -1
    if kind == "comment_vote":
        services.cast_comment_vote(user=user, comment_id=item.pk, value=1)
        return 1
    if kind == "forecast":  # the mark is the current forecast, wherever the table keeps it
        ForecastFactory(user=user, prediction=item, percent=45, current=True)
        ForecastFactory(user=user, prediction=item, percent=30, current=False)
        return 45
    marking = {
        "follow": lambda: services.follow(user=user, theory=item),
        "follow_season": lambda: services.follow_season(user=user, season=item),
        "follow_show": lambda: services.follow_show(user=user, show=item),
        "follow_fan": lambda: services.follow_fan(user=user, fan=item),
        "save_theory": lambda: services.save_item(user=user, item=item),
        "save_comment": lambda: services.save_item(user=user, item=item),
    }
    marking[kind]()
    return 1


KINDS = sorted(selectors._MARKS)


@pytest.mark.parametrize("kind", KINDS)
def test_a_fans_mark_is_read_for_the_items_asked_about_and_no_other_fans(kind):
    fan, other_fan = UserFactory(), UserFactory()
    marked, other_fans, unmarked, not_asked = (_item(kind) for _ in range(4))
    value = _mark(kind, fan, marked)
    _mark(kind, fan, not_asked)
    _mark(kind, other_fan, other_fans)
    asked = [marked.pk, other_fans.pk, unmarked.pk]
    assert selectors.marks_of(fan, {kind: asked}) == {kind: {marked.pk: value}}
    assert selectors.marks_of(other_fan, {kind: asked}) == {kind: {other_fans.pk: value}}
    assert selectors.marks_of(fan, {kind: []}) == {kind: {}}


def test_every_kind_and_the_unread_count_come_in_one_query():
    fan = UserFactory()
    items, values = {}, {}
    for kind in KINDS:
        items[kind] = _item(kind)
        values[kind] = _mark(kind, fan, items[kind])
    NotificationFactory.create_batch(3, recipient=fan)
    NotificationFactory(recipient=UserFactory())
    Notification.objects.filter(pk=NotificationFactory(recipient=fan).pk).update(
        read_at="2026-11-30T09:00:00Z"
    )
    wanted = {kind: [items[kind].pk] for kind in KINDS} | {selectors.UNREAD: ()}
    with CaptureQueriesContext(connection) as queries:
        marks = selectors.marks_of(fan, wanted)
    assert len(queries) == 1
    assert marks == {kind: {items[kind].pk: values[kind]} for kind in KINDS} | {
        selectors.UNREAD: {0: 3}
    }
    assert selectors.marks_of(UserFactory(), {selectors.UNREAD: ()}) == {selectors.UNREAD: {0: 0}}


def test_nothing_asked_asks_nothing():
    fan = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        assert selectors.marks_of(fan, {"vote": [], "follow": []}) == {
            "vote": {},
            "follow": {},
        }
    assert not queries


@pytest.mark.parametrize(
    ("unread", "link"),
    [
        (0, '<a href="/inbox/">Inbox</a>'),
        (
            2,
            '<a href="/inbox/">Inbox <span class="count">2<span class="visually-hidden"> '
            "unread</span></span></a>",
        ),
    ],
)
def test_the_header_links_to_the_inbox_with_the_unread_count(fan_client, fan, unread, link):
    NotificationFactory.create_batch(unread, recipient=fan)
    assert reverse("guide:inbox") == "/inbox/"
    header = re.search(
        r"<header.*?</header>", fan_client.get(reverse("guide:show_list")).text, re.S
    )
    assert re.search(rf"(?<=>|\s){re.escape(link)}(?=<|\s)", header.group(0))


def test_a_page_with_many_items_sends_the_same_query_as_one_with_few():
    """PostgreSQL gets the items as one array, so the query's text and its number of
    parameters do not grow with the page (psycopg parses a query with more than 50
    parameters afresh every time); SQLite, without arrays, gets a parameter each. The
    marks read are the same either way."""
    fan = UserFactory()
    theories = TheoryFactory.create_batch(3)
    comments = CommentFactory.create_batch(120, theory=theories[0])
    services.cast_vote(user=fan, theory_id=theories[1].pk, value=1)
    services.cast_comment_vote(user=fan, comment_id=comments[77].pk, value=-1)
    sent = []

    def recording(execute, sql, params, many, context):
        sent.append((sql, len(params)))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(recording):
        few = selectors.marks_of(fan, {"vote": [t.pk for t in theories], "comment_vote": [1]})
        many = selectors.marks_of(
            fan, {"vote": [t.pk for t in theories], "comment_vote": [c.pk for c in comments]}
        )
    assert few == {"vote": {theories[1].pk: 1}, "comment_vote": {}}
    assert many == {"vote": {theories[1].pk: 1}, "comment_vote": {comments[77].pk: -1}}
    (few_sql, few_params), (many_sql, many_params) = sent
    if connection.vendor == "postgresql":
        assert (few_sql, few_params) == (many_sql, many_params) == (few_sql, 4)
    else:
        assert (few_params, many_params) == (1 + 3 + 1 + 1, 1 + 3 + 1 + 120)


def test_a_hole_whose_item_is_gone_since_the_page_was_checked_is_left_empty(fan, rf):
    """A theory deleted between the page's freshness check and its marks' read: its
    widget is left out rather than shown with a count that no longer exists."""
    here, gone = TheoryFactory(), TheoryFactory()
    services.cast_vote(user=fan, theory_id=here.pk, value=1)
    gone_pk, gone_author = gone.pk, gone.author_id
    gone.delete()
    forms = {name: f"{name}: {marks.SCORE}" for name in ("own", "none", "up", "down")}
    request = rf.get("/")
    request.user = fan
    chosen = marks.choose(
        request,
        [
            (marks.hole("vote", here.pk, here.author_id), forms),
            (marks.hole("vote", gone_pk, gone_author), forms),
        ],
    )
    assert chosen == ["up: 1", ""]
