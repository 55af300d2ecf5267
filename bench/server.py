"""The site under test: gunicorn with the production settings over TLS, and its CPU time.

Production settings: DEBUG off, secure __Host- cookies, HSTS and the HTTPS redirect, so
the server speaks TLS itself with a throwaway self-signed certificate.
"""

import contextlib
import os
import secrets
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil  # installed with locust
from common import DATA, PY, ROOT, log

REDIS_URL = "redis://127.0.0.1:6379/15"
DB_CACHE_URL = "dbcache://django_cache?max_entries=5000"
CACHE_URLS = {"db": DB_CACHE_URL, "redis": REDIS_URL}


# Settings -------------------------------------------------------------------------------


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def resolve_cache(choice: str) -> str:
    """--cache 'auto' is Redis, as in production, when it answers; else the database."""
    if choice == "auto":
        return "redis" if redis_answers() else "db"
    return choice


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def production_env(*, cache_url: str, vendor: str, pool: bool) -> dict:
    """The environment of every process of the run: the production settings, on one cache."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://127.0.0.1",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_PROXY_SSL_HEADER": "false",
        "CACHE_URL": cache_url,
        "STATIC_ROOT": str(DATA / "static"),
        "LOG_LEVEL": "WARNING",
        # The load generators are one address: the read API's limit must not be theirs.
        "API_RATE_LIMIT": "100000000",
    }
    if vendor == "postgresql":
        env["DATABASE_POOL"] = "true" if pool else "false"
    return env


def describe_workers(workers: int, worker_class: str, threads: int) -> str:
    threads_each = f" × {threads} threads" if worker_class == "gthread" else ""
    return f"{workers} {worker_class} workers{threads_each}"


# gunicorn over TLS ------------------------------------------------------------------------


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


def gunicorn_command(
    port: int, cert: Path, key: Path, *, workers: int, worker_class: str, threads: int
) -> list[str]:
    return [
        PY,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--certfile",
        str(cert),
        "--keyfile",
        str(key),
        "--keep-alive",
        "10",
        "--graceful-timeout",
        "5",
        "--error-logfile",
        str(DATA / "gunicorn.log"),
    ]


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


@contextlib.contextmanager
def gunicorn(
    env: dict, *, workers: int, worker_class: str, threads: int
) -> Iterator[tuple[str, subprocess.Popen]]:
    """The site served over TLS while the block runs: (its https:// address, the master)."""
    with tempfile.TemporaryDirectory(prefix="bench-tls-") as tls:
        cert, key = make_certificate(Path(tls))
        port = free_port()
        host = f"https://127.0.0.1:{port}"
        command = gunicorn_command(
            port, cert, key, workers=workers, worker_class=worker_class, threads=threads
        )
        server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
        try:
            wait_until_up(f"{host}/healthz", server)
            log(f"gunicorn up at {host}: {describe_workers(workers, worker_class, threads)}")
            yield host, server
        finally:
            stop(server)


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


# CPU accounting ---------------------------------------------------------------------------


def process_tree(pid: int) -> list[psutil.Process]:
    """A process and its children as they are now (gunicorn's master and its workers)."""
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def database_processes(url: str | None) -> list[psutil.Process]:
    """The PostgreSQL backends serving the bench database (none for SQLite, which works
    inside the site's processes), counted apart from the site. Only this database's: the
    server may serve others at the same time."""
    if url is None:
        return []
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        pids = db.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    found = []
    for (pid,) in pids:
        with contextlib.suppress(psutil.Error):
            found.append(psutil.Process(pid))
    return found


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total
