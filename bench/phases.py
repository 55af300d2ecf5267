"""The load: one locust phase per page, and what each phase costs in CPU.

Phases run on a shared schedule across the load generator processes (bench/locustfile.py):
/healthz first as the baseline of the same run, then each page as read by visitors and
by signed-in fans ("fan: home"), then visitors on a mix of pages (read only, then while
signed-in fans edit their own comments and theories at their rate limit), then
signed-in fans vote.
Each phase warms up unrecorded, then records `duration` seconds, while this process
counts the CPU seconds of the server, the load generators and the database.
"""

import argparse
import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil  # installed with locust
from common import BENCH, DATA, PY, ROOT, log
from server import cpu_seconds, database_processes, process_tree, stop

PAGES = [
    "home",
    "season guide",
    "theories hot",
    "theories top",
    "theories new",
    "theories filtered",
    "theories deep",
    "theory page",
    "profile",
    "search",
    "prediction page",
    "leaderboard",
    # The read API (guide.api): the same answer for everyone, so visitors only. "Cached":
    # a few addresses, as a tool polling the popular theories asks them; "uncached":
    # addresses that (almost) never repeat, so each is made afresh.
    "api list",
    "api detail",
    "api list uncached",
    "api detail uncached",
]
# What no signed-in fan reads differently: no fan phase for it.
VISITORS_ONLY = {"api list", "api detail", "api list uncached", "api detail uncached"}
# The same visitors' mix, read only and then while fans write (bench/locustfile.py).
MIXED = ["visitors", "visitors, fans writing"]
# Pages stay cached 30 s (core.pagecache). The mixed phases warm up at least that long,
# so that both are recorded with the cache in the same steady state rather than the
# second one inheriting what the first one filled; so do the pages picked by popularity
# (hundreds of theories and profiles), recorded as a running site serves them rather
# than with every page cold.
STEADY_WARMUP = 30.0
POPULAR = ["theory page", "profile", "prediction page"]
# Who reads each page: visitors (not signed in) and signed-in fans, whose phase is named
# with FAN before the page (bench/locustfile.py).
READERS = ["visitors", "fans"]
FAN = "fan: "


def page_phases(pages: list[str], readers: list[str]) -> list[str]:
    """Each page read by each kind of reader, a page's visitors and fans side by side."""
    prefixes = {"visitors": "", "fans": FAN}
    return [
        prefixes[kind] + page
        for page in pages
        for kind in READERS
        if kind in readers and not (kind == "fans" and page in VISITORS_ONLY)
    ]


@dataclass
class Load:
    """What the phases measured."""

    merged: dict  # phase name: {"times": [ms, ...], "errors": {kind: count}}
    cpu: dict  # phase name: cores used by each party while it was recorded
    vote_waits: int  # how often voters waited for the rate-limit window


def schedule(pages: list[str], warmup: float, duration: float) -> list[dict]:
    """Seconds from the shared start: when each phase starts, and when it is recorded."""
    phases, start = [], 0.0
    for name in pages:
        steady = name in MIXED or name.removeprefix(FAN) in POPULAR
        warm = max(warmup, STEADY_WARMUP) if steady else warmup
        phases.append(
            {
                "name": name,
                "start": start,
                "record_from": start + warm,
                "record_to": start + warm + duration,
            }
        )
        start += warm + duration + 0.5
    return phases


