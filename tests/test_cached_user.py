"""The signed-in user's row from the cache (core/auth.py): read once, then never served
after a write to it, whether the write went through the model or around it."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import freshness
from core.auth import CachedUserBackend, read_with_user, user_topic
from guide.reading import audience_keys

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


# What else a request wants of the cache about the user, read in the same round trip ------


def _reads_of_the_cache(monkeypatch) -> list[list[str]]:
    """Every read a request asks of the cache, as the keys each one named (the local
    memory cache of the tests answers get_many with a get per key: those are not reads
    of their own)."""
    backend, reads, inside = caches["default"], [], []
    get, get_many = backend.get, backend.get_many

    def record_one(key, *args, **kwargs):
        if not inside:
            reads.append([key])
        return get(key, *args, **kwargs)

    def record_many(keys, *args, **kwargs):
        reads.append(list(keys))
        inside.append(True)
        try:
            return get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(backend, "get", record_one)
    monkeypatch.setattr(backend, "get_many", record_many)
    return reads


@pytest.mark.usefixtures("page_cache")
def test_a_fan_s_audience_comes_in_the_round_trip_that_loads_their_row(
    fan, fan_client, monkeypatch
):
    page = reverse("guide:theory_list")
    fan_client.get(page)  # the audience and the shared page, stored
    reads = _reads_of_the_cache(monkeypatch)
    assert fan_client.get(page).status_code == HTTPStatus.OK
    with_audience = [keys for keys in reads if any(k.startswith("audience:") for k in keys)]
    assert with_audience == [[f"user-row:{fan.pk}", *_version_keys(fan), *audience_keys(fan.pk)]]
    assert sum(keys[0].startswith("user-row:") for keys in reads) == 1


def _version_keys(fan) -> list[str]:
    return freshness.keys_of([user_topic(fan.pk)])


def test_what_was_read_along_is_handed_over_once_then_read_afresh(fan, monkeypatch):
    backend = CachedUserBackend()
    backend.get_user(fan.pk)  # the copy stored
    audience = audience_keys(fan.pk)
    cache.set(audience[0], "as it was")
    user = backend.get_user(fan.pk)
    cache.set(audience[0], "as this request wrote it")
    reads = _reads_of_the_cache(monkeypatch)
    assert read_with_user(user, audience)[audience[0]] == "as it was"
    assert reads == []
    assert read_with_user(user, audience)[audience[0]] == "as this request wrote it"
    assert reads == [audience]


def test_keys_not_read_along_are_read_when_asked_for(fan):
    user = CachedUserBackend().get_user(fan.pk)
    cache.set("elsewhere", "found")
    assert read_with_user(user, [audience_keys(fan.pk)[0], "elsewhere"]) == {"elsewhere": "found"}


@pytest.mark.parametrize("stored_before", [False, True])
def test_what_was_read_along_is_never_kept_with_the_copy(fan, stored_before):
    backend = CachedUserBackend()
    if stored_before:
        backend.get_user(fan.pk)
    cache.set(audience_keys(fan.pk)[0], "a fan's audience")
    assert read_with_user(backend.get_user(fan.pk), audience_keys(fan.pk))  # it was read along
    _version, copy = cache.get(f"user-row:{fan.pk}")
    assert read_with_user(copy, audience_keys(fan.pk)) == {
        audience_keys(fan.pk)[0]: "a fan's audience"
    }
    assert not any("read_along" in name for name in vars(copy))


def test_a_site_that_names_no_companions_reads_the_row_alone(fan, settings, monkeypatch):
    settings.USER_ROW_COMPANION_KEYS = None
    reads = _reads_of_the_cache(monkeypatch)
    CachedUserBackend().get_user(fan.pk)
    assert reads == [[f"user-row:{fan.pk}", *_version_keys(fan)]]
