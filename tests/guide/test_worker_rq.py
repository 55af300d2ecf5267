"""The RQ backend (django-tasks-rq), chosen with TASKS_BACKEND in production: a new
comment's delivery waits in Redis until an RQ worker runs it, and a retried job tells
nobody twice."""

import os
import subprocess
import sys

import pytest
from django.test import override_settings

from guide import services, tasks
from guide.models import Notification
from tests.factories import TheoryFactory, UserFactory

pytestmark = pytest.mark.django_db

RQ = {
    "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    # A database of its own, emptied around each test.
    "RQ_QUEUES": {"default": {"URL": "redis://127.0.0.1:6379/14"}},
}


@pytest.fixture
def queue():
    import django_rq  # noqa: PLC0415 (reads the settings overridden here)

    with override_settings(**RQ):
        queue = django_rq.get_queue("default")
        queue.connection.flushdb()
        yield queue
        queue.connection.flushdb()


def run_worker(queue) -> None:
    """An RQ worker in this process (no fork: it sees this test's transaction)."""
    from django_tasks_rq import Job  # noqa: PLC0415
    from rq import SimpleWorker  # noqa: PLC0415

    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)


def test_a_comment_waits_in_redis_until_an_rq_worker_delivers_it(
    queue, django_capture_on_commit_callbacks
):
    theory = TheoryFactory()
    follower = UserFactory()
    services.follow(user=follower, theory=theory)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_comment(author=UserFactory(), theory=theory, body="Queued")
    assert queue.count == 1  # enqueued, not run in the request
    assert not Notification.objects.filter(recipient=follower).exists()
    run_worker(queue)
    assert Notification.objects.filter(recipient=follower).count() == 1
    # The job again, as a retry would run it: nobody is told twice.
    tasks.deliver_comment.enqueue(Notification.objects.get(recipient=follower).comment_id)
    assert queue.count == 1
    run_worker(queue)
    assert Notification.objects.filter(recipient=follower).count() == 1


def test_choosing_rq_from_the_environment_brings_its_worker_command():
    environment = {**os.environ, "DEBUG": "true", "TASKS_BACKEND": "django_tasks_rq.RQBackend"}
    environment.pop("DATABASE_URL", None)
    ran = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "--help"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stderr
    assert "--job-class" in ran.stdout
