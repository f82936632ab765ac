"""The audit trail's tamper evidence (issue 11 fault 7): each kind of tampering is reported, naming the
stream and the event, on SQLite and PostgreSQL; the command line, the admin page and the scheduler."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from scheduler.runner import JobRunner
from service.cli import cli
from service.engine.audit_trail import checkpoint_trail, verify_trail
from service.engine.store import audit
from service.engine.store.audit_anchor import anchor_for
from service.engine.store.audit_checkpoints import AuditCheckpoint
from service.engine.store.models import AuditEvent
from tests.support.procedure import Walk


@dataclass
class Trail:
    ctx: object
    a: str  # the instance whose stream is tampered with
    b: str  # another instance

    def events(self, stream: str) -> list[AuditEvent]:
        with self.ctx.unit_of_work(write=False) as uow:
            return audit.stream_events(uow.session, stream)

    def sql(self, statement, **params) -> None:
        with self.ctx.db.begin() as connection:
            connection.execute(sa.text(statement) if isinstance(statement, str) else statement, params)


@pytest.fixture
def trail(ctx) -> Trail:
    first, second = Walk(ctx), Walk(ctx)
    first.start()
    first.do("Task_Initiate")
    first.do("Task_InviteMembers")
    second.start()
    found = Trail(ctx, first.instance_id, second.instance_id)
    assert len(found.events(found.a)) >= 6
    report = verify_trail(ctx)  # checks, then signs every head
    assert report.ok, [str(p) for p in report.all_problems]
    assert report.checkpointed >= 2
    return found


def _edit(column: str, value):
    def tamper(t: Trail):
        t.sql(f"UPDATE audit_event SET {column} = :v WHERE stream = :s AND seq = 3", v=value, s=t.a)
        return t.a, 3

    return tamper


def _edit_at(t: Trail):
    t.sql(
        sa.update(AuditEvent)
        .where(AuditEvent.stream == t.a, AuditEvent.seq == 3)
        .values(at=datetime(2020, 1, 1, tzinfo=UTC))
    )
    return t.a, 3


def _move_instance(t: Trail):
    """Re-attribute an event to another application (instance_id was not hashed before)."""
    t.sql("UPDATE audit_event SET instance_id = :b WHERE stream = :a AND seq = 3", a=t.a, b=t.b)
    return t.a, 3


def _move_stream(t: Trail):
    """Move an event, stream and all, onto the end of another application's chain."""
    [head] = t.events(t.b)[-1:]
    t.sql(
        "UPDATE audit_event SET stream = :b, instance_id = :b, seq = :seq, prev_hash = :prev "
        "WHERE stream = :a AND seq = 3",
        a=t.a, b=t.b, seq=head.seq + 1, prev=head.hash,
    )
    return t.a, 4  # its old place shows the gap (and its new place the foreign hash)


def _reorder(t: Trail):
    t.sql("UPDATE audit_event SET seq = -1 WHERE stream = :a AND seq = 3", a=t.a)
    t.sql("UPDATE audit_event SET seq = 3 WHERE stream = :a AND seq = 4", a=t.a)
    t.sql("UPDATE audit_event SET seq = 4 WHERE stream = :a AND seq = -1", a=t.a)
    return t.a, 3


def _delete_middle(t: Trail):
    t.sql("DELETE FROM audit_event WHERE stream = :a AND seq = 3", a=t.a)
    return t.a, 4


def _delete_last(t: Trail):
    last = t.events(t.a)[-1].seq
    t.sql("DELETE FROM audit_event WHERE stream = :a AND seq >= :s", a=t.a, s=last - 1)
    return t.a, last


def _delete_stream(t: Trail):
    last = t.events(t.a)[-1].seq
    t.sql("DELETE FROM audit_event WHERE stream = :a", a=t.a)
    return t.a, last


def _rechain(t: Trail, events: list[AuditEvent]) -> None:
    """Recompute every hash from the first event on, as a tamperer without the key can."""
    prev = audit.GENESIS
    for number, event in enumerate(events, start=1):
        event.seq, event.prev_hash = number, prev
        event.hash = audit.digest(event)
        prev = event.hash
    with t.ctx.unit_of_work() as uow:
        uow.session.execute(sa.delete(AuditEvent).where(AuditEvent.stream == t.a))
        uow.session.flush()
        for event in events:
            uow.session.merge(event)
        uow.commit()


def _edit_and_rehash(t: Trail):
    events = t.events(t.a)
    events[2].actor = "intruder"
    _rechain(t, events)
    return t.a, events[-1].seq


def _forge_in_middle(t: Trail):
    events = t.events(t.a)
    last = events[-1].seq
    forged = AuditEvent(
        id=None, stream=t.a, at=events[2].at, actor="intruder", actor_groups="city_clerk",
        action="task.completed", instance_id=t.a, task_id=events[2].task_id,
        element_id=events[2].element_id, detail_json="{}",
    )
    _rechain(t, [*events[:3], forged, *events[3:]])
    return t.a, last


