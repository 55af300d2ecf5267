"""Load generator for `make bench`: locust's fast HTTP client, one phase per page.

bench/run.py starts this file as `python bench/locustfile.py CONFIG OUT` (one or more
processes). Each process signs its share of fans in through the real login form, tells
run.py it is ready, waits for the shared start time, then runs every phase at the same
wall-clock moments as its siblings: one user class per phase, closed loop (no think
time), a warm-up that is not recorded, then `duration` recorded seconds. It writes the
response times of each phase to OUT as JSON; run.py merges the processes and reports.

It also works with the locust CLI against a running bench server, as a mixed load:
    BENCH_CONFIG=bench/data/config.json locust -f bench/locustfile.py --host https://...
"""

import itertools
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict

import gevent
import gevent.pool
from locust import FastHttpUser, constant, events, task
from locust.contrib.fasthttp import FastHttpSession

CONFIG: dict = {}
if os.environ.get("BENCH_CONFIG"):
    with open(os.environ["BENCH_CONFIG"]) as config_file:
        CONFIG = json.load(config_file)

# Per-fan vote limit in guide (settings.RATE_LIMITS["vote"] = 120 per 60 s): stay under it.
VOTE_BUDGET = 110
VOTE_WINDOW = 60
VOTE_SESSIONS: list[dict] = []  # {"session", "csrf", "counts": {window: n}}
_next_session = 0
_stats = {"phase": None, "by_phase": defaultdict(lambda: {"times": [], "errors": Counter()})}


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    phase = _stats["phase"]
    if phase is None or name != phase:
        return
    entry = _stats["by_phase"][phase]
    entry["times"].append(round(response_time, 2))
    if exception is not None:
        entry["errors"][str(exception)[:120]] += 1


def _expect(response, status=200, json_key=None):
    if response.status_code != status:
        response.failure(f"HTTP {response.status_code}")
    elif json_key is not None and json_key not in (response.json() or {}):
        response.failure(f"no {json_key!r} in the JSON")
    else:
        response.success()


class Page(FastHttpUser):
    """GET one page in a loop. `paths` picks the URL for each request."""

    abstract = True
    wait_time = constant(0)
    name = ""

    def path(self) -> str:
        raise NotImplementedError

    @task
    def hit(self):
        with self.client.get(
            self.path(), name=self.name, allow_redirects=False, catch_response=True
        ) as response:
            _expect(response)


def _popular(items: list):
    """Pick like real traffic does: the r-th most popular item with weight 1/r (Zipf).

    A handful of theories and fans draw most visits; the long tail is still visited.
    """
    cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(items) + 1)))
    return lambda: random.choices(items, cum_weights=cumulative)[0]


def _page(name: str, pick):
    return type(f"Page_{name}", (Page,), {"name": name, "path": lambda self: pick()})


def _pages() -> dict[str, type]:
    c = CONFIG
    popular_theory = _popular(c["theory_paths"])
    popular_fan = _popular(c["profile_users"])
    return {
        "/healthz": _page("/healthz", lambda: "/healthz"),
        "home": _page("home", lambda: "/"),
        "season guide": _page("season guide", lambda: c["season_path"]),
        "theories hot": _page("theories hot", lambda: "/theories/?sort=hot"),
        "theories top": _page("theories top", lambda: "/theories/?sort=top"),
        "theories new": _page("theories new", lambda: "/theories/?sort=new"),
        "theories filtered": _page(
            "theories filtered", lambda: f"/theories/?season={c['season_id']}&sort=top"
        ),
        "theory page": _page("theory page", popular_theory),
        "profile": _page("profile", lambda: f"/u/{popular_fan()}/"),
        "search": _page("search", lambda: f"/search/?q={random.choice(c['search_words'])}"),
        "vote": Voter,
    }


# Signed-in fans --------------------------------------------------------------------------


def _cookie(session: FastHttpSession, name: str) -> str | None:
    return next((c.value for c in session.cookiejar if c.name == name), None)


def log_in(host: str, username: str, password: str, request_event) -> dict:
    """Sign in through the real form: CSRF token from the form, __Host- cookies over TLS."""
    session = FastHttpSession(host, request_event=request_event, user=None, insecure=True)
    form = session.get("/accounts/login/", name="login form")
    if form.status_code != 200:
        raise RuntimeError(f"login form: HTTP {form.status_code}")
    marker = 'name="csrfmiddlewaretoken" value="'
    token = form.text.split(marker, 1)[1].split('"', 1)[0]
    done = session.post(
        "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{host}/accounts/login/"},
        name="login",
        allow_redirects=False,
    )
    csrf = _cookie(session, "__Host-csrftoken")
    if done.status_code != 302 or not _cookie(session, "__Host-sessionid") or not csrf:
        raise RuntimeError(f"login as {username}: HTTP {done.status_code}, no session")
    return {"session": session, "csrf": csrf, "counts": Counter(), "username": username}


