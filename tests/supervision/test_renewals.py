"""Renewal: at expiry the lead unit is invited, and its new application starts pre-filled and linked."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.actors import SYSTEM
from service.errors import Conflict, Forbidden
from service.store.models import Consortium, Filing
from service.usecases import instances, jobs, notifications, tasks
from service.usecases.supervision import renewals
from tests.supervision.support import actor, consortium, filed_consortium
from tests.support.procedure import FORMS, MEMBERS


def expire(ctx, clock, consortium_id: int) -> Filing:
    with ctx.unit_of_work(write=False) as uow:
        filing = uow.session.scalars(sa.select(Filing).where(Filing.consortium_id == consortium_id)).one()
    clock.set(clock.now() + timedelta(days=(filing.valid_until - filing.valid_from).days + 2))
    jobs.fire_due_jobs(ctx)
    return filing


def test_renewal_starts_pre_filled_from_the_expired_filing(ctx, clock):
    walk, consortium_id = filed_consortium(ctx, clock)
    filing = expire(ctx, clock, consortium_id)
    assert consortium(ctx, consortium_id=consortium_id).status == "expired"

    lead = actor(ctx, "lead1")
    [invitation] = renewals.list_invitations(ctx, actor=lead)
    assert (invitation["filingId"], invitation["status"]) == (filing.id, "open")
    notes = notifications.list_notifications(ctx, actor=lead)
    assert any(n.kind == "renewal_invitation" and filing.filing_no in n.subject for n in notes)

    with pytest.raises(Forbidden):
        renewals.start_renewal(ctx, actor=actor(ctx, "member1"), filing_id=filing.id)
    started = renewals.start_renewal(ctx, actor=lead, filing_id=filing.id)

    variables = instances.get_instance(ctx, instance_id=started.id, actor=lead)["variables"]
    assert variables["consortium_name"] == FORMS["Task_Initiate"]["consortium_name"]
    assert variables["plan"] == FORMS["Task_DraftPlan"]["plan"]
    assert variables["chief_expert"]["name"] == "刘海岳"
    assert [m["credit_code"] for m in variables["invited_members"]] == [m["credit_code"] for m in MEMBERS]
    assert (variables["previous_filing_no"], variables["previous_filing_id"]) == (filing.filing_no, filing.id)
    # the lead unit's first form shows the previous answers
    [initiate] = tasks.list_tasks(ctx, actor=lead, query=None)
    shown = tasks.task_variables(ctx, task_id=initiate.id, actor=lead)
    assert shown["key_technology"] == FORMS["Task_Initiate"]["key_technology"]
    with ctx.unit_of_work(write=False) as uow:
        renewal = uow.session.scalars(sa.select(Consortium).where(Consortium.instance_id == started.id)).one()
    assert renewal.previous_filing_id == filing.id and renewal.id != consortium_id
    assert renewals.list_invitations(ctx, actor=lead)[0]["status"] == "accepted"
    with pytest.raises(Conflict):
        renewals.start_renewal(ctx, actor=lead, filing_id=filing.id)

    with ctx.unit_of_work() as uow:  # what filing the renewal does (file_consortium calls it)
        renewals.mark_renewed(
            uow.session, uow.session.get(Consortium, renewal.id), actor=SYSTEM, now=clock.now()
        )
        uow.commit()
    assert consortium(ctx, consortium_id=consortium_id).status == "renewed"


def test_a_filing_in_force_cannot_be_renewed_yet(ctx, clock):
    _, consortium_id = filed_consortium(ctx, clock)
    with ctx.unit_of_work(write=False) as uow:
        filing = uow.session.scalars(sa.select(Filing).where(Filing.consortium_id == consortium_id)).one()
    with pytest.raises(Conflict):
        renewals.start_renewal(ctx, actor=actor(ctx, "lead1"), filing_id=filing.id)