def start_load_generator(index: int, config: dict) -> tuple[subprocess.Popen, Path]:
    config_path = DATA / f"loadgen-{index}.json"
    config_path.write_text(json.dumps(config))
    out = DATA / f"loadgen-{index}.out.json"
    process = subprocess.Popen(  # noqa: S603
        [PY, str(BENCH / "locustfile.py"), str(config_path), str(out)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, out


def wait_until_signed_in(loadgens: list[subprocess.Popen]) -> None:
    for loadgen in loadgens:
        line = loadgen.stdout.readline()
        if not line or not json.loads(line).get("ready"):
            raise RuntimeError("a load generator failed to start; see its output above")


def start_together(loadgens: list[subprocess.Popen]) -> float:
    """Tell every load generator the same start time (epoch seconds), just ahead."""
    t0 = time.time() + 0.5
    for loadgen in loadgens:
        loadgen.stdin.write(f"{t0}\n")
        loadgen.stdin.flush()
    return t0


def phase_cpu(
    until: float,
    server: list[psutil.Process],
    loadgens: list[psutil.Process],
    database_url: str | None,
    duration: float,
) -> dict:
    """Cores each party used from now until `until` (the recorded part of one phase)."""
    db_before = {p: cpu_seconds([p]) for p in database_processes(database_url)}
    server_before = cpu_seconds(server)
    loadgens_before = [cpu_seconds([p]) for p in loadgens]
    psutil.cpu_percent()  # starts the machine-wide interval
    began = time.monotonic()
    time.sleep(max(0.0, until - time.time()))
    window = time.monotonic() - began  # the recorded part as measured here, near `duration`
    machine = psutil.cpu_percent() / 100 * (os.cpu_count() or 1)
    server_cores = (cpu_seconds(server) - server_before) / window
    each = [
        (cpu_seconds([p]) - before) / window
        for p, before in zip(loadgens, loadgens_before, strict=True)
    ]
    # Backends that connected meanwhile count whole; the CPU of those that ended is lost.
    db_after = database_processes(database_url)
    db_cores = sum(cpu_seconds([p]) - db_before.get(p, 0.0) for p in db_after) / window
    return {
        # Unrounded, for the CPU per request: cores × duration ÷ requests (report.py).
        "server_cores_exact": server_cores,
        "db_cores_exact": db_cores,
        "server_cores": round(server_cores, 2),
        "loadgen_cores": round(sum(each), 2),
        "loadgen_busiest_core": round(max(each), 2),
        "db_cores": round(db_cores, 2),
        "machine_cores": round(machine, 2),
        # Whatever else ran on the machine: other processes make the phase untrustworthy.
        "other_cores": round(max(0.0, machine - sum(each) - db_cores - server_cores), 2),
    }


def measure_cpu(
    phases: list[dict],
    t0: float,
    server: subprocess.Popen,
    loadgens: list[subprocess.Popen],
    database_url: str | None,
    duration: float,
) -> dict:
    server_procs = process_tree(server.pid)
    loadgen_procs = [psutil.Process(loadgen.pid) for loadgen in loadgens]
    cpu = {}
    for phase in phases:
        time.sleep(max(0.0, t0 + phase["record_from"] - time.time()))
        cpu[phase["name"]] = phase_cpu(
            t0 + phase["record_to"], server_procs, loadgen_procs, database_url, duration
        )
    return cpu


def merge(outs: list[Path]) -> tuple[dict, int]:
    """The response times and errors of every load generator, by phase; the vote waits."""
    merged: dict = {}
    vote_waits = 0
    for out in outs:
        result = json.loads(out.read_text())
        vote_waits += result.get("vote_waits", 0)
        for name, phase in result["phases"].items():
            entry = merged.setdefault(name, {"times": [], "errors": {}})
            entry["times"] += phase["times"]
            for kind, count in phase["errors"].items():
                entry["errors"][kind] = entry["errors"].get(kind, 0) + count
    return merged, vote_waits


def reading_fans(watchers: list[str], users: int) -> list[str]:
    """One fan with a watch level set for each simulated user, spread over all of them."""
    if len(watchers) < users:
        raise RuntimeError(f"only {len(watchers)} fans have a watch level: use fewer --users")
    return [watchers[i * len(watchers) // users] for i in range(users)]


def run(
    args: argparse.Namespace,
    info: dict,
    host: str,
    server: subprocess.Popen,
    database_url: str | None,
) -> Load:
    """Every phase against the running server; args is bench/run.py's command line.
    database_url: the PostgreSQL bench database, whose backends' CPU is counted."""
    chosen = args.pages.split(",") if args.pages else PAGES
    pages = ["/healthz", *page_phases(chosen, args.readers.split(",")), *MIXED, "vote"]
    phases = schedule(pages, args.warmup, args.duration)
    fans = info["fans"][-args.vote_fans :]
    readers = reading_fans(info["watchers"], args.users)
    procs = max(1, args.processes)
    loadgens: list[subprocess.Popen] = []
    outs: list[Path] = []
    try:
        for index in range(procs):
            config = {
                **info,
                "host": host,
                "users": max(1, args.users // procs + (index < args.users % procs)),
                "schedule": phases,
                "login_as": fans[index::procs],
                "read_as": readers[index::procs],  # as many as this process has users
            }
            loadgen, out = start_load_generator(index, config)
            loadgens.append(loadgen)
            outs.append(out)
        log(f"signing in {len(fans) + len(readers)} fans through the login form…")
        wait_until_signed_in(loadgens)
        t0 = start_together(loadgens)
        log(
            f"{len(pages)} phases × {args.duration:g}s (+{args.warmup:g}s warm-up, "
            f"{max(args.warmup, STEADY_WARMUP):g}s for the mixes and popular pages), "
            f"{args.users} users, {procs} load generator process(es)"
        )
        cpu = measure_cpu(phases, t0, server, loadgens, database_url, args.duration)
        for loadgen in loadgens:
            loadgen.wait(timeout=60)
            if loadgen.returncode:
                raise RuntimeError("a load generator failed; see its output above")
    finally:
        for loadgen in loadgens:
            stop(loadgen, timeout=2)
    merged, vote_waits = merge(outs)
    return Load(merged=merged, cpu=cpu, vote_waits=vote_waits)
