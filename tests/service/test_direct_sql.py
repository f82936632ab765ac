"""The hot writes sent on the cursor (store/direct_sql.py, issue 18) behave as SQLAlchemy's Core would:
the same values stored and read back, the engine's statement listeners told, the same exceptions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from bench.diagrams import W1_KEY, w1_diagram
from service.engine import identities, instances
from service.engine.deployments import deploy
from service.engine.store import direct_sql
from service.engine.store.activity_models import ActivityInstanceRow

_ACTIVITY = ActivityInstanceRow.__table__
_INSERT = sa.insert(_ACTIVITY)
_RENAME = (sa.update(_ACTIVITY).where(_ACTIVITY.c.id == sa.bindparam("_id"))
           .values(name=sa.bindparam("new_name"), canceled=sa.bindparam("new_canceled"),
                   seq=_ACTIVITY.c.seq + 10))
_BY_IDS = sa.delete(_ACTIVITY).where(_ACTIVITY.c.id.in_(sa.bindparam("ids", expanding=True)))


@pytest.fixture
def instance_id(ctx) -> str:
    """A started instance, for the activity rows to belong to (their foreign key)."""
    owner, city = identities.actor_for(ctx, "owner"), identities.actor_for(ctx, "city1")
    deploy(ctx, files={"w1.bpmn": w1_diagram(1, form_key=None)}, actor=owner)
    return instances.start_instance(ctx, key=W1_KEY, actor=city).id


def _row(activity_id: str, instance_id: str, started: datetime, ended: datetime | None = None) -> dict:
    return {"id": activity_id, "instance_id": instance_id, "element_id": "Task_1", "name": "第 1 步",
            "process_key": "p", "kind": None, "started_at": started, "ended_at": ended, "canceled": False,
            "seq": 1}


def test_rows_written_on_the_cursor_read_back_as_sqlalchemy_wrote_them(ctx, instance_id):
    started, ended = datetime(2026, 3, 2, 9, 30, 15, 250000, UTC), datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    seen: list[tuple[str, bool]] = []
    event.listen(ctx.db, "before_cursor_execute",
                 lambda _c, _cur, sql, _p, _ctx, many: seen.append((sql, many)))
    with ctx.db.begin() as conn:
        conn.execute(_INSERT, [_row("core", instance_id, started, ended)])  # SQLAlchemy's own path
        written = direct_sql.execute(conn, _INSERT, [_row("direct", instance_id, started, ended),
                                                     _row("direct-2", instance_id, started)])
        renamed = direct_sql.execute(conn, _RENAME,
                                     {"_id": "direct", "new_name": "改名", "new_canceled": True})
        gone = direct_sql.execute(conn, _BY_IDS, {"ids": ["direct-2"]})  # expanding IN: SQLAlchemy's path
    assert written in (-1, 2) and renamed == 1 and gone == 1
    with ctx.db.connect() as conn:
        query = sa.select(_ACTIVITY).where(_ACTIVITY.c.instance_id == instance_id)
        rows = {r.id: r for r in conn.execute(query)}
    assert {"core", "direct"} <= set(rows) and "direct-2" not in rows
    core, direct = rows["core"], rows["direct"]
    assert (direct.started_at, direct.ended_at) == (core.started_at, core.ended_at) == (started, ended)
    assert (direct.name, direct.canceled, direct.seq) == ("改名", True, 11)
    assert sum(1 for sql, _ in seen if sql.startswith("INSERT INTO activity_instance")) == 2
    assert any(sql.startswith("UPDATE activity_instance") and not many for sql, many in seen)


def test_a_broken_constraint_raises_sqlalchemys_integrity_error_and_nothing_is_kept(ctx, instance_id):
    when = datetime(2026, 3, 2, tzinfo=UTC)
    with pytest.raises(sa.exc.IntegrityError), ctx.db.begin() as conn:
        direct_sql.execute(conn, _INSERT, {**_row("lone", instance_id, when), "seq": 99})
        twice = _row("twice", instance_id, when)
        direct_sql.execute(conn, _INSERT, [twice, twice])
    with ctx.db.connect() as conn:
        query = sa.select(_ACTIVITY.c.id).where(_ACTIVITY.c.instance_id == instance_id)
        kept = set(conn.execute(query).scalars())
    assert kept.isdisjoint({"lone", "twice"}) and kept  # the instance's own start event row is still there


def test_every_write_of_a_completion_takes_the_direct_path(ctx):
    """None of them falls back to `Connection.execute` (a change that made one do so would quietly give
    back the time this path saves)."""
    from service.engine.store import activity_history, audit, core_writes
    from service.engine.store.models import AuditEvent

    dialect = ctx.db.dialect
    writes = {
        "instance row": (core_writes._update(("activity_seq", "state_json")),
                         ("activity_seq", "state_json", "_id", "_version")),
        "task row rewritten": (core_writes._REPLACE,
                               ("_old", "_assignee", *(f"new_{k}" for k in core_writes._TASK_KEYS))),
        "task row deleted": (core_writes._DELETE, ("_old", "_assignee")),
        "task rows": (core_writes._INSERT_TASK, core_writes._TASK_KEYS),
        "candidate rows": (core_writes._INSERT_CANDIDATE, core_writes._CANDIDATE_KEYS),
        "activity rows": (activity_history._upsert(dialect.name), tuple(c.key for c in _ACTIVITY.c)),
        "audit events": (audit._INSERT, tuple(c.key for c in AuditEvent.__table__.c)),
    }
    falling_back = [name for name, (statement, keys) in writes.items()
                    if direct_sql._compile(statement, dialect, keys) is None]
    assert falling_back == []
