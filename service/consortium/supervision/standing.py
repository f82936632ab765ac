"""A filed consortium's standing: the topics every supervision diagram shares, and revocation.

Statuses after filing: filed → under_rectification → filed | revoked; filed → expired → renewed (a new
filing links back); filed → dissolved. Each change writes the audit trail.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from forms.vocabulary import status_label
from workflows.engine import ServiceCall

from ...actors import Actor
from ...context import Context
from ...engine.instances import Started, start_instance
from ...engine.store import audit, counters
from ...engine.store.models import ProcessInstance
from ...errors import Conflict, Forbidden
from ..store import consortia
from ..store import supervision as store
from ..store.models import Consortium, Filing

SUPERVISED = ("filed", "under_rectification")
Handler = Callable[[ServiceCall], dict[str, Any] | None]


def consortium_of(session: Session, call: ServiceCall) -> Consortium:
    return store.get_consortium(session, int(call.variables["consortium_id"]))


def member_items(session: Session, record: Consortium) -> list[dict[str, Any]]:
    """The members in force as process data (what forms check removals, thresholds and new leads against)."""
    items = []
    for member in store.members_in_force(record):
        org = consortia.find_organisation(session, member.credit_code)
        items.append(
            {
                "credit_code": member.credit_code,
                "name": org.name if org else member.credit_code,
                "category": member.category,
                "role": member.role,
            }
        )
    return items


ENDINGS = {
    # consortium status: (filing status, audit action)
    "revoked": ("revoked", "filing.revoked"),  # 取消备案 by the bureau
    "dissolved": ("withdrawn", "consortium.dissolved"),  # the lead unit dissolved it
}


def end_standing(
    session: Session,
    record: Consortium,
    status: str,
    *,
    reason: str,
    actor: Actor,
    now: datetime,
    instance_id: str | None = None,
) -> Filing | None:
    """The filing in force ends early and the consortium takes `status` (a key of ENDINGS)."""
    filing_status, action = ENDINGS[status]
    filing = store.filing_in_force(session, record.id)
    if filing is not None:
        filing.status = filing_status
    record.status, record.updated_at = status, now
    audit.record(
        session,
        actor=actor,
        action=action,
        at=now,
        instance_id=instance_id,
        detail={
            "consortium": record.application_no,
            "filing_no": filing.filing_no if filing else None,
            "reason": reason,
        },
    )
    return filing


PROCEDURE_NAMES = {  # supervision diagrams by process key: what a refusal calls an open one
    "performance_evaluation": ("绩效评价", "performance evaluation"),
    "lead_unit_failure": ("牵头单位履约失职处理", "lead-unit failure case"),
    "member_change": ("成员变更", "member change"),
}


def open_procedures(session: Session, record: Consortium, keys: Iterable[str]) -> list[ProcessInstance]:
    """The running instances of the supervision diagrams `keys` about `record` (their `consortium_id`
    variable; business keys `…-<application no>` or `…-<application no>-NN`), oldest first."""
    application_no = record.application_no
    rows = session.scalars(
        sa.select(ProcessInstance)
        .where(
            ProcessInstance.definition_key.in_(list(keys)),
            ProcessInstance.status.in_(("active", "incident")),
            sa.or_(ProcessInstance.business_key.like(f"%-{application_no}"),
                   ProcessInstance.business_key.like(f"%-{application_no}-%")),
        )
        .order_by(ProcessInstance.started_at)
    ).all()
    return [r for r in rows if json.loads(r.variables_json or "{}").get("consortium_id") == record.id]


def refuse_while_open(session: Session, record: Consortium, keys: Iterable[str], doing: tuple[str, str]
                      ) -> None:
    """Raise Conflict naming every open procedure of `keys` about `record` (`doing`: what is refused,
    Chinese and English)."""
    found = open_procedures(session, record, keys)
    if not found:
        return
    zh = "、".join(f"{PROCEDURE_NAMES.get(r.definition_key, (r.definition_key,))[0]}（{r.business_key}）"
                  for r in found)
    en = ", ".join(f"{PROCEDURE_NAMES.get(r.definition_key, ('', r.definition_key))[1]} {r.business_key}"
                   for r in found)
    raise Conflict(f"{record.application_no} 尚有未办结的{zh}，不能{doing[0]} / "
                   f"{record.application_no} has an open {en}: cannot {doing[1]}")


def pending_revocations(session: Session, record: Consortium) -> list[str]:
    """The business keys of the open performance evaluations of `record` graded unqualified whose hearing
    (陈述申辩) or revocation decision is still open (its result's outcome is `hearing`): a revocation of the
    filing (取消备案, guideline 七（二）) is pending while this is not empty."""
    return [
        r.business_key or r.id
        for r in open_procedures(session, record, ("performance_evaluation",))
        if (result := store.latest_result(session, r.id)) is not None and result.outcome == "hearing"
    ]


def refuse_while_revocation_pending(session: Session, record: Consortium, doing: tuple[str, str]) -> None:
    """Raise Conflict while a revocation of `record` is pending (`pending_revocations`, guideline 七（二）).
    `doing`: what is refused, Chinese and English."""
    pending = pending_revocations(session, record)
    if pending:
        raise Conflict(
            f"{record.application_no} 绩效评价（{'、'.join(pending)}）不合格，拟取消备案，"
            f"陈述申辩或取消备案决定尚未办结，不能{doing[0]} / {record.application_no} faces a pending "
            f"revocation (performance evaluation {', '.join(pending)} unqualified; hearing or decision "
            f"open): cannot {doing[1]}"
        )


def start_for_consortium(ctx: Context, *, actor: Actor, consortium_id: int, key: str, prefix: str,
                         variables: dict[str, Any] | None = None,
                         check: Callable[[Session, Consortium], None] | None = None) -> Started:
    """Start supervision diagram `key` for a consortium, numbered per consortium (`prefix`-<application>-NN),
    with `variables` beside `consortium_id`; `check(session, record)` runs in the start's transaction
    after the per-prefix counter is locked, so two starts at once see each other (it raises to refuse).

    The diagram's first step reads the consortium from its record and refuses callers out of place.

    Raises:
        NotFound: the consortium does not exist or is outside the caller's scope (checked first).
        Forbidden: the caller may not start diagram `key` (its starter groups) or act for this consortium.
    """
    with ctx.unit_of_work(write=False) as uow:
        consortia.get_visible(uow.session, consortium_id, actor)

    def numbering(session: Session) -> str:  # drawn in the start's own transaction (store/counters.py)
        record = store.get_consortium(session, consortium_id)
        numbered = f"{prefix}-{record.application_no}-"
        number = counters.next_number(
            session, "supervision", numbered, ProcessInstance.business_key, numbered, width=2
        )
        if check is not None:
            check(session, record)
        return number

    return start_instance(
        ctx, key=key, actor=actor, numbering=numbering,
        variables={**(variables or {}), "consortium_id": consortium_id},
    )


def topics(session: Session, row: ProcessInstance, actor: Actor, now: datetime) -> dict[str, Handler]:
    """`load_consortium` and `revoke_filing`, used by every supervision diagram."""

    def load_consortium(call: ServiceCall) -> dict[str, Any]:
        """Read the consortium from its record, never from start variables, and scope the instance to it."""
        record = consortium_of(session, call)
        if call.inputs.get("starter") == "lead" and not (
            actor.sees_everything or actor.org_credit_code == record.lead_credit_code
        ):
            raise Forbidden(
                "只有该创新联合体的牵头单位可以发起 / Only the consortium's lead unit may start this"
            )
        if record.status not in SUPERVISED:
            raise Conflict(
                f"创新联合体当前状态为“{status_label(record.status).zh}”，不在备案有效期内 / "
                f"Consortium {record.application_no} is {status_label(record.status).en}, not filed"
            )
        filing = store.filing_in_force(session, record.id)
        lead = consortia.find_organisation(session, record.lead_credit_code)
        row.district, row.lead_credit_code = record.district, record.lead_credit_code
        return {
            "application_no": record.application_no,
            "consortium_name": record.name,
            "lead_credit_code": record.lead_credit_code,
            "lead_name": lead.name if lead else record.lead_credit_code,
            "district": record.district,
            "filing_no": filing.filing_no if filing else None,
            "current_members": member_items(session, record),
        }

    def revoke_filing(call: ServiceCall) -> None:
        reason = str(call.inputs.get("reason") or "")
        end_standing(
            session,
            consortium_of(session, call),
            "revoked",
            reason=reason,
            actor=actor,
            now=now,
            instance_id=row.id,
        )
        result = store.latest_result(session, row.id)  # present when an evaluation failed twice
        if result is not None:
            result.outcome = "revoked"

    return {"load_consortium": load_consortium, "revoke_filing": revoke_filing}


def audit_step(
    session: Session,
    actor: Actor,
    now: datetime,
    row: ProcessInstance,
    call: ServiceCall,
    action: str,
    detail: dict,
) -> None:
    """Audit a decision a service task carried out, naming the instance and the diagram element."""
    audit.record(
        session,
        actor=actor,
        action=action,
        at=now,
        instance_id=row.id,
        element_id=call.element_id,
        detail=detail,
    )
