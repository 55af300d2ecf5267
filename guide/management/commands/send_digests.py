"""`manage.py send_digests`: the daily digests of news by mail (guide.mailing).

Run it once a day (cron, a systemd timer or the platform's scheduler; README,
Production). A fan gets at most one digest in 20 hours however often it runs, so running
it again, or twice, sends nothing twice.
"""

from django.core.management.base import BaseCommand

from guide import mailing


class Command(BaseCommand):
    help = "Mail each fan the digest of inbox news they have not read or been mailed."

    def handle(self, *args, **options):
        sent = mailing.send_digests()
        self.stdout.write(f"Sent {sent} digest{'s' if sent != 1 else ''}.")
