"""A ban reaches the roles a unit already holds (issue 14, item 8; guideline 七（三）).

"取消创新联合体牵头单位资格，三年内不得牵头组建或作为核心层参与其他创新联合体建设": a unit entered in the
research credit record with a restriction may not stay lead of a consortium in force either. Each such
consortium gets a lead-unit case (`lead_unit_failure`, the same diagram as a failure), in which the city
bureau chooses a new lead from the members or revokes the filing.

Called right after a clerk enters a restriction (`integrity.record_integrity_event`) and by the scheduler
(`scheduler/runner.py`) for restrictions entered inside a command (a lead-unit failure decided in
`lead_unit_failure`), which cannot start instances in its own transaction.
"""

from __future__ import annotations

import sqlalchemy as sa

from ...actors import Actor
from ...clock import local_today
from ...context import Context
from ...engine.store.models import ProcessInstance
from ..store import supervision as store
from ..store.models import Consortium
from .standing import SUPERVISED, start_for_consortium

# lead_failure.PROCESS, not imported: lead_failure enters its bans through integrity, which calls this module
PROCESS = "lead_unit_failure"


def restricted_leads(ctx: Context) -> list[int]:
    """Ids of consortia in force whose lead unit is restricted today and that have no open lead case."""
    today = local_today(ctx.now())
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        found = []
        for record in session.scalars(sa.select(Consortium).where(Consortium.status.in_(SUPERVISED))):
            if not store.restrictions_in_force(session, record.lead_credit_code, today):
                continue
            open_case = session.scalars(
                sa.select(ProcessInstance.id).where(
                    ProcessInstance.definition_key == PROCESS,
                    ProcessInstance.status != "completed",
                    ProcessInstance.business_key.like(f"QTSZ-{record.application_no}-%"),
                )
            ).first()
            if open_case is None:
                found.append(record.id)
        return found


def open_cases_for_restricted_leads(ctx: Context, *, actor: Actor) -> list[str]:
    """Open a lead-unit case for every consortium whose lead is now restricted; returns the instance ids.

    Each case starts in its own transaction, as any start does; a second call opens none for the same
    consortium while its case is open.
    """
    return [
        start_for_consortium(ctx, actor=actor, consortium_id=consortium_id, key=PROCESS, prefix="QTSZ").id
        for consortium_id in restricted_leads(ctx)
    ]
