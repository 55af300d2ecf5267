"""The real background path: with the database backend, a request only enqueues the
delivery, and `manage.py db_worker` (which `make run` starts beside the server) runs it."""

from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from guide import services
from guide.models import Notification
from tests.factories import SeasonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.mark.usefixtures("database_tasks")
def test_a_comment_waits_for_the_worker_which_delivers_it():
    author = UserFactory(username="author")
    theory = services.post_theory(author=author, season=SeasonFactory(), title="T", body="B")
    client = Client()
    client.force_login(UserFactory(username="commenter"))
    response = client.post(f"/theories/{theory.pk}/comments/", {"body": "Hi", "spoiler_season": ""})
    assert response.status_code == HTTPStatus.FOUND
    assert not Notification.objects.exists()  # the request did not do the fan-out
    # Waiting: the new theory's delivery (to the season's followers), and the comment's.
    waiting = DBTaskResult.objects.get(task_path="guide.tasks.deliver_comment")
    assert DBTaskResult.objects.filter(task_path="guide.tasks.deliver_theory").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert Notification.objects.filter(recipient=author).count() == 1
    waiting.refresh_from_db()
    assert waiting.status == "SUCCESSFUL"
