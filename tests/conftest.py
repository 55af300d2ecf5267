"""Shared fixtures: the usual actors, and test clients signed in as them."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests.factories import UserFactory

# The data migrations that make the Editors and Moderators groups and their permissions.
groups_migration = importlib.import_module("guide.migrations.0002_groups")
revisions_migration = importlib.import_module("guide.migrations.0016_moderators_view_revisions")
predictions_migration = importlib.import_module("guide.migrations.0028_prediction_roles")
pictures_migration = importlib.import_module("guide.migrations.0034_moderators_hide_pictures")


@pytest.fixture(autouse=True)
def _querysets_built_afresh():
    """A QuerySet a selector builds once per process (functools.cache), and a statement
    prepared once (core.prepared), are built again for each test: what a test changes in
    the code it calls (a mutant, a patch) takes effect."""
    from core import prepared
    from guide import selectors

    selectors._api_theory_rows.cache_clear()
    prepared.forget_compiled()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and cached pages live in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language. A request leaves the language it chose
    active in its thread (LocaleMiddleware never deactivates it), so a Korean page in one
    test would otherwise make the next test's messages Korean."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _staff_groups(request):
    """Put back what a transactional test's flush took away, before any test uses the db.

    Transactional tests empty every table afterwards. Django then recreates content
    types (under new ids, which its cache does not know) and permissions, but not what
    data migrations made, such as the staff groups. Test order across xdist workers is
    not fixed, so any later test may meet that state.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    ContentType.objects.clear_cache()
    if Group.objects.filter(name__in=["Editors", "Moderators"]).count() != 2:
        groups_migration.create_groups(apps, None)
        revisions_migration.let_moderators_read_revisions(apps)
        predictions_migration.let_staff_handle_predictions(apps)
        pictures_migration.let_moderators_hide_pictures(apps)


@pytest.fixture
def page_cache(settings):
    """The whole-page cache on, as in production (the test settings leave it off);
    modules about it ask for it with pytest.mark.usefixtures("page_cache")."""
    settings.VISITOR_PAGE_CACHE = True


@pytest.fixture
def fan(db):
    return UserFactory(username="fan")


@pytest.fixture
def other_fan(db):
    return UserFactory(username="other_fan")


@pytest.fixture
def moderator(db):
    """Staff in the "Moderators" group, which the data migration creates."""
    return UserFactory(username="moderator", is_staff=True, groups=["Moderators"])


@pytest.fixture
def editor(db):
    """Staff in the "Editors" group, which the data migration creates."""
    return UserFactory(username="editor", is_staff=True, groups=["Editors"])


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fan_client(fan):
    return _client_for(fan)


@pytest.fixture
def other_fan_client(other_fan):
    return _client_for(other_fan)


@pytest.fixture
def editor_client(editor):
    return _client_for(editor)


@pytest.fixture
def moderator_client(moderator):
    return _client_for(moderator)


@pytest.fixture
def superuser_client(superuser):
    return _client_for(superuser)
