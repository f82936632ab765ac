"""Settings read from the environment, so one build runs as demo, test and production."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .bureau_settings import BureauSettings
from .deadline_settings import DeadlineSettings

DEFAULT_SQLITE = Path("var") / "consortium.sqlite3"


def _optional_int(name: str) -> int | None:
    """The environment variable `name` as an int, None when unset or empty; ValueError naming it otherwise."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


@dataclass(frozen=True)
class Config:
    database_url: str = field(
        default_factory=lambda: os.environ.get("CONSORTIUM_DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}")
    )
    # PostgreSQL connections kept per process (CONSORTIUM_DB_POOL_SIZE; gunicorn.conf.py sets it to the
    # worker's threads); None: store/db.py's default.
    db_pool_size: int | None = field(default_factory=lambda: _optional_int("CONSORTIUM_DB_POOL_SIZE"))
    secret_key: str | None = field(default_factory=lambda: os.environ.get("CONSORTIUM_SECRET_KEY"))
    script_time_limit: float = 1.0
    echo_sql: bool = False
    deadlines: DeadlineSettings = field(default_factory=DeadlineSettings)
    bureau: BureauSettings = field(default_factory=BureauSettings)  # who issues documents (notices)
    # Sign-in throttle (failed passwords; `limits` notation): per account and per client address.
    login_limit_account: str = field(
        default_factory=lambda: os.environ.get("CONSORTIUM_LOGIN_LIMIT_ACCOUNT", "10 per 5 minutes")
    )
    login_limit_address: str = field(
        default_factory=lambda: os.environ.get("CONSORTIUM_LOGIN_LIMIT_ADDRESS", "30 per 5 minutes")
    )
    # Public objections accepted per client address (breakit F11; `limits` notation).
    objection_limit_address: str = field(
        default_factory=lambda: os.environ.get("CONSORTIUM_OBJECTION_LIMIT_ADDRESS", "5 per hour")
    )
    # Where per-installation files live (the generated secret key): CONSORTIUM_INSTANCE_DIR, else the
    # folder of the SQLite file, else var/ (relative to the working directory, like the default database).
    instance_dir: Path | None = field(
        default_factory=lambda: Path(os.environ["CONSORTIUM_INSTANCE_DIR"])
        if os.environ.get("CONSORTIUM_INSTANCE_DIR")
        else None
    )

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def instance_folder(self) -> Path:
        """The folder for per-installation files (see `instance_dir`)."""
        if self.instance_dir is not None:
            return self.instance_dir
        if self.is_sqlite:
            database = self.database_url.split("///", 1)[-1]
            if database and database != ":memory:":
                return Path(database).parent
        return DEFAULT_SQLITE.parent


SQLITE_WEB_THREADS = 4
DEFAULT_WEB_WORKERS = 2
DEFAULT_WEB_THREADS = 4


def web_processes(database_url: str | None = None) -> tuple[int, int]:
    """(worker processes, threads per worker) for gunicorn (gunicorn.conf.py), from the environment.

    SQLite: always 1 worker with CONSORTIUM_WEB_THREADS (default 4) threads. SQLite has one writer at a
    time for the whole file; inside one process writers queue on a lock and go the moment the one before
    commits, while writers in different processes can only wait in SQLite's busy handler, which sleeps
    (up to 100 ms a time) and polls: more processes add that tail and no throughput (issue 18). More
    threads add no throughput either (the writes are serialised, the rest shares one interpreter lock)
    but cost CPU in lock hand-offs: under 8 clients a cycle of list + complete took ~7 ms of CPU with
    1 client, ~9 with 4 threads and ~11.5 with 8, and the completion's p99 fell from ~110 to ~80 ms
    with 4 threads (bench/results/http.txt).
    PostgreSQL: CONSORTIUM_WEB_WORKERS (default 2) x CONSORTIUM_WEB_THREADS (default 4). Each worker's
    pool holds as many connections as it has threads. Raises ValueError naming a variable that is not a
    whole number of at least 1.
    """
    url = database_url or os.environ.get("CONSORTIUM_DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}")
    sqlite = url.startswith("sqlite")
    threads = _optional_int("CONSORTIUM_WEB_THREADS")
    workers = _optional_int("CONSORTIUM_WEB_WORKERS")
    for name, value in (("CONSORTIUM_WEB_WORKERS", workers), ("CONSORTIUM_WEB_THREADS", threads)):
        if value is not None and value < 1:
            raise ValueError(f"{name} must be at least 1, not {value}")
    if threads is None:
        threads = SQLITE_WEB_THREADS if sqlite else DEFAULT_WEB_THREADS
    if sqlite or workers is None:
        workers = 1 if sqlite else DEFAULT_WEB_WORKERS
    return workers, threads
