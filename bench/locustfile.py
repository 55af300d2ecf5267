"""Load generator for `make bench`: locust's fast HTTP client, one phase per page.

bench/run.py starts this file as `python bench/locustfile.py CONFIG OUT` (one or more
processes). Each process signs its share of fans in through the real login form, tells
run.py it is ready, waits for the shared start time, then runs every phase at the same
wall-clock moments as its siblings: one user class per phase, closed loop (no think
time), a warm-up that is not recorded, then `duration` recorded seconds. It writes the
response times of each phase to OUT as JSON; run.py merges the processes and reports.

Each page is read by visitors (not signed in: the page cache serves them) and by fans
("fan: home"...): fans with a watch level set, signed in through the login form like the
voters, each simulated user in its own fan's session.

Two phases mix the pages (all but the deep one) the way visitors do: read only, then
while the signed-in fans edit their own comments and theories at their rate limit
(WRITERS users beside the visitors, recorded apart as "fan edits").

It also works with the locust CLI against a running bench server, as a mixed load:
    BENCH_CONFIG=bench/data/config.json locust -f bench/locustfile.py --host https://...
"""

import heapq
import itertools
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from urllib.parse import urlencode

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
READER_SESSIONS: list[dict] = []  # fans who read pages, one per simulated user
_readers = {"next": 0}  # the next reader session to hand out; reset every phase
FAN = "fan: "  # a page's phase as a signed-in fan: "fan: home"
_stats = {
    "recording": set(),  # the request names the current phase records
    "by_phase": defaultdict(lambda: {"times": [], "errors": Counter()}),
}
READ_ONLY, WHILE_WRITING, EDITS = "visitors", "visitors, fans writing", "fan edits"
WRITERS = 2  # writer users per load generator process, sharing its fans' schedule


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    if name not in _stats["recording"]:
        return
    entry = _stats["by_phase"][name]
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

    def session(self):
        return self.client

    def check(self, response) -> None:
        _expect(response)

    @task
    def hit(self):
        with self.session().get(
            self.path(), name=self.name, allow_redirects=False, catch_response=True
        ) as response:
            self.check(response)


class FanPage(Page):
    """The same, as a signed-in fan, in this user's own fan's session."""

    abstract = True

    def on_start(self):
        if not READER_SESSIONS:  # under the plain locust CLI: sign in a fan for this user
            username = random.choice(CONFIG["watchers"])
            events = self.environment.events.request
            READER_SESSIONS.append(log_in(self.host, username, CONFIG["password"], events))
        self.fan = READER_SESSIONS[_readers["next"] % len(READER_SESSIONS)]
        _readers["next"] += 1

    def session(self):
        return self.fan["session"]

    def check(self, response) -> None:
        # Every page a signed-in fan gets says so (never the visitors' cached page).
        if "private" not in (response.headers.get("Cache-Control") or ""):
            response.failure("not served as to a signed-in fan")
        else:
            _expect(response)


def _popular(items: list):
    """Pick like real traffic does: the r-th most popular item with weight 1/r (Zipf).

    A handful of theories and fans draw most visits; the long tail is still visited.
    """
    cumulative = list(itertools.accumulate(1 / rank for rank in range(1, len(items) + 1)))
    return lambda: random.choices(items, cum_weights=cumulative)[0]


def _page(name: str, pick, base: type = Page):
    return type(f"{base.__name__}_{name}", (base,), {"name": name, "path": lambda self: pick()})


def _paths() -> dict:
    """How each page phase picks its next address."""
    c = CONFIG
    popular_theory = _popular(c["theory_paths"])
    popular_fan = _popular(c["profile_users"])
    popular_prediction = _popular(c["prediction_paths"])
    return {
        "home": lambda: "/",
        "season guide": lambda: c["season_path"],
        "theories hot": lambda: "/theories/?sort=hot",
        "theories top": lambda: "/theories/?sort=top",
        "theories new": lambda: "/theories/?sort=new",
        "theories filtered": lambda: f"/theories/?season={c['season_id']}&sort=top",
        # The last page of the newest, by the cursor its "Next" link would carry.
        "theories deep": lambda: c["deep_path"],
        "theory page": popular_theory,
        "profile": lambda: f"/u/{popular_fan()}/",
        "search": lambda: f"/search/?q={random.choice(c['search_words'])}",
        "prediction page": popular_prediction,
        # Every scope in turn: all shows, the show, each of its seasons.
        "leaderboard": lambda: random.choice(c["leaderboard_paths"]),
        **_api_paths(c),
    }


