"""Support measures (guideline 六 政策支持) recorded per consortium: projects recommended or funded (their
mode 公开竞争 / 专项组织 / 揭榜挂帅, level and amount live on `ConsortiumProject`), platforms, talent
programmes and application scenarios (`SupportMeasure`); and the "increased support" flag of a consortium
whose latest evaluation is excellent (七（二）: 对评价优秀的创新联合体加大支持力度). Issue 14 item 10.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from forms.vocabulary import status_label

from ...actors import CITY_CLERK, Actor
from ...clock import local_today
from ...context import Context
from ...engine.store import audit
from ...errors import Conflict, Forbidden, InvalidInput
from ..store import consortia as consortium_store
from ..store.supervision_models import ConsortiumProject, EvaluationResult, SupportMeasure
from . import date_bounds
from .projects import LEVELS, check_amount
from .standing import SUPERVISED

KINDS = {"platform": "平台", "talent": "人才计划", "scenario": "应用场景"}


@dataclass(frozen=True)
class Measure:
    """A measure to record: `kind` one of KINDS, `level` one of projects.LEVELS or None, `amount_wan` in
    万元 (≥ 0) or None."""

    kind: str
    name: str
    granted_on: date
    level: str | None = None
    amount_wan: float | None = None
    note: str | None = None


def record_measure(ctx: Context, *, actor: Actor, consortium_id: int, measure: Measure) -> int:
    """The city bureau records a platform, talent programme or application scenario for a consortium.

    Returns the new measure's id.

    Raises:
        NotFound: the consortium is outside the caller's scope.
        Forbidden: the caller is not a city clerk (support is the bureau's to grant).
        Conflict: the consortium is not filed (a draft or ended one receives no support).
        InvalidInput: unknown kind or level, missing name, negative or absurd amount, a grant day before
            2000 or more than 5 years ahead (fields named).
    """
    problems: dict[str, list[str]] = {}
    if measure.kind not in KINDS:
        problems["kind"] = [f"应为 {', '.join(KINDS)} 之一 / Must be one of {', '.join(KINDS)}"]
    if not measure.name.strip():
        problems["name"] = ["此项为必填项 / Required"]
    if measure.level is not None and measure.level not in LEVELS:
        problems["level"] = [f"应为 {', '.join(LEVELS)} 之一 / Must be one of {', '.join(LEVELS)}"]
    check_amount(measure.amount_wan, problems)
    now = ctx.now()
    date_bounds.check_start(measure.granted_on, "granted_on", problems, local_today(now))
    if problems:
        raise InvalidInput("支持措施信息有误 / The support measure has errors", problems)
    with ctx.unit_of_work() as uow:
        record = consortium_store.get_visible(uow.session, consortium_id, actor)
        if not actor.has(CITY_CLERK):
            raise Forbidden("只有市科技局可以登记支持措施 / Only the city bureau records support measures")
        if record.status not in SUPERVISED:  # support goes to filed consortia only (breakit F13)
            raise Conflict(
                f"创新联合体当前状态为“{status_label(record.status).zh}”，不在备案有效期内 / "
                f"Consortium {record.application_no} is {status_label(record.status).en}, not filed"
            )
        row = SupportMeasure(
            consortium_id=record.id, kind=measure.kind, name=measure.name.strip(), level=measure.level,
            amount_wan=measure.amount_wan, granted_on=measure.granted_on,
            note=(measure.note or "").strip() or None, recorded_by=actor.id, recorded_at=now,
        )
        uow.session.add(row)
        uow.session.flush()
        audit.record(uow.session, actor=actor, action="support_measure.recorded", at=now,
                     detail={"consortium": record.application_no, "kind": row.kind, "name": row.name})
        uow.commit()
        return row.id


def list_support(ctx: Context, *, actor: Actor, consortium_id: int) -> dict[str, Any]:
    """Everyone who sees the consortium reads its support: {"projects": [...], "measures": [...],
    "increasedSupport": bool, "latestGrade": str | None}.

    Raises NotFound when the consortium is outside the caller's scope.
    """
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        record = consortium_store.get_visible(session, consortium_id, actor)
        project_rows = session.scalars(sa.select(ConsortiumProject).where(
            ConsortiumProject.consortium_id == record.id).order_by(ConsortiumProject.id))
        measure_rows = session.scalars(sa.select(SupportMeasure).where(
            SupportMeasure.consortium_id == record.id).order_by(SupportMeasure.id))
        grade = latest_grades(session, [record.id]).get(record.id)
        return {
            "projects": [{
                "id": p.id, "projectNo": p.project_no, "name": p.name, "level": p.level, "mode": p.mode,
                "amountWan": p.amount_wan, "startedOn": p.started_on.isoformat(),
                "endsOn": p.ends_on.isoformat() if p.ends_on else None, "status": p.status,
            } for p in project_rows],
            "measures": [{
                "id": m.id, "kind": m.kind, "name": m.name, "level": m.level, "amountWan": m.amount_wan,
                "grantedOn": m.granted_on.isoformat(), "note": m.note,
            } for m in measure_rows],
            "latestGrade": grade,
            "increasedSupport": grade == "excellent",
        }


def latest_grades(session: Session, consortium_ids: list[int] | None = None) -> dict[int, str]:
    """consortium id -> grade of its latest evaluation result (latest published, then latest recorded)."""
    query = sa.select(EvaluationResult.consortium_id, EvaluationResult.grade).order_by(
        EvaluationResult.published_on, EvaluationResult.id)
    if consortium_ids is not None:
        query = query.where(EvaluationResult.consortium_id.in_(consortium_ids))
    return dict(session.execute(query).all())  # later rows overwrite earlier ones
