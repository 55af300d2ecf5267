"""Shared fixtures: the usual actors, and test clients signed in as them."""

import importlib

import pytest
from django.apps import apps
from django.test import Client

from tests.factories import UserFactory

# The data migration that makes the Editors and Moderators groups.
groups_migration = importlib.import_module("guide.migrations.0002_groups")


@pytest.fixture(autouse=True)
def _staff_groups(request):
    """Transactional tests empty every table afterwards, groups included: put them back.

    Django recreates content types and permissions after such a flush, but not what data
    migrations made, so a later transactional test would find no groups.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        groups_migration.create_groups(apps, None)


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
def editor_client(editor):
    return _client_for(editor)


@pytest.fixture
def moderator_client(moderator):
    return _client_for(moderator)


@pytest.fixture
def superuser_client(superuser):
    return _client_for(superuser)