def _api_paths(c: dict) -> dict:
    """The read API: a tool's polling of the popular lists and theories, then addresses
    that hardly ever repeat (every theory, at any watch level, any page size)."""
    show = c["season_path"].split("/")[2]
    theory_ids = [path.split("/")[2] for path in c["theory_paths"]]
    lists = [f"/api/v1/theories?order={order}&watched=1" for order in ("hot", "top", "new")] + [
        f"/api/v1/shows/{show}/theories?season=2&watched=1"
    ]

    def any_list() -> str:
        """12,600 addresses of pages near the default size (20): in a phase of a few
        thousand requests, about one in ten meets a copy kept from earlier."""
        where = random.choice(["/api/v1/theories", f"/api/v1/shows/{show}/theories"])
        order = random.choice(["hot", "top", "new"])
        size, watched = random.randint(10, 30), random.randint(0, 99)
        return f"{where}?order={order}&limit={size}&watched={watched}"

    polled = theory_ids[:20]  # a tool following the most popular theories
    return {
        "api list": lambda: random.choice(lists),
        "api detail": lambda: f"/api/v1/theories/{random.choice(polled)}?watched=1",
        "api list uncached": any_list,
        "api detail uncached": lambda: (
            f"/api/v1/theories/{random.choice(theory_ids)}?watched={random.randint(0, 99)}"
        ),
    }


# Pages the visitors' mix leaves out, so that it stays the mix earlier runs measured.
NOT_IN_MIX = {"theories deep", "prediction page", "leaderboard"}


def _mixed(paths: dict):
    """Visitors' own mix: theory pages (popular ones most) three times as often as any
    other page. The pages added since it was first measured stay out (NOT_IN_MIX)."""
    paths = {name: pick for name, pick in paths.items() if name not in NOT_IN_MIX}
    picks = list(paths.values())
    weights = [3 if name == "theory page" else 1 for name in paths]
    return lambda: random.choices(picks, weights=weights)[0]()


