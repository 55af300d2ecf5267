"""`make bench-fanout`: a theory with 1,000 followers takes a burst of replies.

Measures the two halves apart, on a database of its own (SQLite in bench/data/, or
`<name>_fanout` beside a PostgreSQL DATABASE_URL), with the production task backend:
- the request: posting a reply, which only stores the comment and enqueues its delivery
  (time per request, p50 and p95, in-process through Django's test client);
- the worker: `manage.py db_worker --batch` delivering every queued reply to the
  followers' inboxes (inbox lines per second of wall time, and the worker's CPU).

`make bench` runs it after its load phases, and `make bench-fanout` alone. It runs no
gunicorn and no load generator: the replies are posted one after another, not under load.
"""

import os
import resource
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit

from common import DATA, PY, ROOT, log

FOLLOWERS = 1_000
REPLIERS = 50
REPLIES_EACH = 2  # within the per-fan comment limit


def database_url() -> str:
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith("postgres"):
        parts = urlsplit(base)
        name = parts.path.lstrip("/") + "_fanout"
        admin = parts._replace(path="/postgres").geturl()
        import psycopg

        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        return parts._replace(path=f"/{name}").geturl()
    DATA.mkdir(exist_ok=True)
    path = DATA / "fanout.sqlite3"
    for leftover in DATA.glob("fanout.sqlite3*"):
        leftover.unlink()
    return f"sqlite:///{path}"


def main() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "testserver",
            "SITE_URL": "https://testserver",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url(),
            "CACHE_URL": "locmemcache://",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from guide import services
    from guide.models import Follow, Notification, Season, Show

    call_command("migrate", verbosity=0)
    vendor = django.db.connection.vendor
    log(f"fan-out bench on {vendor}: {FOLLOWERS} followers, {REPLIERS * REPLIES_EACH} replies")
    show = Show.objects.create(title="Fan-out", slug="fan-out", is_published=True)
    season = Season.objects.create(show=show, number=1)
    author = User.objects.create(username="author")
    theory = services.post_theory(author=author, season=season, title="Busy", body="Yes.")
    asked = services.post_comment(author=author, theory=theory, body="Who agrees?")
    followers = User.objects.bulk_create(User(username=f"follower{n}") for n in range(FOLLOWERS))
    Follow.objects.bulk_create(Follow(user=fan, theory=theory) for fan in followers)
    repliers = User.objects.bulk_create(User(username=f"replier{n}") for n in range(REPLIERS))
    DBTaskResult.objects.all().delete()

    timings = []
    url = reverse("guide:comment_reply", args=[asked.pk])
    for replier in repliers:
        client = Client()
        client.force_login(replier)
        for n in range(REPLIES_EACH):
            started = time.perf_counter()
            response = client.post(url, {"body": f"Agreed, {n}.", "spoiler_season": ""})
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 302, response.status_code
    waiting = DBTaskResult.objects.count()
    assert Notification.objects.filter(comment__parent=asked).count() == 0, "the request delivered"
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    log(f"request: {statistics.median(timings):.1f} ms median, {p95:.1f} ms p95; {waiting} queued")

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(  # noqa: S603
        [PY, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0"],
        cwd=ROOT,
        env=os.environ,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = Notification.objects.filter(comment__parent=asked).count()
    assert lines == len(timings) * (FOLLOWERS + 1), lines  # each follower, and the author
    log(
        f"worker: {lines} inbox lines in {seconds:.1f} s = {lines / seconds:,.0f} lines/s, "
        f"{len(timings) / seconds:.1f} replies/s; worker CPU {cpu:.1f} s"
    )


if __name__ == "__main__":
    main()
