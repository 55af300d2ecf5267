"""core.pagination on its own: walking a list by cursor, forwards and back, visits each
row once in the database's order, ties and floats that differ in their last bit
included; a cursor that is not the site's own, or does not fit, is the first page."""

import base64
import datetime
import itertools
import math
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core import pagination
from core.pagination import keyset_page, order_name, sign_cursor
from guide.models import Theory
from tests.bad_input.hostile import FEW, HYPOTHESIS
from tests.factories import SeasonFactory, TheoryFactory

pytestmark = pytest.mark.django_db

# Ranks that differ only past a float32's precision, or in their last bit, and ties.
HOTS = [0.3, math.nextafter(0.3, 1), 0.1 + 0.2, 1e-300, -2.5, 1234567.891, 0.3]
WILSONS = [0.5, math.nextafter(0.5, 0), 0.5, 0.0]
SCORES = [3, 3, -1]
BASE = datetime.datetime(2025, 5, 1, 12, tzinfo=datetime.UTC)
# Whole seconds and microseconds apart, and ties.
TIMES = [
    BASE,
    BASE + datetime.timedelta(microseconds=1),
    BASE,
    BASE + datetime.timedelta(seconds=1),
    BASE - datetime.timedelta(microseconds=999_999),
]
TITLES = ["b", "B", "a", "b", "Ä"]
ROWS = 23


@pytest.fixture
def theories():
    season = SeasonFactory()
    picks = zip(
        range(ROWS),
        itertools.cycle(HOTS),
        itertools.cycle(WILSONS),
        itertools.cycle(SCORES),
        itertools.cycle(TIMES),
        itertools.cycle(TITLES),
        strict=False,
    )
    for n, hot, wilson, score, created, title in picks:
        TheoryFactory(
            season=season,
            author=None,
            title=f"{title} {n % 3}",
            hot=hot,
            wilson=wilson,
            score=score,
            upvotes=max(score, 0),
            downvotes=max(-score, 0),
            created_at=created,
        )
    return Theory.objects.all()


ORDERS = {
    "hot": lambda qs: qs.hot(),
    "top": lambda qs: qs.top(),
    "new": lambda qs: qs.new(),
    "mixed directions": lambda qs: qs.order_by("score", "-created_at", "pk"),
    "ascending float": lambda qs: qs.order_by("hot", "pk"),
    "text": lambda qs: qs.order_by("title", "-pk"),
    "model's own ordering": lambda qs: qs,
}


def walk_forward(queryset, per_page):
    page = keyset_page(queryset, per_page=per_page)
    pages = [page]
    while page.next_cursor:
        page = keyset_page(queryset, per_page=per_page, after=page.next_cursor)
        pages.append(page)
    return pages


def walk_back(queryset, per_page, last):
    page, pages = last, [last]
    while page.previous_cursor:
        page = keyset_page(queryset, per_page=per_page, before=page.previous_cursor)
        pages.append(page)
    return pages[::-1]


def pks(page) -> list[int]:
    return [theory.pk for theory in page]


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("per_page", [1, 4, 7, ROWS, ROWS + 1])
def test_walking_visits_every_row_once_in_order_and_back(theories, order, per_page):
    queryset = ORDERS[order](theories)
    expected = list(queryset.values_list("pk", flat=True))
    forward = walk_forward(queryset, per_page)
    assert [pk for page in forward for pk in pks(page)] == expected
    assert all(len(page) == per_page for page in forward[:-1])
    assert forward[0].is_first
    assert forward[0].previous_cursor is None
    assert not any(page.is_first or page.malformed for page in forward[1:])
    back = walk_back(queryset, per_page, forward[-1])
    assert [pks(page) for page in back] == [pks(page) for page in forward]


@pytest.mark.parametrize("order", ["hot", "top", "new", "text"])
def test_dicts_of_the_order_columns_walk_as_instances_do(theories, order):
    """A lean list pages `.values()` of its order's columns: the same pages, the same
    cursors, and no instance built."""
    instances = ORDERS[order](theories)
    lean = instances.values("pk", "hot", "wilson", "score", "created_at", "title", "id")
    by_instance, by_dict = walk_forward(instances, 4), walk_forward(lean, 4)
    assert [[row["pk"] for row in page] for page in by_dict] == [pks(p) for p in by_instance]
    assert [page.next_cursor for page in by_dict] == [p.next_cursor for p in by_instance]
    assert all(isinstance(row, dict) for page in by_dict for row in page)


def test_ties_are_broken_by_pk(theories):
    """Rows equal in every ranked field come in pk order, split over pages."""
    TheoryFactory.create_batch(5, season=theories.first().season, hot=1e9, created_at=BASE)
    queryset = Theory.objects.hot()
    tied = list(queryset.filter(hot=1e9).values_list("pk", flat=True))
    assert tied == sorted(tied, reverse=True)
    seen = [pks(page) for page in walk_forward(queryset, 2)]
    assert [pk for page in seen for pk in page][: len(tied)] == tied


def test_an_empty_list_has_one_empty_first_page(db):
    page = keyset_page(Theory.objects.hot(), per_page=5)
    assert (page.items, page.next_cursor, page.previous_cursor) == ([], None, None)


def test_a_page_past_the_end_is_empty_and_not_first(theories):
    queryset = Theory.objects.new()
    last = walk_forward(queryset, 5)[-1]
    beyond = sign_cursor(
        [pagination._to_json("datetime", last.items[-1].created_at), 0], order_name(queryset)
    )
    page = keyset_page(queryset, per_page=5, after=beyond)
    assert (page.items, page.is_first, page.malformed) == ([], False, False)


