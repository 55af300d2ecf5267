"""The bench database: never the developer's own, and a fresh copy of the dataset every run.

SQLite: the template bench/data/template.sqlite3 is copied to bench/data/bench.sqlite3.
PostgreSQL (DATABASE_URL): `<name>_bench_template` is copied to `<name>_bench`. The
template holds the generated data and is only rebuilt when its inputs change.

Each --scale keeps its own template (`template-x10.sqlite3`, `<name>_bench_template_x10`;
scale 1 has no suffix), so that switching between 1× and 10× regenerates nothing.
"""

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common import DATA, ROOT, log, run_python

# Inputs of the generated dataset: when one changes, the cached template is rebuilt.
# Every bench module that shapes the data belongs here: the generator, and this file,
# which runs the steps that build the template; so does the project code the generator
# calls (slugs, search text, rendered HTML, counts and ranks).
DATASET_INPUTS = [
    "bench/generate.py",
    "bench/dataset.py",
    "guide/demo",
    "guide/models",
    "guide/services.py",
    "guide/ranking.py",
    "guide/markdown.py",
    "guide/management/commands/load_demo.py",
    "guide/migrations",
    "accounts/migrations",
    "accounts/names.py",
]


def dataset_key(scale: int) -> str:
    digest = hashlib.sha256(f"scale {scale}\n".encode())
    for name in DATASET_INPUTS:
        path = ROOT / name
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


class SQLiteBench:
    vendor = "sqlite"

    def __init__(self, scale: int = 1) -> None:
        suffix = f"-x{scale}" if scale != 1 else ""
        self.template = DATA / f"template{suffix}.sqlite3"
        self.working = DATA / "bench.sqlite3"
        self.key_file = DATA / f"template{suffix}.json"

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

    def __init__(self, url: str, scale: int = 1) -> None:
        import psycopg

        self.psycopg = psycopg
        self.admin_url = url
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "postgres"
        self.parts = parts
        self.working = f"{name}_bench"
        self.template = f"{name}_bench_template" + (f"_x{scale}" if scale != 1 else "")

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


def choose_database(scale: int = 1) -> SQLiteBench | PostgresBench:
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme
    if scheme.startswith("postgres") or scheme in ("pgsql", "psql"):
        return PostgresBench(url, scale)
    if url and not scheme.startswith("sqlite"):
        sys.exit(f"bench: DATABASE_URL must be SQLite or PostgreSQL, not {scheme}")
    return SQLiteBench(scale)


def build_template(database: SQLiteBench | PostgresBench, env: dict, key: str, scale: int) -> None:
    """The demo, then the generated fans, theories, votes and comments, in the template."""
    started = time.monotonic()
    template_env = {**env, "DATABASE_URL": database.reset_template()}
    run_python(template_env, "manage.py", "migrate", "--no-input", "--verbosity", "0")
    run_python(template_env, "manage.py", "createcachetable")
    run_python(template_env, "manage.py", "load_demo")
    made = json.loads(
        run_python(
            template_env, "bench/generate.py", "generate", "--scale", str(scale), capture=True
        )
    )
    database.seal_template(key)
    log(f"generated {made}; {time.monotonic() - started:.0f} s with migrations and the demo")


def fresh_database(
    database: SQLiteBench | PostgresBench, env: dict, *, scale: int, regenerate: bool
) -> str:
    """The DATABASE_URL of a fresh copy of the dataset, generated first when out of date."""
    key = dataset_key(scale)
    if regenerate or database.cached_key() != key:
        log(f"generating the {scale}× dataset (cached for later runs)…")
        build_template(database, env, key, scale)
    else:
        log(f"reusing the cached {scale}× dataset ({key})")
    return database.fresh_copy()
