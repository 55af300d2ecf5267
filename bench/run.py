"""`make bench`: load-test the production configuration on a large generated dataset.

1. A separate bench database (never the developer's own): a SQLite file in bench/data/,
   or, when DATABASE_URL names PostgreSQL, `<name>_bench` beside it. The generated data
   is kept as a template (`bench/data/template.sqlite3`, or the `<name>_bench_template`
   database) and reused while the generator, the migrations and the demo are unchanged;
   every run starts from a fresh copy, so the votes of the last run are gone.
2. gunicorn with the production settings (DEBUG off, secure __Host- cookies, HSTS,
   SSL redirect) over TLS with a throwaway self-signed certificate.
3. locust's fast HTTP client, headless, in one or more processes: one phase per page at
   the same concurrency, /healthz first as the baseline of the same run; signed-in fans
   vote last. The generator's own CPU share is measured and a warning printed when it
   saturates a core.
4. Exact counts are checked afterwards; the table goes to stdout and to
   bench/results/<time>-<database>.json and .md.

Options: `make bench BENCH_ARGS="--users 8 --duration 10 --cache redis"`; see --help.
"""

import argparse
import contextlib
import hashlib
import json
import os
import secrets
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil  # installed with locust

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
RESULTS = BENCH / "results"
PY = sys.executable
PAGES = [
    "home",
    "season guide",
    "theories hot",
    "theories top",
    "theories new",
    "theories filtered",
    "theory page",
    "profile",
    "search",
]
TARGET_RATIO, TARGET_P95_MS, TARGET_VOTES = 0.35, 100.0, 200.0
REDIS_URL = "redis://127.0.0.1:6379/15"
DB_CACHE_URL = "dbcache://django_cache?max_entries=5000"


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


# Inputs of the generated dataset: when one changes, the cached template is rebuilt.
DATASET_INPUTS = [
    "bench/generate.py",
    "guide/demo",
    "guide/ranking.py",
    "guide/markdown.py",
    "guide/management/commands/load_demo.py",
    "guide/migrations",
    "accounts/migrations",
]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


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
    parser.add_argument("--pages", default="", help="comma-separated subset of the pages")
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached dataset")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args()


# The bench database ---------------------------------------------------------------------


def dataset_key() -> str:
    digest = hashlib.sha256()
    for name in DATASET_INPUTS:
        path = ROOT / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


class SQLiteBench:
    vendor = "sqlite"

    def __init__(self) -> None:
        self.template = DATA / "template.sqlite3"
        self.working = DATA / "bench.sqlite3"
        self.key_file = DATA / "template.json"

    @staticmethod
    def url(path: Path) -> str:
        return f"sqlite:///{path}"

    def cached_key(self) -> str | None:
        if not self.template.exists() or not self.key_file.exists():
            return None
        return json.loads(self.key_file.read_text()).get("key")

    def reset_template(self) -> str:
        self.key_file.unlink(missing_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.template}{suffix}").unlink(missing_ok=True)
        return self.url(self.template)

    def seal_template(self, key: str) -> None:
        with contextlib.closing(sqlite3.connect(self.template)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.key_file.write_text(json.dumps({"key": key}))

    def fresh_copy(self) -> str:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.working}{suffix}").unlink(missing_ok=True)
        with (
            contextlib.closing(sqlite3.connect(self.template)) as source,
            contextlib.closing(sqlite3.connect(self.working)) as target,
        ):
            source.backup(target)
        return self.url(self.working)


class PostgresBench:
    vendor = "postgresql"

    def __init__(self, url: str) -> None:
        import psycopg

        self.psycopg = psycopg
        self.admin_url = url
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "postgres"
        self.parts = parts
        self.working = f"{name}_bench"
        self.template = f"{name}_bench_template"

    def url(self, database: str) -> str:
        return urlunsplit(self.parts._replace(path=f"/{database}"))

    def _admin(self):
        return self.psycopg.connect(self.admin_url, autocommit=True)

    def cached_key(self) -> str | None:
        with self._admin() as db:
            row = db.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [self.template],
            ).fetchone()
        return row[0] if row else None

    def _recreate(self, name: str, template: str | None = None) -> None:
        ident = self.psycopg.sql.Identifier
        sql = self.psycopg.sql.SQL
        with self._admin() as db:
            db.execute(sql("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident(name)))
            if template:
                db.execute(
                    sql("CREATE DATABASE {} TEMPLATE {}").format(ident(name), ident(template))
                )
            else:
                db.execute(sql("CREATE DATABASE {}").format(ident(name)))

    def reset_template(self) -> str:
        self._recreate(self.template)
        return self.url(self.template)

    def seal_template(self, key: str) -> None:
        sql = self.psycopg.sql
        with self._admin() as db:
            db.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(self.template), sql.Literal(key)
                )
            )

    def fresh_copy(self) -> str:
        self._recreate(self.working, template=self.template)
        return self.url(self.working)


