"""Fixtures: a context on a real SQLite file or PostgreSQL database, a movable clock, demo actors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.bootstrap import build_context
from service.clock import MovableClock
from service.config import Config
from service.context import Context
from tests.support.databases import PostgresFactory, SqliteFactory, postgres_admin_url

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Qingdao


@pytest.fixture(autouse=True, scope="session")
def audit_anchor_dir(tmp_path_factory):
    """The audit key and checkpoint log of this run, never the checkout's var/ (store/audit_anchor.py)."""
    patch = pytest.MonkeyPatch()
    patch.setenv("CONSORTIUM_AUDIT_DIR", str(tmp_path_factory.mktemp("audit-anchor")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def sqlite_factory(tmp_path_factory) -> SqliteFactory:
    return SqliteFactory(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_factory():
    url, stop = postgres_admin_url()
    factory = PostgresFactory(url)
    yield factory
    factory.close()
    if stop:
        stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, sqlite_factory) -> str:
    if request.param == "sqlite":
        yield sqlite_factory.new_database()
        return
    factory = request.getfixturevalue("postgres_factory")
    url = factory.new_database()
    yield url
    factory.drop(url)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START)


@pytest.fixture
def ctx(database_url, clock) -> Context:
    context = build_context(Config(database_url=database_url), clock=clock)
    yield context
    context.db.dispose()


@pytest.fixture
def sqlite_ctx(sqlite_factory, clock) -> Context:
    context = build_context(Config(database_url=sqlite_factory.new_database()), clock=clock)
    yield context
    context.db.dispose()
