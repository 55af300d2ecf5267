"""Background work of accounts, run by the task worker: a large export's file."""

from django.dispatch import receiver
from django.tasks import task

from accounts import services
from accounts.models import DataExport


@task()
def prepare_export(export_id: int) -> bool:
    """Make the file of a fan's export (services.prepare_export); idempotent."""
    return services.prepare_export(export_id=export_id)


@receiver(services.export_ready, sender=DataExport, dispatch_uid="accounts.tasks.prepare_export")
def _enqueue_export(sender, export_id: int, **kwargs) -> None:
    prepare_export.enqueue(export_id)