def choose_database():
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme
    if scheme.startswith("postgres") or scheme in ("pgsql", "psql"):
        return PostgresBench(url)
    if url and not scheme.startswith("sqlite"):
        sys.exit(f"bench: DATABASE_URL must be SQLite or PostgreSQL, not {scheme}")
    return SQLiteBench()


# Processes ----------------------------------------------------------------------------------


def django(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(  # noqa: S603
        [PY, *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603
        [  # noqa: S607
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return cert, key


def insecure_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # our own throwaway certificate
    return context


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited; see bench/data/gunicorn.log")
        try:
            with urllib.request.urlopen(url, context=insecure_context(), timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def stop(process: subprocess.Popen | None, timeout: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def check_static(host: str, css_path: str) -> dict:
    found = {"path": css_path}
    for encoding in ("br", "gzip"):
        request = urllib.request.Request(  # noqa: S310 - https to our own server
            host + css_path, headers={"Accept-Encoding": encoding}
        )
        with urllib.request.urlopen(request, context=insecure_context()) as response:  # noqa: S310
            found[encoding] = {
                "status": response.status,
                "content_encoding": response.headers.get("Content-Encoding"),
                "cache_control": response.headers.get("Cache-Control"),
                "bytes": len(response.read()),
            }
    return found


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


# Report -------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summarise(merged: dict, cpu: dict, duration: float, vendor: str) -> list[dict]:
    rows = []
    baseline = None
    for name, phase in merged.items():
        times, errors = phase["times"], sum(phase["errors"].values())
        rps = (len(times) - errors) / duration
        if name == "/healthz":
            baseline = rps
        rows.append(
            {
                "page": name,
                "requests": len(times),
                "rps": round(rps, 1),
                "p50_ms": round(percentile(times, 0.50), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "errors": errors,
                "error_kinds": phase["errors"],
                "ratio": None,
                **cpu.get(name, {}),
            }
        )
    for row in rows:
        row["ratio"] = round(row["rps"] / baseline, 3) if baseline else None
        if row["rps"] and "server_cores" in row:
            row["server_ms_per_request"] = round(1000 * row["server_cores"] / row["rps"], 2)
        misses = []
        if row["errors"]:
            misses.append("errors")
        if row["page"] != "/healthz":
            if row["p95_ms"] >= TARGET_P95_MS:
                misses.append("p95")
            if row["page"] == "vote":
                if vendor == "postgresql" and row["rps"] < TARGET_VOTES:
                    misses.append("votes/s")
            elif row["ratio"] is not None and row["ratio"] < TARGET_RATIO:
                misses.append("ratio")
        row["misses"] = misses
    return rows


def table(rows: list[dict]) -> str:
    head = (
        "| page | requests | req/s | p50 ms | p95 ms | errors | × /healthz | "
        "server CPU ms/req | server cores | db cores | loadgen cores | others' cores | targets |"
    )
    lines = [head, "|" + "---|" * 13]
    for row in rows:
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "—"
        lines.append(
            f"| {row['page']} | {row['requests']} | {row['rps']:.1f} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {row['errors']} | {ratio} | "
            f"{row.get('server_ms_per_request', 0):.2f} | "
            f"{row.get('server_cores', 0):.2f} | {row.get('db_cores', 0):.2f} | "
            f"{row.get('loadgen_cores', 0):.2f} | "
            f"{row.get('other_cores', 0):.2f} | "
            f"{'ok' if not row['misses'] else 'MISS: ' + ', '.join(row['misses'])} |"
        )
    return "\n".join(lines)


# The run ------------------------------------------------------------------------------------


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    DATA.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    database = choose_database()
    if args.cache == "auto":
        args.cache = "redis" if redis_answers() else "db"
    cache_url = {"db": DB_CACHE_URL, "redis": REDIS_URL}.get(args.cache, args.cache)
    static_root = DATA / "static"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_PROXY_SSL_HEADER": "false",
        "CACHE_URL": cache_url,
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
    }
    if database.vendor == "postgresql":
        env["DATABASE_POOL"] = "true" if args.pool else "false"

    # 1. The dataset: from the cached template, or generated anew.
    key = dataset_key()
    if args.fresh or database.cached_key() != key:
        log("generating the dataset (cached for later runs)…")
        template_env = {**env, "DATABASE_URL": database.reset_template()}
        django(template_env, "manage.py", "migrate", "--no-input", "--verbosity", "0")
        django(template_env, "manage.py", "createcachetable")
        django(template_env, "manage.py", "load_demo")
        made = json.loads(django(template_env, "bench/generate.py", "generate", capture=True))
        log(f"generated {made} ")
        database.seal_template(key)
    else:
        log(f"reusing the cached dataset ({key})")
    env["DATABASE_URL"] = database.fresh_copy()
    # The template may have been made while the cache was Redis: the table is cheap to ensure.
    django(env, "manage.py", "createcachetable")
    if args.cache == "redis":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    log(f"bench database: {database.vendor}, fresh copy; cache: {cache_url}")

    django(env, "manage.py", "collectstatic", "--no-input", "--verbosity", "0")
    info = json.loads(django(env, "bench/generate.py", "discover", capture=True))

    server = None
    loadgens: list[subprocess.Popen] = []
    previous_term = signal.signal(signal.SIGTERM, interrupted)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-tls-") as tls:
            cert, keyfile = make_certificate(Path(tls))
            port = free_port()
            host = f"https://127.0.0.1:{port}"
            command = [
                PY,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                args.worker_class,
                "--threads",
                str(args.threads),
                "--certfile",
                str(cert),
                "--keyfile",
                str(keyfile),
                "--keep-alive",
                "10",
                "--graceful-timeout",
                "5",
                "--error-logfile",
                str(DATA / "gunicorn.log"),
            ]
            server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
            wait_until_up(f"{host}/healthz", server)
            log(
                f"gunicorn up at {host}: {args.workers} {args.worker_class} workers"
                + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
            )
            static = check_static(host, info["css_path"])

            # 2. The load: phases on a shared schedule across the generator processes.
            pages = ["/healthz", *(args.pages.split(",") if args.pages else PAGES), "vote"]
            step = args.warmup + args.duration + 0.5
            schedule = [
                {
                    "name": name,
                    "start": i * step,
                    "record_from": i * step + args.warmup,
                    "record_to": i * step + args.warmup + args.duration,
                }
                for i, name in enumerate(pages)
            ]
            fans = info["fans"][-args.vote_fans :]
            procs = max(1, args.processes)
            outs = []
            for index in range(procs):
                config = {
                    **info,
                    "host": host,
                    "users": max(1, args.users // procs + (index < args.users % procs)),
                    "schedule": schedule,
                    "login_as": fans[index::procs],
                }
                config_path = DATA / f"loadgen-{index}.json"
                config_path.write_text(json.dumps(config))
                outs.append(DATA / f"loadgen-{index}.out.json")
                loadgens.append(
                    subprocess.Popen(  # noqa: S603
                        [PY, str(BENCH / "locustfile.py"), str(config_path), str(outs[-1])],
                        cwd=ROOT,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        text=True,
                    )
                )
            log(f"signing in {len(fans)} fans through the login form…")
            for loadgen in loadgens:
                line = loadgen.stdout.readline()
                if not line or not json.loads(line).get("ready"):
                    raise RuntimeError("a load generator failed to start; see its output above")
            t0 = time.time() + 0.5
            for loadgen in loadgens:
                loadgen.stdin.write(f"{t0}\n")
                loadgen.stdin.flush()
            log(
                f"{len(pages)} phases × {args.duration:g}s (+{args.warmup:g}s warm-up), "
                f"{args.users} users, {procs} load generator process(es)"
            )

            server_procs = [psutil.Process(server.pid)]
            server_procs += server_procs[0].children(recursive=True)
            gen_procs = [psutil.Process(loadgen.pid) for loadgen in loadgens]
            cpu = {}
            for phase in schedule:
                time.sleep(max(0.0, t0 + phase["record_from"] - time.time()))
                # The database server's own processes (PostgreSQL), counted apart.
                db_procs = (
                    [p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"]
                    if database.vendor == "postgresql"
                    else []
                )
                db_before = cpu_seconds(db_procs)
                before = (cpu_seconds(server_procs), [cpu_seconds([p]) for p in gen_procs])
                psutil.cpu_percent()
                time.sleep(max(0.0, t0 + phase["record_to"] - time.time()))
                machine = psutil.cpu_percent() / 100 * (os.cpu_count() or 1)
                after = (cpu_seconds(server_procs), [cpu_seconds([p]) for p in gen_procs])
                db_cores = (cpu_seconds(db_procs) - db_before) / args.duration
                each = [(b - a) / args.duration for a, b in zip(before[1], after[1], strict=True)]
                cpu[phase["name"]] = {
                    "server_cores": round((after[0] - before[0]) / args.duration, 2),
                    "loadgen_cores": round(sum(each), 2),
                    "loadgen_busiest_core": round(max(each), 2),
                    "db_cores": round(db_cores, 2),
                    "machine_cores": round(machine, 2),
                    "other_cores": round(
                        max(
                            0.0,
                            machine - sum(each) - db_cores - (after[0] - before[0]) / args.duration,
                        ),
                        2,
                    ),
                }
            for loadgen in loadgens:
                loadgen.wait(timeout=60)
                if loadgen.returncode:
                    raise RuntimeError("a load generator failed; see its output above")
            stop(server)
            server = None
    finally:
        for loadgen in loadgens:
            stop(loadgen, timeout=2)
        stop(server)
        signal.signal(signal.SIGTERM, previous_term)

    # 3. Merge, verify, report.
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
    rows = summarise(merged, cpu, args.duration, database.vendor)
    counts = json.loads(django(env, "bench/generate.py", "verify", capture=True))

    warnings = []
    for row in rows:
        if row.get("loadgen_busiest_core", 0) > 0.9:
            warnings.append(
                f"load generator saturated a core during '{row['page']}' "
                f"({row['loadgen_busiest_core']:.2f}): try --processes 2"
            )
    busy = [row["page"] for row in rows if row.get("other_cores", 0) > 0.25]
    if busy:
        warnings.append(
            "other processes on this machine used CPU during "
            + ", ".join(busy)
            + ": throughput and latency there are not trustworthy (server CPU ms/req still is)"
        )
    if vote_waits:
        warnings.append(f"voters waited {vote_waits}× for the rate-limit window: raise --vote-fans")
    if counts["count_mismatches"] or counts["rank_mismatches"]:
        warnings.append(f"vote counts are NOT exact after the run: {counts}")
    if static["br"]["content_encoding"] != "br" or static["gzip"]["content_encoding"] != "gzip":
        warnings.append(f"static files are not served compressed: {static}")
    if "immutable" not in (static["br"]["cache_control"] or ""):
        warnings.append(f"static files lack far-future cache headers: {static}")

    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    setup = {
        "database": database.vendor,
        "cache": cache_url.split("://")[0],
        "gunicorn": f"{args.workers} {args.worker_class} workers"
        + (f" × {args.threads} threads" if args.worker_class == "gthread" else ""),
        "users": args.users,
        "duration_s": args.duration,
        "load_generator_processes": max(1, args.processes),
        "cores": os.cpu_count(),
        "pool": args.pool,
    }
    report = {
        "when": stamp,
        "setup": setup,
        "pages": rows,
        "votes_per_second": next((r["rps"] for r in rows if r["page"] == "vote"), None),
        "counts_after": counts,
        "static": static,
        "warnings": warnings,
        "seconds": round(time.monotonic() - started, 1),
    }
    md = "\n".join(
        [
            f"# Bench {stamp} — {database.vendor}",
            "",
            ", ".join(f"{k}: {v}" for k, v in setup.items()),
            "",
            table(rows),
            "",
            f"Votes/s: {report['votes_per_second']}. Counts after the run: "
            f"{counts['count_mismatches']} count and {counts['rank_mismatches']} rank mismatches "
            f"over {counts['theories']} theories and {counts['votes']} votes.",
            f"Static {static['path']}: br → {static['br']['content_encoding']}, gzip → "
            f"{static['gzip']['content_encoding']}; Cache-Control: {static['br']['cache_control']}",
            "",
            *(f"WARNING: {w}" for w in warnings),
        ]
    )
    (RESULTS / f"{stamp}-{database.vendor}.json").write_text(json.dumps(report, indent=2))
    (RESULTS / f"{stamp}-{database.vendor}.md").write_text(md + "\n")
    print()
    print(md)
    print(
        f"\nWritten to bench/results/{stamp}-{database.vendor}.md and .json "
        f"({report['seconds']:.0f} s in all)"
    )
    missed = any(row["misses"] for row in rows) or warnings
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
