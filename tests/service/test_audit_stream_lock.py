"""Two transactions appending to one audit stream on PostgreSQL queue on the stream's lock, and the one
that waited continues the chain from the event the first appended (issue 18: the lock and the tail read
are one round trip, `consortium_audit_tail`, whose read must still see what committed during the wait).
Driven by the lock itself, never by a timer."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import sqlalchemy as sa

from service.bootstrap import build_context
from service.config import Config
from service.engine.store import audit
from service.engine.store.models import AuditEvent

AT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def _waiting_on_an_advisory_lock(ctx) -> bool:
    with ctx.db.connect() as conn:
        query = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        return conn.exec_driver_sql(query).scalar_one() > 0


def test_a_writer_that_waited_for_the_stream_continues_the_chain_after_the_first(postgres_factory):
    ctx = build_context(Config(database_url=postgres_factory.new_database()))
    try:
        with ctx.unit_of_work() as uow:
            before = uow.session.scalar(sa.select(sa.func.count()).where(AuditEvent.stream == "global"))
        first = ctx.unit_of_work()
        audit.record(first.session, actor=None, action="test.first", at=AT)  # holds the stream
        errors: list[BaseException] = []

        def second() -> None:
            try:
                with ctx.unit_of_work() as uow:
                    audit.record(uow.session, actor=None, action="test.second", at=AT)
                    uow.commit()
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                errors.append(exc)

        thread = threading.Thread(target=second)
        thread.start()
        for _ in range(5000):  # until the second writer is queued on the stream's lock
            if _waiting_on_an_advisory_lock(ctx):
                break
            time.sleep(0.002)
        else:
            raise AssertionError("the second writer never waited for the stream")
        first.commit()
        first.session.close()
        thread.join(30)
        assert not errors, errors
        with ctx.unit_of_work(write=False) as uow:
            events = audit.stream_events(uow.session, "global")
            assert [e.action for e in events[before:]] == ["test.first", "test.second"]
            assert audit.verify_chain(uow.session, "global")
    finally:
        ctx.db.dispose()


def test_events_of_a_rolled_back_savepoint_are_dropped_and_the_chain_stays_whole(ctx):
    """Events wait in the session until a flush or the commit writes them (issue 18): a savepoint that
    rolls back (a failing job) takes its own events with it, and no other."""
    with ctx.unit_of_work() as uow:
        session = uow.session
        before = len(audit.stream_events(session, "global"))
        audit.record(session, actor=None, action="test.before", at=AT)
        savepoint = session.begin_nested()
        audit.record(session, actor=None, action="test.inside", at=AT)
        savepoint.rollback()
        kept = session.begin_nested()
        audit.record(session, actor=None, action="test.kept", at=AT)
        kept.commit()
        audit.record(session, actor=None, action="test.after", at=AT)
        uow.commit()
    with ctx.unit_of_work(write=False) as uow:
        events = audit.stream_events(uow.session, "global")
        assert [e.action for e in events[before:]] == ["test.before", "test.kept", "test.after"]
        assert audit.verify_chain(uow.session, "global")