def _forge_naively(t: Trail):
    last = t.events(t.a)[-1].seq
    t.sql("UPDATE audit_event SET seq = seq + 1000 WHERE stream = :a AND seq >= 3", a=t.a)
    t.sql("UPDATE audit_event SET seq = seq - 999 WHERE stream = :a AND seq >= 1003", a=t.a)
    [third] = [e for e in t.events(t.a) if e.seq == 4]
    t.sql(
        "INSERT INTO audit_event (stream, seq, at, actor, actor_groups, action, instance_id, task_id, "
        "element_id, detail_json, prev_hash, hash) SELECT stream, 3, at, 'intruder', actor_groups, action, "
        "instance_id, task_id, element_id, detail_json, prev_hash, hash FROM audit_event WHERE id = :id",
        id=third.id,
    )
    assert last < t.events(t.a)[-1].seq
    return t.a, 3


def _truncate_and_drop_checkpoint(t: Trail):
    """Cover the tracks in the database too: only the checkpoint log file is left."""
    last = t.events(t.a)[-1].seq
    t.sql("DELETE FROM audit_event WHERE stream = :a AND seq >= :s", a=t.a, s=last - 1)
    t.sql("DELETE FROM audit_checkpoint WHERE stream = :a", a=t.a)
    return t.a, last


def _truncate_and_forge_checkpoint(t: Trail):
    """Move the checkpoint row back to the truncated head, without the key to sign it."""
    events = t.events(t.a)
    t.sql("DELETE FROM audit_event WHERE stream = :a AND seq >= :s", a=t.a, s=events[-2].seq)
    t.sql(
        sa.update(AuditCheckpoint)
        .where(AuditCheckpoint.stream == t.a)
        .values(seq=events[-3].seq, head_hash=events[-3].hash, count=len(events) - 2),
    )
    return t.a, events[-3].seq


TAMPERING = {
    "edit at": _edit_at,
    "edit actor": _edit("actor", "intruder"),
    "edit actor_groups": _edit("actor_groups", "admin"),
    "edit action": _edit("action", "task.unclaimed"),
    "edit detail_json": _edit("detail_json", '{"decision": "approve"}'),
    "edit task_id": _edit("task_id", "00000000-0000-0000-0000-000000000000"),
    "edit element_id": _edit("element_id", "Task_Elsewhere"),
    "edit hash": _edit("hash", "f" * 64),
    "move to another instance": _move_instance,
    "move into another stream": _move_stream,
    "reorder": _reorder,
    "delete a middle event": _delete_middle,
    "delete the last events": _delete_last,
    "delete the whole stream": _delete_stream,
    "edit and recompute later hashes": _edit_and_rehash,
    "insert a forged event and recompute": _forge_in_middle,
    "insert a forged event": _forge_naively,
    "truncate and delete the checkpoint row": _truncate_and_drop_checkpoint,
    "truncate and forge the checkpoint row": _truncate_and_forge_checkpoint,
}


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_verify_reports_each_kind_of_tampering(trail, kind):
    stream, seq = TAMPERING[kind](trail)
    report = verify_trail(trail.ctx)
    problems = [str(p) for p in report.all_problems]
    assert not report.ok, kind
    assert any(p.stream == stream and p.seq == seq for p in report.all_problems), problems
    assert stream in [s.stream for s in report.streams if not s.ok]
    assert report.checkpointed == 0  # a broken stream is never re-signed
    assert not verify_trail(trail.ctx).ok  # and stays reported


def test_the_other_streams_stay_intact_and_new_events_are_anchored(trail):
    before = {s.stream: s.anchored_seq for s in verify_trail(trail.ctx, checkpoint=False).streams}
    walk = Walk(trail.ctx)
    walk.instance_id = trail.b
    walk.do("Task_Initiate")
    report = verify_trail(trail.ctx, checkpoint=False)
    grown = next(s for s in report.streams if s.stream == trail.b)
    assert report.ok and grown.unanchored > 0 and grown.anchored_seq == before[trail.b]
    assert checkpoint_trail(trail.ctx) == 1  # the scheduler's cheap path signs only what grew
    assert next(s for s in verify_trail(trail.ctx).streams if s.stream == trail.b).unanchored == 0


def test_a_checkpoint_signed_with_another_key_is_not_trusted(trail, monkeypatch):
    monkeypatch.setenv("CONSORTIUM_AUDIT_KEY", "another key entirely, at least 32 characters")
    report = verify_trail(trail.ctx, checkpoint=False)
    assert not report.ok
    assert {p.kind for p in report.all_problems} == {"signature"}


