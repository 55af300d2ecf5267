"""Load the demo show, "All Of Us Are Dead", idempotently (see guide.demo.loader)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from core import freshness
from guide.demo import loader


class Command(BaseCommand):
    help = 'Load the demo show "All Of Us Are Dead" (safe to run again: changes nothing).'

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            tally = loader.load()
        freshness.touch(freshness.SITE)
        self.stdout.write(self.style.SUCCESS(tally.summary()))