def _take_session() -> dict | None:
    """The next signed-in fan with votes left in the current rate-limit window."""
    global _next_session
    window = int(time.time() // VOTE_WINDOW)
    for _ in range(len(VOTE_SESSIONS)):
        fan = VOTE_SESSIONS[_next_session % len(VOTE_SESSIONS)]
        _next_session += 1
        if fan["counts"][window] < VOTE_BUDGET:
            fan["counts"][window] += 1
            return fan
    return None


class Voter(FastHttpUser):
    """Votes up, down or clear on a popular theory, as the JavaScript does (JSON)."""

    wait_time = constant(0)
    name = "vote"

    def on_start(self):
        if not VOTE_SESSIONS:  # under the plain locust CLI: sign in a few fans here
            for username in random.sample(CONFIG["fans"], 4):
                VOTE_SESSIONS.append(
                    log_in(self.host, username, CONFIG["password"], self.environment.events.request)
                )

    @task
    def vote(self):
        fan = _take_session()
        if fan is None:  # every fan is at the rate limit: wait for the next window
            _stats["vote_waits"] = _stats.get("vote_waits", 0) + 1
            gevent.sleep(VOTE_WINDOW - time.time() % VOTE_WINDOW + 0.05)
            return
        pk, author = random.choice(CONFIG["vote_targets"])
        while author == fan["username"]:  # the server refuses a vote on one's own theory
            pk, author = random.choice(CONFIG["vote_targets"])
        value = random.choices(["1", "-1", "0"], weights=[5, 3, 2])[0]
        with fan["session"].post(
            f"/theories/{pk}/vote/",
            data={"value": value},
            headers={
                "Accept": "application/json",
                "X-CSRFToken": fan["csrf"],
                "Referer": f"{self.host}/theories/{pk}/",
            },
            name="vote",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            _expect(response, json_key="score")


class MixedVisitor(FastHttpUser):
    """For the plain locust CLI only: every page in one mixed load."""

    abstract = not CONFIG
    wait_time = constant(0)

    @task
    def browse(self):
        page = random.choice([cls for name, cls in _pages().items() if name != "vote"])
        path = page.path(None)
        with self.client.get(path, name=page.name, catch_response=True) as response:
            _expect(response)


# Phased run for bench/run.py ------------------------------------------------------------------


def main(config_path: str, out_path: str) -> None:
    from locust.env import Environment

    global CONFIG
    with open(config_path) as config_file:
        CONFIG = json.load(config_file)
    host, users = CONFIG["host"], CONFIG["users"]
    pages = _pages()
    env = Environment(user_classes=list(pages.values()), host=host, events=events)
    runner = env.create_local_runner()

    started = time.monotonic()

    def sign_in(username: str) -> None:
        for attempt in range(3):  # a busy machine may time a login out: try again
            try:
                VOTE_SESSIONS.append(log_in(host, username, CONFIG["password"], events.request))
                return
            except RuntimeError:
                if attempt == 2:
                    raise

    logins = gevent.pool.Pool(4)
    for username in CONFIG["login_as"]:
        logins.spawn(sign_in, username)
    logins.join(raise_error=True)
    print(json.dumps({"ready": True, "login_seconds": round(time.monotonic() - started, 1)}))
    sys.stdout.flush()
    t0 = float(sys.stdin.readline())

    results = {"phases": {}, "login_seconds": round(time.monotonic() - started, 1)}
    for phase in CONFIG["schedule"]:
        name = phase["name"]
        gevent.sleep(max(0.0, t0 + phase["start"] - time.time()))
        runner.start(users, spawn_rate=min(100, users * 4), user_classes=[pages[name]])
        gevent.sleep(max(0.0, t0 + phase["record_from"] - time.time()))
        _stats["phase"] = name
        gevent.sleep(max(0.0, t0 + phase["record_to"] - time.time()))
        _stats["phase"] = None
        runner.stop()
        entry = _stats["by_phase"][name]
        results["phases"][name] = {"times": entry["times"], "errors": dict(entry["errors"])}
    results["vote_waits"] = _stats.get("vote_waits", 0)
    runner.quit()
    with open(out_path, "w") as out:
        json.dump(results, out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
