"""The supervision record of one consortium as the registry and /api show it: standing, membership
history, projects, evaluations, member changes and credit-record entries.
"""

from __future__ import annotations

from typing import Any

from ...actors import Actor
from ...context import Context
from ..store import consortia
from ..store import supervision as store
from .evaluations import describe_result
from .integrity import describe as describe_entry
from .member_changes import describe_change


def supervision_record(ctx: Context, *, actor: Actor, consortium_id: int) -> dict[str, Any]:
    """Raises NotFound when the consortium is outside the caller's scope."""
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        record = consortia.get_visible(session, consortium_id, actor)
        filing = store.latest_filing(session, record.id)
        return {
            "id": record.id,
            "applicationNo": record.application_no,
            "status": record.status,
            "leadCreditCode": record.lead_credit_code,
            "previousFilingId": record.previous_filing_id,
            "filing": {
                "filingNo": filing.filing_no,
                "status": filing.status,
                "validFrom": filing.valid_from.isoformat(),
                "validUntil": filing.valid_until.isoformat(),
            }
            if filing
            else None,
            "membershipHistory": [
                {
                    "creditCode": m.credit_code,
                    "role": m.role,
                    "status": m.status,
                    "effectiveFrom": m.effective_from.isoformat() if m.effective_from else None,
                    "effectiveUntil": m.effective_until.isoformat() if m.effective_until else None,
                }
                for m in record.members
            ],
            "projects": [
                {
                    "id": p.id,
                    "projectNo": p.project_no,
                    "name": p.name,
                    "level": p.level,
                    "status": p.status,
                    "startedOn": p.started_on.isoformat() if p.started_on else None,
                    "endsOn": p.ends_on.isoformat() if p.ends_on else None,
                    "recordedBy": p.recorded_by,
                }
                for p in store.projects_of(session, record.id)
            ],
            "evaluations": [
                describe_result(session, r) for r in store.evaluation_results(session, record.id)
            ],
            "memberChanges": [describe_change(c) for c in store.member_changes_of(session, record.id)],
            "integrityRecords": [
                describe_entry(e) for e in store.integrity_records_of_consortium(session, record.id)
            ]
            if actor.sees_everything
            else [],
        }
