"""Read a show's content from a ZIP file that export_show wrote (guide.transfer)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from guide import transfer


class Command(BaseCommand):
    help = (
        "Import a show's content from export_show's ZIP: new rows are created, existing "
        "ones updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", type=Path, help="the ZIP file export_show wrote")

    def handle(self, *args: Any, input: Path, **options: Any) -> None:
        try:
            show = transfer.import_show(input.read_bytes())
        except FileNotFoundError as error:
            raise CommandError(f"There is no file {input}.") from error
        except transfer.NotAnExport as error:
            raise CommandError(f"{input} is not a show export of this site: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {show.title} ({show.slug})."))
