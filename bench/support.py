"""What every benchmark needs: throwaway databases, a SQL statement counter, timing summaries, output."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine

from service.bootstrap import build_context
from service.clock import MovableClock
from service.config import Config
from service.consortium.demo import seed
from service.context import Context
from service.engine.store import schema

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday morning in Qingdao, as in the tests


# --- databases --------------------------------------------------------------------------------------


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A migrated, demo-seeded database of `kind` ("sqlite" file or "postgresql"), dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="consortium-bench-") as folder:
            url = f"sqlite:///{folder}/bench.sqlite3"
            _prepare(url)
            yield url
        return
    name = f"consortium_bench_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
        _prepare(url)
        yield url
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _prepare(url: str) -> None:
    schema.upgrade(url)
    ctx = build_context(Config(database_url=url))
    seed(ctx)
    ctx.db.dispose()


def _pg_admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def postgres_answers() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def kinds() -> list[str]:
    return ["sqlite", "postgresql"] if postgres_answers() else ["sqlite"]


def context(url: str) -> tuple[Context, MovableClock]:
    clock = MovableClock(START)
    return build_context(Config(database_url=url), clock=clock), clock


# --- counting SQL -----------------------------------------------------------------------------------


class SqlCounter:
    """Statements sent to the database and commits, counted with SQLAlchemy engine events.

    SQLite's `BEGIN IMMEDIATE` is a statement we send ourselves, so it is counted; PostgreSQL's implicit
    BEGIN is not a round trip of its own and is not.
    """

    def __init__(self, engine: Engine) -> None:
        self.statements = 0
        self.commits = 0
        self.enabled = False
        event.listen(engine, "before_cursor_execute", self._on_statement)
        event.listen(engine, "commit", self._on_commit)

    def _on_statement(self, *_args) -> None:
        if self.enabled:
            self.statements += 1

    def _on_commit(self, *_args) -> None:
        if self.enabled:
            self.commits += 1

    @contextmanager
    def counting(self) -> Iterator[None]:
        self.enabled = True
        try:
            yield
        finally:
            self.enabled = False


# --- timing -----------------------------------------------------------------------------------------


@contextmanager
def stopwatch(into: list[float]) -> Iterator[None]:
    """Append the elapsed milliseconds of the block to `into`."""
    started = time.perf_counter()
    try:
        yield
    finally:
        into.append((time.perf_counter() - started) * 1000)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Summary:
    median: float
    p95: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> Summary:
        return cls(statistics.median(values), percentile(values, 95), min(values), max(values), len(values))

    def __str__(self) -> str:
        return (
            f"median {self.median:8.3f}  p95 {self.p95:8.3f}"
            f"  range {self.low:.3f}–{self.high:.3f}  (n={self.n})"
        )


def rounds_range(per_round: list[float]) -> str:
    """Median of the per-round figures and their range: how stable the figure is within this run."""
    return f"{statistics.median(per_round):.3f} (rounds {min(per_round):.3f}–{max(per_round):.3f})"


@contextmanager
def worktree(commit: str) -> Iterator[Path | None]:
    """A detached git worktree of `commit` in a temporary folder, removed afterwards; None when git
    cannot make one (not a clone, unknown commit). For figures of an earlier commit in the same run."""
    folder = Path(tempfile.mkdtemp(prefix="bench-base-"))
    tree = folder / "tree"
    made = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), commit],
                          capture_output=True, text=True)
    try:
        yield tree if made.returncode == 0 else None
    finally:
        if made.returncode == 0:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                           capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


# --- output -----------------------------------------------------------------------------------------


class Report:
    """Prints lines and keeps them, so every benchmark's figures also land in bench/results/<name>.txt."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def save(self) -> Path:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"{self.name}.txt"
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        return path
