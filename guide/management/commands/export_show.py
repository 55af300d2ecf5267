"""Write a show's content to a ZIP file (guide.transfer), for a backup or another site."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from guide import transfer
from guide.models import Show


class Command(BaseCommand):
    help = "Export a show's content (seasons, episodes, people, characters, facts, images)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the show's slug, as in its address")
        parser.add_argument("output", type=Path, help="the ZIP file to write")

    def handle(self, *args: Any, slug: str, output: Path, **options: Any) -> None:
        show = Show.objects.filter(slug=slug).first()
        if show is None:
            raise CommandError(f"No show has the slug {slug!r}.")
        data = transfer.export_show(show)
        output.write_bytes(data)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {show.title} to {output} ({len(data):,} bytes).")
        )