def test_cursors_are_short_and_url_safe(theories):
    for make in ORDERS.values():
        cursor = keyset_page(make(theories), per_page=3).next_cursor
        assert re.fullmatch(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{12}", cursor), cursor
        assert len(cursor) < 80, cursor


def test_a_cursor_made_with_a_retired_secret_key_still_reads(theories, settings):
    queryset = Theory.objects.top()
    cursor = keyset_page(queryset, per_page=3).next_cursor
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a new secret key " * 4
    assert not keyset_page(queryset, per_page=3, after=cursor).malformed
    settings.SECRET_KEY_FALLBACKS = []
    assert keyset_page(queryset, per_page=3, after=cursor).malformed


# Cursors that are not the site's own, or do not fit -------------------------------------


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


HOT_ORDER = order_name(Theory.objects.hot())
NEW_ORDER = order_name(Theory.objects.new())

NASTY = {
    "empty": "",
    "garbage": "garbage",
    "only a dot": ".",
    "dots": "...",
    "not base64": "!!!.???",
    "padding": "==.==",
    "unsigned JSON": b64(b"[0.3,1]"),
    "JSON with a zero signature": b64(b"[0.3,1]") + "." + b64(bytes(9)),
    "not ASCII": "ä.ö",
    "NUL": "\x00.\x00",
    "huge": "A" * 10_000 + ".AAAA",
    "another order's cursor": sign_cursor([1, 1], NEW_ORDER),
    "signed object": sign_cursor({"hot": 0.3, "pk": 1}, HOT_ORDER),
    "signed string": sign_cursor("0.3,1", HOT_ORDER),
    "signed null": sign_cursor(None, HOT_ORDER),
    "signed empty list": sign_cursor([], HOT_ORDER),
    "too few values": sign_cursor([0.3], HOT_ORDER),
    "too many values": sign_cursor([0.3, 1, 2], HOT_ORDER),
    "string for a float": sign_cursor(["0.3", 1], HOT_ORDER),
    "booleans": sign_cursor([True, False], HOT_ORDER),
    "float pk": sign_cursor([0.3, 1.5], HOT_ORDER),
    "huge pk": sign_cursor([0.3, 10**30], HOT_ORDER),
    "pk past a database integer": sign_cursor([0.3, 2**63], HOT_ORDER),
    "huge integer float": sign_cursor([10**400, 1], HOT_ORDER),
    "nested": sign_cursor([[0.3], [1]], HOT_ORDER),
    "NaN": sign_cursor(b"[NaN,1]", HOT_ORDER),
    "Infinity": sign_cursor(b"[Infinity,1]", HOT_ORDER),
    "overflowing float": sign_cursor(b"[1e400,1]", HOT_ORDER),
    "truncated JSON": sign_cursor(b"[0.3,", HOT_ORDER),
    "not UTF-8": sign_cursor(b"\xff\xfe[1,1]", HOT_ORDER),
    "deep nesting": sign_cursor(b"[" * 150, HOT_ORDER),
    "a time past year 9999": sign_cursor([10**18, 1], NEW_ORDER),
    "a time before year 1": sign_cursor([-(10**18), 1], NEW_ORDER),
    "a float for a time": sign_cursor([1.5, 1], NEW_ORDER),
}


@pytest.mark.parametrize("name", NASTY)
@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_cursor_that_does_not_fit_is_the_first_page(theories, name, direction):
    queryset = Theory.objects.new() if "time" in name else Theory.objects.hot()
    first = keyset_page(queryset, per_page=5)
    page = keyset_page(queryset, per_page=5, **{direction: NASTY[name]})
    assert page.malformed
    assert page.is_first
    assert pks(page) == pks(first)
    assert page.next_cursor == first.next_cursor


def test_both_cursors_at_once_are_the_first_page(theories):
    queryset = Theory.objects.hot()
    cursor = keyset_page(queryset, per_page=5).next_cursor
    page = keyset_page(queryset, per_page=5, after=cursor, before=cursor)
    assert page.malformed
    assert page.is_first


@HYPOTHESIS
@given(cursor=st.text(max_size=500))
@example(cursor="e30.AAAAAAAAAAAA")
def test_any_text_as_a_cursor_is_a_page(theories, cursor):
    page = keyset_page(Theory.objects.top(), per_page=5, after=cursor)
    assert page.malformed or not page.is_first


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@FEW
@given(payload=JSON, order=st.sampled_from(["hot", "top", "new"]))
@example(payload=[0.3, 2**63 - 1], order="hot")
@example(payload=[-(2**63) + 1, 0], order="new")
@example(payload=[1e308, -1e308, 0], order="top")
def test_any_well_signed_json_is_a_page(theories, payload, order):
    """Even a cursor signed with the site's key is checked value by value."""
    queryset = ORDERS[order](Theory.objects.all())
    try:
        cursor = sign_cursor(payload, order_name(queryset))
    except ValueError:  # a float JSON cannot hold
        return
    for direction in ("after", "before"):
        page = keyset_page(queryset, per_page=5, **{direction: cursor})
        assert len(page) <= 5


@pytest.mark.parametrize(
    "queryset",
    [
        lambda: Theory.objects.order_by(),
        lambda: Theory.objects.order_by("-hot"),
        lambda: Theory.objects.order_by("-outcome_set_at", "-pk"),
        lambda: Theory.objects.order_by("season__number", "pk"),
        lambda: Theory.objects.order_by("?"),
        lambda: Theory.objects.order_by("author", "pk"),
    ],
    ids=["unordered", "not unique", "nullable", "related", "random", "relation"],
)
def test_an_order_that_cannot_be_a_keyset_is_a_programming_error(db, queryset):
    with pytest.raises(ValueError, match="Keyset pagination|keyset order"):
        keyset_page(queryset(), per_page=5)
