"""Real databases for tests: a migrated SQLite file and a migrated PostgreSQL database per test.

Each is cloned from a template migrated once per run (a file copy; CREATE DATABASE ... TEMPLATE), so
every test gets the schema the Alembic migration produces, at a fraction of a migration's cost.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from service.bootstrap import build_context
from service.config import Config
from service.consortium.demo import seed
from service.engine.store import schema

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def prepare(url: str) -> None:
    """Migrate with Alembic and seed the demo organisations, users and diagrams (as `consortium demo`)."""
    schema.upgrade(url)
    ctx = build_context(Config(database_url=url))
    seed(ctx)
    ctx.db.dispose()


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_private_postgres() -> tuple[str, callable]:
    """Start a throwaway PostgreSQL on loopback when none answers (needs the server binaries)."""
    bindir = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
    if bindir is None:
        raise RuntimeError("no PostgreSQL answers and no server binaries are installed (run .ci/run)")
    data = Path(tempfile.mkdtemp(prefix="consortium-pg-"))
    port = _free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(data, "postgres")
    subprocess.run(
        [*as_postgres, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *as_postgres,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-w",
            "-l",
            str(data / "log"),
            "-o",
            f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
            "start",
        ],
        check=True,
        capture_output=True,
    )

    def stop() -> None:
        subprocess.run(
            [*as_postgres, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True
        )
        shutil.rmtree(data, ignore_errors=True)

    return f"postgresql://postgres@127.0.0.1:{port}/postgres", stop


class PostgresFactory:
    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url
        self.template = f"consortium_tmpl_{uuid.uuid4().hex[:8]}"
        self.created: list[str] = [self.template]
        self._execute(f'CREATE DATABASE "{self.template}"')
        prepare(self._url(self.template))

    def _url(self, name: str) -> str:
        base = self.admin_url.rsplit("/", 1)[0]
        return f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)

    def _execute(self, sql: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self) -> str:
        name = f"consortium_t_{uuid.uuid4().hex[:10]}"
        for attempt in range(20):  # the template may still be "in use" for a moment after migration
            try:
                self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
                break
            except psycopg.errors.ObjectInUse:
                time.sleep(0.1 * (attempt + 1))
        self.created.append(name)
        return self._url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        for name in self.created:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class SqliteFactory:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.sqlite3"
        prepare(f"sqlite:///{self.template}")

    def new_database(self) -> str:
        path = self.folder / f"{uuid.uuid4().hex[:10]}.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"


def postgres_admin_url() -> tuple[str, callable | None]:
    url = os.environ.get("CONSORTIUM_TEST_PG_URL", DEFAULT_PG)
    if _answers(url):
        return url, None
    return start_private_postgres()