def test_the_key_file_is_created_once_private_and_not_in_the_database(ctx, tmp_path, monkeypatch):
    monkeypatch.setenv("CONSORTIUM_AUDIT_DIR", str(tmp_path))
    monkeypatch.delenv("CONSORTIUM_AUDIT_KEY", raising=False)
    first = anchor_for(ctx.config.database_url)
    assert (tmp_path / "audit.key").stat().st_mode & 0o777 == 0o600
    assert anchor_for(ctx.config.database_url).key == first.key
    monkeypatch.setenv("CONSORTIUM_AUDIT_KEY", "short")
    with pytest.raises(ValueError, match="CONSORTIUM_AUDIT_KEY"):
        anchor_for(ctx.config.database_url)


def test_the_scheduler_tick_signs_checkpoints_to_the_table_and_the_log(ctx, tmp_path, monkeypatch):
    monkeypatch.setenv("CONSORTIUM_AUDIT_DIR", str(tmp_path))
    Walk(ctx).start()
    JobRunner(ctx).tick()
    with ctx.unit_of_work(write=False) as uow:
        rows = list(uow.session.scalars(sa.select(AuditCheckpoint)))
    lines = [json.loads(line) for line in (tmp_path / "audit-checkpoints.jsonl").read_text().splitlines()]
    assert rows and {r.stream for r in rows} == {line["stream"] for line in lines}
    assert os.stat(tmp_path / "audit-checkpoints.jsonl").st_mode & 0o777 == 0o600


def test_the_command_exits_non_zero_and_names_the_stream(trail, monkeypatch):
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", trail.ctx.config.database_url)
    runner = CliRunner()
    clean = runner.invoke(cli, ["audit", "verify"])
    assert clean.exit_code == 0, clean.output
    assert clean.output.strip().splitlines()[-1].startswith("OK: ")
    _delete_middle(trail)
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"{trail.a} seq 4" in broken.output and "TAMPERED" in broken.output


def test_the_admin_page_shows_each_stream(trail):
    from tests.http.conftest import Server
    from tests.support.pages import sign_in

    server = Server(trail.ctx)
    server.thread.start()
    try:
        _delete_last(trail)
        pages = {}
        for login in ("admin", "city1", "owner", "lead1"):
            client = server.client(None)
            assert sign_in(client, login).status_code == 303
            pages[login] = client.get("/admin/audit", allow_redirects=False)
    finally:
        server.http.shutdown()
        server.thread.join(timeout=10)
    assert {login: r.status_code for login, r in pages.items()} == {
        "admin": 200, "city1": 404, "owner": 404, "lead1": 404,
    }
    page = pages["admin"].text
    assert "发现审计记录被篡改" in page
    assert f'data-stream="{trail.a}"' in page and f'data-stream="{trail.b}"' in page
    assert "末尾事件被删除" in page


def _old_digest(prev: str, stream: str, at: datetime, actor, action, task_id, element_id, detail) -> str:
    """The chain before 0008_audit (what databases hold before upgrading)."""
    import hashlib

    parts = (prev, stream, at.isoformat(), actor, action, task_id, element_id, detail)
    payload = "|".join(str(p) for p in parts)
    return hashlib.sha256(payload.encode()).hexdigest()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    factory = request.getfixturevalue("postgres_factory")
    name = f"consortium_t_old_{os.getpid()}_{id(request)}"
    factory._execute(f'CREATE DATABASE "{name}"')
    url = factory._url(name)
    yield url
    factory.drop(url)


def test_the_upgrade_re_chains_existing_events_under_the_new_scheme(empty_url, clock):
    from service.bootstrap import build_context
    from service.config import Config
    from service.engine.store import schema

    schema.upgrade(empty_url, "0007")
    ctx = build_context(Config(database_url=empty_url), clock=clock)
    columns = "stream, at, actor, actor_groups, action, instance_id, task_id, element_id, detail_json"
    rows = []
    for stream, count in (("global", 3), ("old-instance", 4)):
        prev = audit.GENESIS
        for n in range(count):
            at = clock.now().replace(microsecond=n)
            digest = _old_digest(prev, stream, at, "city1", f"step.{n}", None, None, "{}")
            rows.append((stream, at, prev, digest))
            prev = digest
    table = sa.table(
        "audit_event", *(sa.column(c) for c in columns.split(", ")), sa.column("prev_hash"), sa.column("hash")
    )
    with ctx.db.begin() as connection:
        for stream, at, prev, digest in rows:
            connection.execute(
                table.insert().values(
                    stream=stream, at=at if ctx.db.dialect.name == "postgresql" else at.replace(tzinfo=None),
                    actor="city1", actor_groups="city_clerk", action=f"step.{at.microsecond}",
                    instance_id=None if stream == "global" else stream, task_id=None, element_id=None,
                    detail_json="{}", prev_hash=prev, hash=digest,
                )
            )
    ctx.db.dispose()
    schema.upgrade(empty_url)
    ctx = build_context(Config(database_url=empty_url), clock=clock)
    try:
        report = verify_trail(ctx)
        assert report.ok, [str(p) for p in report.all_problems]
        assert {s.stream: s.last_seq for s in report.streams} == {"global": 3, "old-instance": 4}
        assert report.checkpointed == 2
    finally:
        ctx.db.dispose()
