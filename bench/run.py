"""`make bench`: load-test the production configuration on a large generated dataset.

1. A separate bench database (never the developer's own): a SQLite file in bench/data/,
   or, when DATABASE_URL names PostgreSQL, `<name>_bench` beside it. The generated data
   is kept as a template (`bench/data/template.sqlite3`, or the `<name>_bench_template`
   database) and reused while the generator, the migrations and the demo are unchanged;
   every run starts from a fresh copy, so the votes of the last run are gone.
2. gunicorn with the production settings (DEBUG off, secure __Host- cookies, HSTS,
   SSL redirect) over TLS with a throwaway self-signed certificate.
3. locust's fast HTTP client, headless, in one or more processes: one phase per page at
   the same concurrency, read by visitors and again by signed-in fans ("fan: home"),
   /healthz first as the baseline of the same run; then visitors
   on a mix of pages, read only and then while the signed-in fans edit their own
   comments and theories at their rate limit; signed-in fans vote last. The generator's
   own CPU share is measured and a warning printed when it saturates a core.
4. Exact counts are checked afterwards; the table, with the server's CPU milliseconds per
   request in each phase, goes to stdout and to bench/results/<time>-<database>.json and .md.

Options: `make bench BENCH_ARGS="--users 8 --duration 10 --cache redis"`; see --help.
`--scale 10` runs on ten times the data (kept apart from 1×); `--readers fans` and
`--pages home,search` narrow the page phases.

This file runs the steps in order; beside it, dataset.py makes the bench database,
server.py runs gunicorn and counts CPU, phases.py drives the load and report.py writes
the results. generate.py makes the data and checks it; locustfile.py is the load.
"""

import argparse
import json
import os
import signal
import sys
import time

import dataset
import phases
import report
import server
from common import DATA, RESULTS, log, run_python


def parse_args() -> argparse.Namespace:
    cores = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=8, help="concurrent users per phase")
    parser.add_argument("--duration", type=float, default=10, help="recorded seconds a phase")
    parser.add_argument("--warmup", type=float, default=2, help="unrecorded seconds a phase")
    parser.add_argument("--processes", type=int, default=1, help="load generator processes")
    parser.add_argument("--workers", type=int, default=cores + 1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument(
        "--cache",
        default="auto",
        help="'auto' (default: Redis, as in production, when it answers; else 'db'), "
        "'db', 'redis' (db 15, flushed) or a CACHE_URL",
    )
    parser.add_argument("--pool", action="store_true", help="PostgreSQL: DATABASE_POOL=true")
    parser.add_argument("--vote-fans", type=int, default=48, help="fans signed in to vote")
    parser.add_argument(
        "--pages",
        type=choices(phases.PAGES),
        default=",".join(phases.PAGES),
        help="comma-separated subset of the pages (default all): " + ", ".join(phases.PAGES),
    )
    parser.add_argument(
        "--readers",
        type=choices(phases.READERS),
        default=",".join(phases.READERS),
        help="who reads each page: 'visitors' (not signed in), 'fans' (signed in), or both "
        "(default: visitors,fans)",
    )
    parser.add_argument(
        "--scale",
        type=positive,
        default=1,
        help="dataset size: N× the fans, theories, votes and comments (default 1)",
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached dataset")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args()


def choices(allowed: list[str]):
    """An argparse type: a comma-separated subset of `allowed`, kept in their order."""

    def parse(value: str) -> str:
        chosen = {name.strip() for name in value.split(",") if name.strip()}
        unknown = chosen - set(allowed)
        if unknown or not chosen:
            raise argparse.ArgumentTypeError(
                f"{', '.join(sorted(unknown)) or 'nothing'}: choose from {', '.join(allowed)}"
            )
        return ",".join(name for name in allowed if name in chosen)

    return parse


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value}: a whole number, 1 or more")
    return int(value)


def interrupted(signum, frame):
    raise KeyboardInterrupt


def serve_and_load(
    args: argparse.Namespace, env: dict, info: dict, vendor: str
) -> tuple[dict, phases.Load]:
    """Start gunicorn, check its static files, run every phase, stop everything."""
    # SIGTERM as Ctrl-C, so that the server and the load generators are stopped either way.
    previous_term = signal.signal(signal.SIGTERM, interrupted)
    try:
        with server.gunicorn(
            env, workers=args.workers, worker_class=args.worker_class, threads=args.threads
        ) as (host, process):
            static = server.check_static(host, info["css_path"])
            database_url = env["DATABASE_URL"] if vendor == "postgresql" else None
            load = phases.run(args, info, host, process, database_url)
    finally:
        signal.signal(signal.SIGTERM, previous_term)
    return static, load


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    DATA.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    database = dataset.choose_database(args.scale)
    cache = server.resolve_cache(args.cache)
    cache_url = server.CACHE_URLS.get(cache, cache)
    env = server.production_env(cache_url=cache_url, vendor=database.vendor, pool=args.pool)

    # 1. The dataset: a fresh copy of the cached template, generated anew when out of date.
    env["DATABASE_URL"] = dataset.fresh_database(
        database, env, scale=args.scale, regenerate=args.fresh
    )
    # The template may have been made while the cache was Redis: the table is cheap to ensure.
    run_python(env, "manage.py", "createcachetable")
    if cache == "redis":
        server.flush_redis()
    log(f"bench database: {database.vendor}, fresh copy; cache: {cache_url}")
    run_python(env, "manage.py", "collectstatic", "--no-input", "--verbosity", "0")
    info = json.loads(run_python(env, "bench/generate.py", "discover", capture=True))

    # 2. The load: phases on a shared schedule across the generator processes.
    static, load = serve_and_load(args, env, info, database.vendor)

    # 3. Summarise, verify, report.
    rows = report.summarise(load.merged, load.cpu, args.duration, database.vendor)
    counts = json.loads(run_python(env, "bench/generate.py", "verify", capture=True))
    warnings = report.find_warnings(rows, counts, static, load.vote_waits)
    setup = {
        "database": database.vendor,
        "scale": args.scale,
        "cache": cache_url.split("://")[0],
        "gunicorn": server.describe_workers(args.workers, args.worker_class, args.threads),
        "users": args.users,
        "readers": args.readers,
        "duration_s": args.duration,
        "load_generator_processes": max(1, args.processes),
        "cores": os.cpu_count(),
        "pool": args.pool,
    }
    report.write(
        vendor=database.vendor,
        setup=setup,
        rows=rows,
        counts=counts,
        static=static,
        warnings=warnings,
        seconds=round(time.monotonic() - started, 1),
    )
    missed = any(row["misses"] for row in rows) or warnings
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
