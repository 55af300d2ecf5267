"""`make bench-fanout`: a theory with 1,000 followers takes replies at load.

On a database of its own (SQLite in bench/data/, or `<name>_fanout` beside a PostgreSQL
DATABASE_URL), served as `make bench` serves the site (gunicorn over TLS, the production
settings, Redis as the cache when it answers) with a task worker running beside it, as
`make run` and production run one:
- REPLIERS fans sign in through the form, then post their replies to one comment on the
  theory through the reply form, `--users` at a time, each as soon as the last was
  answered. A request only stores the reply and enqueues its delivery.
- The worker (`manage.py db_worker`) delivers each reply to the inbox of every follower
  and the author of the comment answered, and mails whoever chose mail at once, while
  the replies keep coming.

Reported: the reply request's latency (median, p95, p99) at that concurrency and the
server's CPU per reply; the worker's inbox lines per second from the first reply to the
last line delivered, when its queue was empty (the mail after each delivery included),
its CPU (and the database's), and that no task failed.
`make bench` runs it after its load phases, and `make bench-fanout` alone.
"""

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from subprocess import DEVNULL, Popen
from urllib.parse import urlsplit

import requests
import server
import urllib3
from common import DATA, PY, ROOT, log, run_python

FOLLOWERS = 1_000
REPLIERS = 50
REPLIES_EACH = 2  # within the per-fan comment limit
PASSWORD = "bench fan-out password"  # noqa: S105 - bench-only accounts
LOGIN = "/accounts/login/"


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


# The data --------------------------------------------------------------------------------


