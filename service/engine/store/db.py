"""Database engines with the settings the design relies on.

SQLite: WAL (readers never block the writer), a busy timeout, foreign keys, and transactions that begin
IMMEDIATE when they write, so two commands on one instance queue up instead of failing half way
(SQLite's single writer is our per-instance lock there). Writers of one process also queue on an
in-process lock (`writer_lock`) taken before `BEGIN IMMEDIATE` and released when the connection goes
back to the pool (after COMMIT or ROLLBACK): a waiting thread wakes the moment the writer before it
ends, instead of SQLite's busy handler polling with sleeps of up to 100 ms (issue 18, item 3: that
back-off was the 2-second tail of a click under 8 clients), and in the order the writers came
(store/fair_lock.py: a plain lock let some writers wait out many others' turns). Across processes only
the busy timeout remains, so an installation on SQLite runs one web process (gunicorn.conf.py, README
"Running several processes").

PostgreSQL: plain READ COMMITTED plus `SELECT ... FOR UPDATE` on the instance row (see
store/instances.py); a connection pool of `pool_size` connections per process (gunicorn.conf.py sets
it to the worker's threads, so an installation holds workers x threads connections), and psycopg's
server-side prepared statements for every statement run more than once on a connection, and a ping
only for a connection idle for a while (not a round trip on every checkout).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .fair_lock import FairLock

WRITE = {"consortium_write": True}
BUSY_TIMEOUT_SECONDS = 30.0
DEFAULT_POOL_SIZE = 10  # `consortium serve` (a thread per request, no fixed number); gunicorn sets its own
PREPARE_THRESHOLD = 1  # psycopg prepares a statement on its second run on a connection
PREPARED_MAX = 256  # statements prepared per connection, least recently used dropped beyond
IDLE_PING_SECONDS = 10.0  # a PostgreSQL connection idle longer is pinged before use
_HELD = "consortium_writer_lock"
_RETURNED_AT = "consortium_returned_at"
_WRITER_LOCKS: dict[str, FairLock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def make_engine(url: str, *, echo: bool = False, pool_size: int | None = None) -> Engine:
    """An engine for `url` (sqlite:///PATH or postgresql://...) with the settings in the module docstring.

    `pool_size` (PostgreSQL only): connections kept per process, as many again allowed in a burst;
    None means `DEFAULT_POOL_SIZE`. Raises ValueError for a pool size below 1.
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    size = DEFAULT_POOL_SIZE if pool_size is None else pool_size
    if size < 1:
        raise ValueError(f"pool_size must be at least 1, not {size}")
    connect_args = {}
    if url.startswith("postgresql+psycopg://"):
        connect_args = {"prepare_threshold": PREPARE_THRESHOLD}
    engine = sa.create_engine(url, echo=echo, pool_size=size, max_overflow=size, connect_args=connect_args)
    if connect_args:
        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:  # pragma: no cover - exercised by every PG test
            dbapi_conn.prepared_max = PREPARED_MAX

    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection on checkout only when it sat unused for IDLE_PING_SECONDS.

    `pool_pre_ping` pings on every checkout: a round trip for each of the 4-5 units of work of one HTTP
    request. A connection used moments ago is as good as a ping; one idle longer (a server restart, a
    firewall dropping idle connections) is pinged, and a dead one is replaced before use (SQLAlchemy's
    "pessimistic disconnect handling" with a time condition). A server restart within IDLE_PING_SECONDS of
    a connection's last use fails one request, after which SQLAlchemy renews the whole pool.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record) -> None:
        if record is not None:
            record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn, record, _proxy) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at < IDLE_PING_SECONDS:
            return  # fresh from connect, or used moments ago
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as error:  # noqa: BLE001 - any failure means: not usable, take another
            raise sa.exc.DisconnectionError(f"idle connection failed its ping: {error}") from error


def writer_lock(url: str) -> FairLock:
    """The in-process lock every SQLite write transaction on the database file of `url` holds (one per
    file, shared by every engine of this process on it; `:memory:` databases get one per call)."""
    path = sa.engine.make_url(url).database or ":memory:"
    if path == ":memory:":
        return FairLock()
    key = str(Path(path).resolve())
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(key, FairLock())


def _sqlite_engine(url: str, echo: bool) -> Engine:
    path = sa.engine.make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False}
    )
    lock = writer_lock(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # pragma: no cover - exercised by every test
        dbapi_conn.isolation_level = None  # let SQLAlchemy's begin event emit BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        if not conn.get_execution_options().get("consortium_write", False):
            conn.exec_driver_sql("BEGIN")
            return
        info = conn.connection.info  # the pooled connection's: kept until it is checked in
        if not info.get(_HELD):
            # A thread that already writes on another connection would wait on itself: after the busy
            # timeout go on without the lock and let SQLite's own busy handling decide, as before it.
            if lock.acquire(timeout=BUSY_TIMEOUT_SECONDS):
                info[_HELD] = True
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn, record) -> None:
        # After the pool's reset (ROLLBACK of anything left open): the write transaction has ended.
        if record is not None and record.info.pop(_HELD, False):
            lock.release()

    return engine


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
