"""The signed-in user's row from the cache (core/auth.py): read once, then never served
after a write to it, whether the write went through the model or around it."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import freshness
from core.auth import CachedUserBackend, user_topic

pytestmark = pytest.mark.django_db


def _user_rows_read(queries) -> int:
    table = get_user_model()._meta.db_table
    return sum(f'FROM "{table}"' in query["sql"] for query in queries)


def test_a_signed_in_fan_s_row_is_read_once_then_from_the_cache(fan_client):
    page = reverse("accounts:settings")
    fan_client.get(page)
    with CaptureQueriesContext(connection) as first:
        fan_client.get(page)
    cache.delete(f"user-row:{get_user_model().objects.get(username='fan').pk}")
    with CaptureQueriesContext(connection) as after_eviction:
        fan_client.get(page)
    # The settings page itself may read the fan's row; the request's sign-in does not.
    assert _user_rows_read(after_eviction.captured_queries) == (
        _user_rows_read(first.captured_queries) + 1
    )


def test_the_copy_matches_what_the_database_holds(fan):
    backend = CachedUserBackend()
    backend.get_user(fan.pk)
    copy = backend.get_user(fan.pk)
    assert copy == fan
    assert (copy.username, copy.password, copy.email) == (fan.username, fan.password, fan.email)


def test_a_read_from_the_cache_asks_the_database_nothing(fan, django_assert_num_queries):
    backend = CachedUserBackend()
    backend.get_user(fan.pk)
    with django_assert_num_queries(0):
        assert backend.get_user(fan.pk) == fan


def test_a_deactivated_fan_is_signed_out_on_the_next_request(fan, fan_client):
    page = reverse("accounts:settings")
    assert fan_client.get(page).status_code == HTTPStatus.OK
    fan.is_active = False
    fan.save()
    assert fan_client.get(page).status_code == HTTPStatus.FOUND  # to the log-in page


def test_a_deleted_fan_is_nobody_on_the_next_request(fan):
    backend = CachedUserBackend()
    assert backend.get_user(fan.pk) == fan
    pk = fan.pk
    fan.delete()
    assert backend.get_user(pk) is None


def test_a_new_password_ends_the_other_sessions_at_once(fan, fan_client):
    page = reverse("accounts:settings")
    assert fan_client.get(page).status_code == HTTPStatus.OK
    fan.set_password("a quite different passphrase")
    fan.save()
    assert fan_client.get(page).status_code == HTTPStatus.FOUND


def test_a_copy_stored_before_a_write_commits_is_not_served(
    fan, django_capture_on_commit_callbacks
):
    """A reader read the version, then the row, and stored its copy after a write that
    had committed in between: the write's version, moved at commit, is not the copy's."""
    backend = CachedUserBackend()
    backend.get_user(fan.pk)
    # The write's row change, with no signal: the version moves only at its commit.
    get_user_model().objects.filter(pk=fan.pk).update(is_active=False)
    assert backend.get_user(fan.pk) == fan  # the copy still stands: nothing said otherwise
    with django_capture_on_commit_callbacks(execute=True):
        freshness.touch(user_topic(fan.pk))
    assert backend.get_user(fan.pk) is None


def test_an_evicted_version_is_not_matched_by_an_old_copy(fan):
    backend = CachedUserBackend()
    backend.get_user(fan.pk)
    get_user_model().objects.filter(pk=fan.pk).update(is_active=False)
    cache.delete_many(freshness.keys_of([user_topic(fan.pk)]))
    assert backend.get_user(fan.pk) is None


def test_a_save_moves_the_version_at_once_and_again_at_commit(
    fan, django_capture_on_commit_callbacks
):
    def version():
        return freshness.versions([user_topic(fan.pk)])[user_topic(fan.pk)]

    CachedUserBackend().get_user(fan.pk)
    before = version()
    assert before is not None
    with django_capture_on_commit_callbacks(execute=True):
        fan.save()
        during = version()
    assert before != during != version()
