"""Background work, run by the task worker (`manage.py db_worker`), never in a request.

A write announces what it did (a guide.services signal); the receivers here enqueue the
work that follows from it once the write's transaction commits, so the worker never
looks for a row that is not there yet. Each task calls a service and is idempotent.
"""

from datetime import datetime

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
def deliver_mentions(comment_id: int) -> int:
    """Tell the fans an edited comment newly mentions (services.deliver_mentions)."""
    told = services.deliver_mentions(comment_id=comment_id)
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
def deliver_decision(action_id: int) -> int:
    """Tell of a moderator's verdict or hiding (services.deliver_decision)."""
    told = services.deliver_decision(action_id=action_id)
    if told:
        mail_decision.enqueue(action_id)
    return told


@task()
def deliver_season_change(season_id: int, changes: list[str], at: str) -> int:
    """Tell a season's followers of an editor's save (services.deliver_season_change)."""
    told = services.deliver_season_change(
        season_id=season_id, changes=changes, at=datetime.fromisoformat(at)
    )
    if told:
        mail_season_change.enqueue(season_id, at)
    return told


# Mail at once whoever wants to hear of it at once (guide.mailing).


@task()
def mail_comment(comment_id: int) -> int:
    return mailing.mail_news(mailing.about_comment(comment_id))


@task()
def mail_theory(theory_id: int) -> int:
    return mailing.mail_news(mailing.about_theory(theory_id))


@task()
def mail_decision(action_id: int) -> int:
    return mailing.mail_news(mailing.about_decision(action_id))


@task()
def mail_season_change(season_id: int, at: str) -> int:
    return mailing.mail_news(mailing.about_season_change(season_id, datetime.fromisoformat(at)))


@receiver(services.comment_posted, dispatch_uid="guide.tasks.deliver_comment")
def _enqueue_comment_delivery(sender, comment, **kwargs) -> None:
    transaction.on_commit(lambda: deliver_comment.enqueue(comment.pk), robust=True)


@receiver(services.comment_edited, dispatch_uid="guide.tasks.deliver_mentions")
def _enqueue_mention_delivery(sender, comment, **kwargs) -> None:
    transaction.on_commit(lambda: deliver_mentions.enqueue(comment.pk), robust=True)


@receiver(services.theory_posted, dispatch_uid="guide.tasks.deliver_theory")
def _enqueue_theory_delivery(sender, theory, **kwargs) -> None:
    transaction.on_commit(lambda: deliver_theory.enqueue(theory.pk), robust=True)


@receiver(services.decided, dispatch_uid="guide.tasks.deliver_decision")
def _enqueue_decision_delivery(sender, action, **kwargs) -> None:
    transaction.on_commit(lambda: deliver_decision.enqueue(action.pk), robust=True)


@receiver(services.season_changed, dispatch_uid="guide.tasks.deliver_season_change")
def _enqueue_season_change_delivery(sender, season, changes, at, **kwargs) -> None:
    transaction.on_commit(
        lambda: deliver_season_change.enqueue(season.pk, list(changes), at.isoformat()),
        robust=True,
    )