def make_data(env: dict) -> dict:
    """The theory, its followers, the comment the replies answer and the repliers, made
    through Django in this process; returns what the load needs."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from guide import services
    from guide.models import Follow, Season, Show

    password = make_password(PASSWORD)  # hashed once: a thousand fans share it
    show = Show.objects.create(title="Fan-out", slug="fan-out", is_published=True)
    season = Season.objects.create(show=show, number=1)
    author = User.objects.create(username="author", email="author@example.org")
    theory = services.post_theory(author=author, season=season, title="Busy", body="Yes.")
    asked = services.post_comment(author=author, theory=theory, body="Who agrees?")
    followers = User.objects.bulk_create(
        User(username=f"follower{n}", email=f"follower{n}@example.org") for n in range(FOLLOWERS)
    )
    Follow.objects.bulk_create(Follow(user=fan, theory=theory) for fan in followers)
    User.objects.bulk_create(
        User(username=f"replier{n}", password=password, email=f"replier{n}@example.org")
        for n in range(REPLIERS)
    )
    DBTaskResult.objects.all().delete()  # the setup's own deliveries: not the load's
    django.db.connections.close_all()
    return {"vendor": django.db.connection.vendor, "comment": asked.pk, "theory": theory.pk}


def delivered(comment_pk: int) -> int:
    """Inbox lines about the replies so far (read by this process's own connection)."""
    from guide.models import Notification

    return Notification.objects.filter(comment__parent_id=comment_pk).count()


def tasks_left() -> int:
    """Tasks the worker has yet to finish: deliveries, and the mail after each."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).count()


def failed_tasks() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="FAILED").count()


def database_cpu(url: str | None) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the bench database but this
    process's own (which only counts the lines), by process id."""
    from django.db import connection

    connection.ensure_connection()
    own = connection.connection.info.backend_pid if url else None
    return {
        process.pid: server.cpu_seconds([process])
        for process in server.database_processes(url)
        if process.pid != own
    }


# The load --------------------------------------------------------------------------------


def sign_in(host: str, username: str) -> tuple[requests.Session, str]:
    """A fan signed in through the form: their session and CSRF token."""
    session = requests.Session()
    session.verify = False  # the bench's own throwaway certificate
    session.trust_env = False  # no proxy, no CA bundle from the environment: loopback only
    form = session.get(host + LOGIN)
    token = form.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    signed_in = session.post(
        host + LOGIN,
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": host + LOGIN},
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, f"login as {username}: {signed_in.status_code}"
    return session, session.cookies["__Host-csrftoken"]


def reply(host: str, fan: tuple[requests.Session, str], comment_pk: int, n: int) -> float:
    """Post a reply to the comment as the fan: the request's time in ms."""
    session, csrf = fan
    url = f"{host}/comments/{comment_pk}/reply/"
    started = time.perf_counter()
    answer = session.post(
        url,
        data={"body": f"Agreed, {n}.", "spoiler_season": "", "csrfmiddlewaretoken": csrf},
        headers={"Referer": url},
        allow_redirects=False,
    )
    assert answer.status_code == 302, f"reply: HTTP {answer.status_code}"
    return (time.perf_counter() - started) * 1000


def at_a_time(users: int, jobs: list) -> list:
    """Run the jobs (functions of nothing) `users` at a time; their results in order."""
    with ThreadPoolExecutor(max_workers=users) as pool:
        return list(pool.map(lambda job: job(), jobs))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=8, help="repliers posting at a time")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    args = parser.parse_args()
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

    cache = server.resolve_cache("auto")
    cache_url = server.CACHE_URLS[cache]
    url = database_url()
    vendor = "postgresql" if url.startswith("postgres") else "sqlite"
    env = {
        **server.production_env(cache_url=cache_url, vendor=vendor, pool=False),
        "DATABASE_URL": url,
    }
    run_python(env, "manage.py", "migrate", "--no-input", "--verbosity", "0")
    run_python(env, "manage.py", "createcachetable")
    run_python(env, "manage.py", "collectstatic", "--no-input", "--verbosity", "0")
    if cache == "redis":
        server.flush_redis()
    made = make_data(env)
    replies = REPLIERS * REPLIES_EACH
    expected = replies * (FOLLOWERS + 1)  # each follower, and the author of the comment
    log(
        f"fan-out bench on {made['vendor']}: {FOLLOWERS:,} followers, {replies} replies from "
        f"{REPLIERS} fans, {args.users} at a time; cache {cache}"
    )

    worker = Popen(  # noqa: S603 - the project's own worker
        [PY, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.05"],
        cwd=ROOT,
        env=env,
        stdout=DEVNULL,
        stderr=DEVNULL,
    )
    try:
        with server.gunicorn(env, workers=args.workers, worker_class="gthread", threads=2) as (
            host,
            site,
        ):
            database = env["DATABASE_URL"] if made["vendor"] == "postgresql" else None
            site_processes = server.process_tree(site.pid)
            worker_processes = server.process_tree(worker.pid)
            names = [f"replier{n}" for n in range(REPLIERS)]
            fans = at_a_time(args.users, [partial(sign_in, host, name) for name in names])
            site_cpu = server.cpu_seconds(site_processes)
            worker_cpu = server.cpu_seconds(worker_processes)
            db_before = database_cpu(database)
            started = time.perf_counter()
            timings = at_a_time(
                args.users,
                [
                    partial(reply, host, fan, made["comment"], n)
                    for n in range(REPLIES_EACH)
                    for fan in fans
                ],
            )
            answered = time.perf_counter()
            site_cpu = server.cpu_seconds(site_processes) - site_cpu
            at_last_reply = count = delivered(made["comment"])
            while count < expected:
                if worker.poll() is not None:
                    raise RuntimeError("the worker stopped")
                if time.perf_counter() - answered > 300:
                    raise RuntimeError(f"only {count:,} of {expected:,} lines after 5 minutes")
                time.sleep(0.1)
                count = delivered(made["comment"])
            done = time.perf_counter()
            while tasks_left():  # the mail that follows each delivery
                if time.perf_counter() - answered > 300:
                    raise RuntimeError("the worker did not empty its queue in 5 minutes")
                time.sleep(0.1)
            emptied = time.perf_counter()
            worker_cpu = server.cpu_seconds(worker_processes) - worker_cpu
            db_after = database_cpu(database)
            db_cpu = sum(cpu - db_before.get(pid, 0.0) for pid, cpu in db_after.items())
    finally:
        server.stop(worker)

    log(
        f"requests: {replies} replies in {answered - started:.1f} s; "
        f"{statistics.median(timings):.1f} ms median, {percentile(timings, 0.95):.1f} ms p95, "
        f"{percentile(timings, 0.99):.1f} ms p99; server CPU {site_cpu * 1000 / replies:.1f} ms "
        "a reply"
    )
    log(
        f"worker: {count:,} inbox lines in {done - started:.1f} s from the first reply = "
        f"{count / (done - started):,.0f} lines/s; {at_last_reply:,} were in when the last "
        f"reply was answered, the rest {done - answered:.1f} s later; its queue (the mail "
        f"after each delivery too) empty {emptied - started:.1f} s after the first reply; "
        f"worker CPU {worker_cpu:.1f} s" + (f", database CPU {db_cpu:.1f} s" if database else "")
    )
    if failures := failed_tasks():
        raise RuntimeError(f"{failures} tasks failed")


if __name__ == "__main__":
    main()
