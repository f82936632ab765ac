"""The recommendation procedure's domain side: the consortium record kept in step with its instance,
and the service-task handlers (publicity, filing, expiry, outcome) the diagram calls by topic.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from workflows.engine import Instance as RunningInstance
from workflows.engine import ServiceCall

from ..actors import Actor
from ..clock import local_today
from ..deadline_settings import DeadlineSettings
from ..engine import calendar
from ..engine.store import audit, instances
from ..engine.store.models import ProcessInstance
from . import objections
from .procedure import RECOMMENDATION, end_of_day  # noqa: F401  (importers name them here)
from .store import consortia
from .store.models import Consortium, Filing, Membership, PublicityNotice

FINAL_STATUSES = {"filed", "expired", "rejected", "not_selected", "not_filed", "revoked"}
# Statuses supervision (consortium/supervision) moves a filed consortium through; membership then changes
# only by supplementary agreement, never from the application's variables.
AFTER_FILING = FINAL_STATUSES | {"under_rectification", "renewed", "dissolved"}
# What a user task declares in the diagram (Modeler: Extension properties), never its element id:
STATUS = "consortium.status"  # the application's status while the task is open (e.g. district_review)
STEP = "consortium.step"  # the procedure step the task is (e.g. handle_objection)
Handler = Callable[[ServiceCall], dict[str, Any] | None]


def sync(session: Session, row: ProcessInstance, running: RunningInstance, now: datetime,
         settings: DeadlineSettings | None = None) -> None:
    """Keep the consortium record, its members and who may see the instance in step with the process
    (an `after_save` hook: the command's session, the instance row just saved, the running instance)."""
    if row.definition_key != RECOMMENDATION:
        return
    variables = running.variables
    consortium = consortia.find_by_instance(session, row.id) or _create(session, row, variables, now)
    consortium.name = variables.get("consortium_name") or consortium.name
    consortium.industry = variables.get("industry") or consortium.industry
    consortium.sub_track = variables.get("sub_track") or consortium.sub_track
    consortium.chain_leader = bool(variables.get("chain_leader", consortium.chain_leader))
    chief = variables.get("chief_expert") or {}
    consortium.chief_expert_name = chief.get("name") or consortium.chief_expert_name
    consortium.updated_at = now
    if consortium.status not in AFTER_FILING:
        _sync_members(session, consortium, variables)
    open_tasks = running.user_tasks()
    consortium.step = ",".join(dict.fromkeys(t.element_id for t in open_tasks)) or None  # where it is, shown
    declared = [str(t.properties[STATUS]) for t in open_tasks if t.properties.get(STATUS)]
    if declared and consortium.status not in FINAL_STATUSES:  # no step declaring one: the status stays
        consortium.status = declared[0]
    for member in consortium.members:
        instances.grant(session, row.id, "org", member.credit_code)
    from .reviews import panel_access  # late: expert review builds on commands, which imports this module

    panel_access.grant_panel(session, row.id)  # declared experts only: a replaced one never regains access


def _create(session: Session, row: ProcessInstance, variables: dict, now: datetime) -> Consortium:
    lead = variables["lead_credit_code"]
    org = consortia.ensure_organisation(
        session, credit_code=lead, name=variables.get("lead_name") or lead, category="enterprise"
    )
    consortium = Consortium(
        application_no=row.business_key or row.id,
        instance_id=row.id,
        lead_credit_code=lead,
        district=row.district,
        status="draft",
        previous_filing_id=variables.get("previous_filing_id"),
        created_at=now,
        updated_at=now,
    )
    consortium.members = [
        Membership(credit_code=lead, role="lead", category=org.category, status="confirmed")
    ]
    session.add(consortium)
    instances.grant(session, row.id, "org", lead)
    return consortium


def _sync_members(session: Session, consortium: Consortium, variables: dict) -> None:
    invited = variables.get("invited_members") or []
    by_code = {m.credit_code: m for m in consortium.members if m.role != "lead"}
    wanted = set()
    for item in invited:
        code = item.get("credit_code")
        if not code:
            continue
        wanted.add(code)
        status = {"confirm": "confirmed", "decline": "declined"}.get(item.get("decision"), "invited")
        member = by_code.get(code)
        if member is None:
            org = consortia.ensure_organisation(  # registered (or pending) by membership_checks first
                session, credit_code=code, name=item.get("name") or code,
                category=item.get("category") or "other",
            )
            consortium.members.append(
                Membership(
                    credit_code=code,
                    role=item.get("role") or "core",
                    category=org.category,  # the register's category, never the lead unit's declaration
                    status=status,
                )
            )
        else:
            member.status, member.role = status, item.get("role") or member.role
    for code, member in by_code.items():
        if code not in wanted:
            consortium.members.remove(member)


def handlers(
    session: Session,
    row: ProcessInstance,
    actor: Actor,
    now: datetime,
    settings: DeadlineSettings | None = None,
) -> dict[str, Handler]:
    """The service-task topics of the recommendation diagram, bound to this command's transaction.

    `settings` (the publicity rule, the mail relay) come from the command's Context: a handler has none,
    and whatever it notifies goes into the same transaction's outbox (`notifications.notify_users`).
    """
    settings = settings or DeadlineSettings()

    def consortium() -> Consortium:
        found = consortia.find_by_instance(session, row.id)
        if found is None:  # the instance is synced before any service task can be reached
            raise LookupError(f"no consortium record for instance {row.id}")
        return found

    def open_publicity(call: ServiceCall) -> dict[str, Any]:
        record = consortium()
        rule = settings.publicity
        start, end = calendar.publicity_period(calendar.WorkingCalendar(session), local_today(now), rule)
        ends_at = end_of_day(end)
        if call.variables.get("round_publicity_end_at"):  # the round's one notice: same dates for all
            start = date.fromisoformat(call.variables["round_publicity_start"])
            end = date.fromisoformat(call.variables["round_publicity_end"])
            ends_at = datetime.fromisoformat(call.variables["round_publicity_end_at"])
        notice = PublicityNotice(
            consortium_id=record.id,
            instance_id=row.id,
            start_date=start,
            end_date=end,
            ends_at=ends_at,
            rule=call.variables.get("round_publicity_rule") or rule.describe(),
            published_at=now,
        )
        session.add(notice)
        record.status = "publicity"
        audit.record(
            session,
            actor=actor,
            action="publicity.opened",
            at=now,
            instance_id=row.id,
            element_id=call.element_id,
            detail={"start": start.isoformat(), "end": end.isoformat()},
        )
        return {
            "publicity_start": start.isoformat(),
            "publicity_end": end.isoformat(),
            "publicity_end_at": ends_at.isoformat(),
        }

    def file_consortium(call: ServiceCall) -> dict[str, Any]:
        record = consortium()
        valid_from = local_today(now)
        valid_until = calendar.add_years(valid_from, 3)
        filing = Filing(
            filing_no=consortia.next_number(
                session, Filing.filing_no, f"QDCXLHT-{valid_from.year}-", "filing", str(valid_from.year)
            ),
            consortium_id=record.id,
            valid_from=valid_from,
            valid_until=valid_until,
            status="filed",
            filed_at=now,
            document_no=str(call.variables.get("document_no") or "").strip() or None,  # Task_FilingDecision
        )
        session.add(filing)
        record.status = "filed"
        _supervision().renewals.mark_renewed(session, record, actor=actor, now=now)
        audit.record(
            session,
            actor=actor,
            action="filing.created",
            at=now,
            instance_id=row.id,
            element_id=call.element_id,
            detail={"filing_no": filing.filing_no, "valid_until": valid_until.isoformat(),
                    "document_no": filing.document_no},
        )
        return {
            "filing_no": filing.filing_no,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
            "validity_end_at": end_of_day(valid_until).isoformat(),
        }

    def expire_filing(call: ServiceCall) -> None:
        record = consortium()
        expired = [f for f in consortia.filings_of(session, record.id) if f.status == "filed"]
        for filing in expired:
            filing.status = "expired"
        if record.status in ("filed", "under_rectification"):  # revoked or dissolved stays so
            record.status = "expired"
        for filing in expired:
            _supervision().renewals.invite_to_renew(session, record, filing, actor=actor, now=now,
                                                    settings=settings)
        audit.record(
            session,
            actor=actor,
            action="filing.expired",
            at=now,
            instance_id=row.id,
            element_id=call.element_id,
        )

    def update_application_status(call: ServiceCall) -> None:
        status = str(call.inputs.get("status") or "")
        if not status:
            raise ValueError(f"{call.element_id}: input parameter 'status' is missing")
        consortium().status = status
        audit.record(
            session,
            actor=actor,
            action="application.status_changed",
            at=now,
            instance_id=row.id,
            element_id=call.element_id,
            detail={"status": status},
        )

    return {
        "open_publicity": open_publicity,
        "file_consortium": file_consortium,
        "expire_filing": expire_filing,
        "update_application_status": update_application_status,
        **objections.handlers(session, row, actor, now),  # one handling task per objection (issue 13)
        **_review_handlers(session, row, actor, now),  # expert_review's topics
        **_supervision().topics.handlers(session, row, actor, now),  # the diagrams after filing
    }


def _review_handlers(
    session: Session, row: ProcessInstance, actor: Actor, now: datetime
) -> dict[str, Handler]:
    from .reviews import review_hooks  # late: expert review builds on commands, which imports this module

    return review_hooks.handlers(session, row, actor, now)


def _supervision():
    """The supervision package (late: its use cases start instances, which imports this module)."""
    from .supervision import renewals, topics

    return SimpleNamespace(renewals=renewals, topics=topics)


def describe(record: Consortium, session: Session) -> dict[str, Any]:
    """A JSON-safe view of a consortium with its members and filings."""
    filings = consortia.filings_of(session, record.id)
    return {
        "id": record.id,
        "applicationNo": record.application_no,
        "name": record.name,
        "industry": record.industry,
        "leadCreditCode": record.lead_credit_code,
        "district": record.district,
        "status": record.status,
        "step": record.step,
        "chiefExpert": record.chief_expert_name,
        "processInstanceId": record.instance_id,
        "members": [
            {"creditCode": m.credit_code, "role": m.role, "category": m.category, "status": m.status}
            for m in record.members
        ],
        "filings": [
            {
                "filingNo": f.filing_no,
                "validFrom": f.valid_from.isoformat(),
                "validUntil": f.valid_until.isoformat(),
                "status": f.status,
            }
            for f in filings
        ],
    }
