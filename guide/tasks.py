"""Background work, run by the task worker (`manage.py db_worker`), never in a request.

A write announces what it did (a guide.services signal); the receivers here enqueue the
work that follows from it once the write's transaction commits, so the worker never
looks for a row that is not there yet. Each task calls a service and is idempotent.
"""

from django.db import transaction
from django.dispatch import receiver
from django.tasks import task

from guide import mailing, services


@task()
def deliver_comment(comment_id: int) -> int:
    """Tell the fans a new comment concerns (services.deliver_comment), then mail those
    who want to hear at once, in a task of its own: a slow mail server holds up no inbox."""
    told = services.deliver_comment(comment_id=comment_id)
    if told:
        mail_comment.enqueue(comment_id)
    return told


@task()
def deliver_theory(theory_id: int) -> int:
    """Tell the fans who follow a new theory's season (services.deliver_theory)."""
    told = services.deliver_theory(theory_id=theory_id)
    if told:
        mail_theory.enqueue(theory_id)
    return told


@task()
def mail_comment(comment_id: int) -> int:
    """Mail at once who wants to hear of this comment at once (guide.mailing)."""
    return mailing.mail_news(comment_id=comment_id)


@task()
def mail_theory(theory_id: int) -> int:
    """Mail at once who wants to hear of this new theory at once (guide.mailing)."""
    return mailing.mail_news(theory_id=theory_id)


@receiver(services.comment_posted, dispatch_uid="guide.tasks.deliver_comment")
def _enqueue_comment_delivery(sender, comment, **kwargs) -> None:
    transaction.on_commit(lambda: deliver_comment.enqueue(comment.pk), robust=True)


@receiver(services.theory_posted, dispatch_uid="guide.tasks.deliver_theory")
def _enqueue_theory_delivery(sender, theory, **kwargs) -> None:
    transaction.on_commit(lambda: deliver_theory.enqueue(theory.pk), robust=True)
