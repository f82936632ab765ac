"""Database engine settings (issue 18): SQLite writers of one process queue on a lock instead of SQLite's
busy handler, PostgreSQL's pool follows the configuration, gunicorn's processes follow the database."""

from __future__ import annotations

import runpy
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from service.config import Config, web_processes
from service.engine.store.db import make_engine, writer_lock
from service.engine.store.uow import UnitOfWork

WRITERS, WRITES_EACH = 8, 15
ROOT = Path(__file__).resolve().parents[2]


def _counter_engine(url: str):
    """An engine on `url` whose SQLite connections do not wait at all for another writer (busy timeout 0),
    with a one-row lock_probe table."""
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _no_busy_wait(dbapi_conn, _record) -> None:  # runs after the engine's own settings
        dbapi_conn.execute("PRAGMA busy_timeout=0")

    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE lock_probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO lock_probe VALUES (1, 0)")
    return engine


def test_concurrent_sqlite_writers_of_one_process_all_commit_without_database_is_locked(sqlite_factory):
    """8 threads increment one lock_probe through write units of work at once; SQLite itself is told not
    to wait (busy timeout 0), so only the in-process writer lock keeps them from 'database is locked'."""
    url = sqlite_factory.new_database()
    engine = _counter_engine(url)
    start, failures = threading.Barrier(WRITERS), []

    def writer() -> None:
        start.wait()
        for _ in range(WRITES_EACH):
            try:
                with UnitOfWork(engine) as uow:
                    n = uow.session.execute(sa.text("SELECT n FROM lock_probe WHERE id = 1")).scalar_one()
                    uow.session.execute(sa.text("UPDATE lock_probe SET n = :n WHERE id = 1"), {"n": n + 1})
                    uow.commit()
            except Exception as error:  # noqa: BLE001 - the test reports every failure
                failures.append(repr(error))

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with engine.connect() as conn:  # no lost update: each read-modify-write ran alone
        assert conn.exec_driver_sql("SELECT n FROM lock_probe").scalar_one() == WRITERS * WRITES_EACH
    assert not writer_lock(url).locked()
    engine.dispose()


def test_a_failed_or_read_only_unit_of_work_leaves_the_sqlite_writer_lock_free(sqlite_factory):
    url = sqlite_factory.new_database()
    engine = _counter_engine(url)
    with pytest.raises(ZeroDivisionError), UnitOfWork(engine) as uow:
        uow.session.execute(sa.text("UPDATE lock_probe SET n = 5"))
        assert writer_lock(url).locked()
        1 / 0  # noqa: B018 - a use case failing half way
    assert not writer_lock(url).locked()
    with UnitOfWork(engine, write=False) as uow:
        uow.session.execute(sa.text("SELECT n FROM lock_probe")).scalar_one()
        assert not writer_lock(url).locked()  # readers never queue behind writers
    with UnitOfWork(engine) as uow:  # and the rolled-back write is gone
        assert uow.session.execute(sa.text("SELECT n FROM lock_probe")).scalar_one() == 0
    engine.dispose()


def test_every_engine_on_one_sqlite_file_shares_its_writer_lock(sqlite_factory):
    url = sqlite_factory.new_database()
    assert writer_lock(url) is writer_lock(url)
    assert writer_lock(url) is not writer_lock(sqlite_factory.new_database())


def test_the_postgresql_pool_follows_the_configured_size(postgres_factory, monkeypatch):
    url = postgres_factory.new_database()
    try:
        monkeypatch.setenv("CONSORTIUM_DB_POOL_SIZE", "3")
        config = Config(database_url=url)
        assert config.db_pool_size == 3
        engine = make_engine(url, pool_size=config.db_pool_size)
        assert engine.pool.size() == 3
        with engine.connect() as conn:  # psycopg prepares what runs twice on a connection
            assert conn.connection.driver_connection.prepare_threshold == 1
        engine.dispose()
        monkeypatch.delenv("CONSORTIUM_DB_POOL_SIZE")
        assert Config(database_url=url).db_pool_size is None
        default = make_engine(url)
        assert default.pool.size() == 10
        default.dispose()
    finally:
        postgres_factory.drop(url)


def test_a_pool_size_that_is_no_whole_number_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.setenv("CONSORTIUM_DB_POOL_SIZE", "four")
    with pytest.raises(ValueError, match="CONSORTIUM_DB_POOL_SIZE"):
        Config()
    with pytest.raises(ValueError, match="pool_size"):
        make_engine("postgresql://postgres@127.0.0.1:5432/postgres", pool_size=0)


def test_gunicorn_runs_one_worker_process_on_sqlite_and_the_configured_number_on_postgresql(monkeypatch):
    monkeypatch.setenv("CONSORTIUM_WEB_WORKERS", "4")
    monkeypatch.delenv("CONSORTIUM_WEB_THREADS", raising=False)
    assert web_processes("sqlite:///var/x.sqlite3") == (1, 4)
    assert web_processes("postgresql://db/x") == (4, 4)
    monkeypatch.delenv("CONSORTIUM_WEB_WORKERS")
    monkeypatch.setenv("CONSORTIUM_WEB_THREADS", "6")
    assert web_processes("postgresql://db/x") == (2, 6)
    monkeypatch.setenv("CONSORTIUM_WEB_THREADS", "0")
    with pytest.raises(ValueError, match="CONSORTIUM_WEB_THREADS"):
        web_processes("postgresql://db/x")


def test_gunicorn_conf_sizes_each_workers_pool_to_its_threads(monkeypatch):
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", "postgresql://db/x")
    monkeypatch.delenv("CONSORTIUM_WEB_WORKERS", raising=False)
    monkeypatch.delenv("CONSORTIUM_WEB_THREADS", raising=False)
    monkeypatch.delenv("CONSORTIUM_DB_POOL_SIZE", raising=False)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (settings["workers"], settings["threads"]) == (2, 4)
    settings["post_fork"](SimpleNamespace(cfg=SimpleNamespace(threads=6)), None)  # `--threads 6` given
    assert Config().db_pool_size == 6
    monkeypatch.setenv("CONSORTIUM_DB_POOL_SIZE", "9")  # an operator's own choice stays
    settings["post_fork"](SimpleNamespace(cfg=SimpleNamespace(threads=6)), None)
    assert Config().db_pool_size == 9


def test_a_postgresql_connection_killed_while_idle_is_replaced_before_use(postgres_factory, monkeypatch):
    """No ping on every checkout, but one idle past IDLE_PING_SECONDS is pinged and a dead one replaced:
    the caller never sees the server having dropped it (here: terminated by an administrator)."""
    from service.engine.store import db

    url = postgres_factory.new_database()
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            first = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        admin = make_engine(url, pool_size=1)
        with admin.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({first})")
            conn.commit()
        admin.dispose()
        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # "idle for a while" without waiting
        with engine.connect() as conn:
            again = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        assert again != first
    finally:
        engine.dispose()
        postgres_factory.drop(url)
