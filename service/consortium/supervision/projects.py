"""Projects a consortium undertakes, and dissolution, which guideline 七（三） forbids while one is active
("创新联合体在承担项目期间，不得自行解散").
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forms.vocabulary import status_label

from ...actors import CITY_CLERK, Actor
from ...clock import local_today
from ...context import Context
from ...engine.store import audit
from ...errors import Conflict, Forbidden, InvalidInput, NotFound
from ..store import consortia as consortium_store
from ..store import supervision as store
from ..store.models import Consortium
from ..store.supervision_models import ConsortiumProject
from . import date_bounds
from .standing import PROCEDURE_NAMES, SUPERVISED, end_standing, refuse_while_open

LEVELS = {"national": "国家级", "provincial": "省级", "city": "市级", "other": "其他"}
#: 六: how a project is organised (公开竞争, 专项组织, 揭榜挂帅), issue 14 item 10
MODES = {"open": "公开竞争", "special": "专项组织", "challenge": "揭榜挂帅"}
MAX_AMOUNT_WAN = 10_000_000.0  # 万元; anything above is a typing error


def check_amount(amount_wan: float | None, problems: dict[str, list[str]], field: str = "amount_wan") -> None:
    """Add a problem under `field` unless the amount is None or 0 … MAX_AMOUNT_WAN 万元."""
    if amount_wan is not None and not 0 <= amount_wan <= MAX_AMOUNT_WAN:
        top = f"{MAX_AMOUNT_WAN:.0f}"
        problems[field] = [f"金额应在 0 至 {top} 万元之间 / Amount must be 0 … {top} (万元)"]


def record_project(
    ctx: Context,
    *,
    actor: Actor,
    consortium_id: int,
    project_no: str,
    name: str,
    level: str,
    started_on: date,
    ends_on: date | None = None,
    mode: str | None = None,
    amount_wan: float | None = None,
) -> int:
    """The bureau, or the consortium's lead unit, records a project it undertakes (立项); it stays active
    until completed (only the bureau closes it: `complete_project`).

    Raises:
        NotFound: the consortium is outside the caller's scope.
        Forbidden: neither the city bureau nor the consortium's lead unit.
        Conflict: the consortium's filing is not in force (a project is undertaken as a filed consortium).
        Conflict: the consortium already has a project of this number (also when two are recorded at
            once: the unique constraint uq_consortium_project_no).
        InvalidInput: missing number or name, unknown level or mode (MODES), ending before it starts,
            starting before 2000 or more than 5 years ahead (date_bounds.py), an amount (万元) below 0
            or above MAX_AMOUNT_WAN.
    """
    problems: dict[str, list[str]] = {}
    if not project_no.strip():
        problems["project_no"] = ["此项为必填项 / Required"]
    if not name.strip():
        problems["name"] = ["此项为必填项 / Required"]
    if level not in LEVELS:
        problems["level"] = [f"应为 {', '.join(LEVELS)} 之一 / Must be one of {', '.join(LEVELS)}"]
    if mode is not None and mode not in MODES:
        problems["mode"] = [f"应为 {', '.join(MODES)} 之一 / Must be one of {', '.join(MODES)}"]
    check_amount(amount_wan, problems)
    now = ctx.now()
    date_bounds.check_start(started_on, "started_on", problems, local_today(now))
    if ends_on and ends_on < started_on:
        problems["ends_on"] = ["结束日期早于开始日期 / Ends before it starts"]
    elif ends_on and ends_on.year > 9000:
        problems["ends_on"] = ["结束日期不合理 / The end date is not plausible"]
    if problems:
        raise InvalidInput("项目信息有误 / The project record has errors", problems)
    with ctx.unit_of_work() as uow:
        record = consortium_store.get_visible(uow.session, consortium_id, actor)
        if not actor.has(CITY_CLERK) and actor.org_credit_code != record.lead_credit_code:
            raise Forbidden(
                "只有市科技局或该联合体的牵头单位可以登记承担项目 / "
                "Only the city bureau or the consortium's lead unit records its projects"
            )
        if record.status not in SUPERVISED:
            raise Conflict(
                f"创新联合体当前状态为“{status_label(record.status).zh}”，不在备案有效期内 / "
                f"Consortium {record.application_no} is {status_label(record.status).en}, not filed"
            )
        _refuse_duplicate(uow.session, record, project_no.strip())
        project = ConsortiumProject(
            consortium_id=record.id,
            project_no=project_no.strip(),
            name=name.strip(),
            level=level,
            started_on=started_on,
            ends_on=ends_on,
            mode=mode,
            amount_wan=amount_wan,
            status="active",
            recorded_by=actor.id,
            recorded_at=now,
        )
        uow.session.add(project)
        application_no = record.application_no  # a failed flush expires every loaded object
        try:
            uow.session.flush()
        except IntegrityError:  # recorded at the same moment by another request (uq_consortium_project_no)
            raise _duplicate(application_no, project_no.strip()) from None
        audit.record(
            uow.session,
            actor=actor,
            action="project.recorded",
            at=now,
            detail={"consortium": record.application_no, "project_no": project.project_no},
        )
        uow.commit()
        return project.id


def _duplicate(application_no: str, project_no: str) -> Conflict:
    return Conflict(f"{application_no} 已登记项目编号 {project_no} / "
                    f"Project {project_no} is already recorded for {application_no}")


def _refuse_duplicate(session: Session, record: Consortium, project_no: str) -> None:
    """Conflict when the consortium already has a project of this number (breakit F13)."""
    found = session.scalar(sa.select(ConsortiumProject.id).where(
        ConsortiumProject.consortium_id == record.id, ConsortiumProject.project_no == project_no))
    if found is not None:
        raise _duplicate(record.application_no, project_no)


def complete_project(ctx: Context, *, actor: Actor, project_id: int) -> None:
    """The project ended (结题); it no longer keeps the consortium from dissolving."""
    if not actor.has(CITY_CLERK):
        raise Forbidden("只有市科技局可以登记项目结题 / Only the city bureau closes projects")
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        project = uow.session.get(ConsortiumProject, project_id)
        if project is None:
            raise NotFound(f"项目不存在 / Project {project_id} does not exist")
        project.status = "completed"
        audit.record(
            uow.session,
            actor=actor,
            action="project.completed",
            at=now,
            detail={"project_no": project.project_no},
        )
        uow.commit()


def request_dissolution(ctx: Context, *, actor: Actor, consortium_id: int, reason: str) -> dict[str, Any]:
    """The lead unit dissolves its consortium; refused, naming the project, while one is active.

    Raises:
        NotFound: the consortium is not the caller's.
        Forbidden: the caller is not its lead unit.
        Conflict: a project is active, the consortium is not filed, or a performance evaluation, a
            lead-unit failure case or a member change of it is open (naming it).
        InvalidInput: no reason given.
    """
    if not reason.strip():
        raise InvalidInput("请说明解散理由 / Give a reason", {"reason": ["此项为必填项 / Required"]})
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        record = consortium_store.get_visible(session, consortium_id, actor)
        if actor.org_credit_code != record.lead_credit_code:
            raise Forbidden("只有牵头单位可以申请解散 / Only the lead unit may dissolve the consortium")
        active = store.active_projects(session, record.id)
        if active:
            names = "、".join(f"“{p.name}”（{p.project_no}）" for p in active)
            raise Conflict(
                f"创新联合体正在承担项目{names}，承担项目期间不得自行解散 / "
                f"The consortium carries {', '.join(p.project_no for p in active)} and may not dissolve "
                "while a project is active"
            )
        if record.status not in SUPERVISED:
            raise Conflict(f"创新联合体当前状态为“{status_label(record.status).zh}” / "
                           f"The consortium is {status_label(record.status).en}")
        # breakit F19: an open evaluation (its rectification and hearing run inside it) or failure case
        # is not escaped by dissolving; nor is a member change left running for a dissolved consortium
        refuse_while_open(session, record, PROCEDURE_NAMES, ("自行解散", "dissolve"))
        filing = end_standing(session, record, "dissolved", reason=reason.strip(), actor=actor, now=now)
        uow.commit()
        return {"status": record.status, "filingNo": filing.filing_no if filing else None}
