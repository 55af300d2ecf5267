"""Counting: stored vote counts against the vote rows, and queries against data."""

from collections.abc import Callable
from http import HTTPStatus

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from core import freshness
from core.auth import CachedUserBackend
from guide.selectors import vote_count_mismatches


def assert_vote_counts_match_rows(theories=None) -> None:
    """Every theory's stored counts and ranks (or only those of the `theories` QuerySet)
    equal what its vote rows say, by the project's one check of that rule."""
    mismatched = vote_count_mismatches(theories)
    assert mismatched == [], f"stored vote counts differ from the vote rows: theories {mismatched}"


def count_queries(client, url: str, data=None) -> int:
    """How many queries a GET of `url` makes; the page must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == HTTPStatus.OK, (url, response.status_code)
    return len(queries)


def _cache_signed_in_rows() -> None:
    """Every signed-in user's own row in the cache, as each request after a fan's first
    finds it (core.auth): then neither measure reads it, whichever came first."""
    backend = CachedUserBackend()
    for session in Session.objects.all():
        user_id = session.get_decoded().get(SESSION_KEY)
        if user_id is not None:
            backend.get_user(get_user_model()._meta.pk.to_python(user_id))


def assert_queries_do_not_grow[T](
    measure: Callable[[], T], grow: Callable[[], object], label: str
) -> T:
    """measure(), grow() the data, measure() again: the counts must be the same.

    `measure` returns a count, or a dict of counts (per page, per reader); the counts are
    printed (run with -s to see them) and returned.
    """
    _cache_signed_in_rows()
    small = measure()
    # Both measures are of pages rendered afresh: what grow() writes moves every stored
    # page and piece, as an editor's change would (it may bypass the services' topics).
    with TestCase.captureOnCommitCallbacks(execute=True):
        grow()
        freshness.touch(freshness.SITE)
    large = measure()
    print(f"{label} query counts (small -> large):", small, large)
    assert large == small, f"{label}: {small} -> {large}"
    return large