def _pages() -> dict[str, type]:
    paths = _paths()
    return {
        "/healthz": _page("/healthz", lambda: "/healthz"),
        **{name: _page(name, pick) for name, pick in paths.items()},
        **{FAN + name: _page(FAN + name, pick, FanPage) for name, pick in paths.items()},
        READ_ONLY: _page(READ_ONLY, _mixed(paths)),
        WHILE_WRITING: _page(WHILE_WRITING, _mixed(paths)),
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


def find_deep_path(host: str, request_event) -> str:
    """The last page of the newest theories, as the site links to it (a cursor): asked
    once, through the address of its old page number, which redirects there."""
    session = FastHttpSession(host, request_event=request_event, user=None, insecure=True)
    answer = session.get(
        f"/theories/?sort=new&page={CONFIG['deep_page']}",
        name="deep page cursor",
        allow_redirects=False,
    )
    if answer.status_code != 302 or "after=" not in answer.headers.get("Location", ""):
        raise RuntimeError(f"deep page: HTTP {answer.status_code}, no cursor")
    return answer.headers["Location"]


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


def _edit_queue() -> list:
    """(when, fan) for the signed-in fans that have something of their own to edit, each
    at their sustained rate limit, spread evenly from now."""
    limit, window = CONFIG["edit_limit"]
    interval = window / limit
    fans = [fan for fan in VOTE_SESSIONS if fan["username"] in CONFIG["edit_targets"]]
    start = time.time()
    queue = [(start + i * interval / max(1, len(fans)), i, fan) for i, fan in enumerate(fans)]
    heapq.heapify(queue)
    return queue


_edits: dict = {"queue": None}


def _edit_form(fan: dict) -> tuple[str, dict]:
    """One of the fan's own comments or theories, and new text for it: only the text, as a
    fan fixing a typo would (the same title keeps the theory's address)."""
    own = CONFIG["edit_targets"][fan["username"]]
    items = [("comment", item) for item in own["comments"]]
    items += [("theory", item) for item in own["theories"]]
    kind, item = random.choice(items)
    body = f"Edited by the bench at {time.time():.3f}: the rooftop scene explains it."
    if kind == "comment":
        pk, spoiler = item
        return f"/comments/{pk}/edit/", {"body": body, "spoiler_season": spoiler or ""}
    pk, title, spoiler, headline, characters = item
    form = {
        "title": title,
        "body": body,
        "spoiler_season": spoiler or "",
        "spoiler_free_title": headline,
        "characters": characters,
    }
    return f"/theories/{pk}/edit/", form


class Writer(FastHttpUser):
    """Signed-in fans editing their own comments and theories, each as often as their
    rate limit allows over time (settings.RATE_LIMITS["edit"]), never faster."""

    fixed_count = WRITERS
    wait_time = constant(0)
    name = EDITS

    @task
    def edit(self):
        if _edits["queue"] is None:
            _edits["queue"] = _edit_queue()
        queue = _edits["queue"]
        if not queue:  # no signed-in fan here has anything to edit
            gevent.sleep(1)
            return
        when, order, fan = heapq.heappop(queue)
        limit, window = CONFIG["edit_limit"]
        heapq.heappush(queue, (when + window / limit, order, fan))
        gevent.sleep(max(0.0, when - time.time()))
        path, data = _edit_form(fan)
        with fan["session"].post(
            path,
            data=urlencode(data, doseq=True),  # a theory's characters are several values
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": fan["csrf"],
                "Referer": f"{self.host}{path}",
            },
            name=EDITS,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            _expect(response, status=302)


class MixedVisitor(FastHttpUser):
    """For the plain locust CLI only: every page in one mixed load."""

    abstract = not CONFIG
    wait_time = constant(0)

    @task
    def browse(self):
        page = _pages()[READ_ONLY]
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
    env = Environment(user_classes=[*pages.values(), Writer], host=host, events=events)
    runner = env.create_local_runner()

    started = time.monotonic()

    def sign_in(username: str, sessions: list) -> None:
        for attempt in range(3):  # a busy machine may time a login out: try again
            try:
                sessions.append(log_in(host, username, CONFIG["password"], events.request))
                return
            except RuntimeError:
                if attempt == 2:
                    raise

    logins = gevent.pool.Pool(4)
    for username in CONFIG["login_as"]:
        logins.spawn(sign_in, username, VOTE_SESSIONS)
    for username in CONFIG["read_as"]:
        logins.spawn(sign_in, username, READER_SESSIONS)
    logins.join(raise_error=True)
    CONFIG["deep_path"] = find_deep_path(host, events.request)
    print(json.dumps({"ready": True, "login_seconds": round(time.monotonic() - started, 1)}))
    sys.stdout.flush()
    t0 = float(sys.stdin.readline())

    results = {"phases": {}, "login_seconds": round(time.monotonic() - started, 1)}
    for phase in CONFIG["schedule"]:
        name = phase["name"]
        classes = [pages[name], Writer] if name == WHILE_WRITING else [pages[name]]
        count = users + (WRITERS if name == WHILE_WRITING else 0)
        gevent.sleep(max(0.0, t0 + phase["start"] - time.time()))
        _readers["next"] = 0  # each fan reader of this phase gets a session of its own
        runner.start(count, spawn_rate=min(100, count * 4), user_classes=classes)
        gevent.sleep(max(0.0, t0 + phase["record_from"] - time.time()))
        _stats["recording"] = {name, EDITS} if name == WHILE_WRITING else {name}
        gevent.sleep(max(0.0, t0 + phase["record_to"] - time.time()))
        recorded, _stats["recording"] = _stats["recording"], set()
        runner.stop()
        for each in sorted(recorded):
            entry = _stats["by_phase"][each]
            results["phases"][each] = {"times": entry["times"], "errors": dict(entry["errors"])}
    results["vote_waits"] = _stats.get("vote_waits", 0)
    runner.quit()
    with open(out_path, "w") as out:
        json.dump(results, out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
