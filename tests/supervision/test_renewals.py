"""Renewal: at expiry the lead unit is invited, and its new application starts pre-filled and linked."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from service.cli import cli
from service.clock import SHANGHAI
from service.consortium.store.models import Consortium, Filing, PublicityNotice
from service.consortium.supervision import renewals
from service.engine import instances, jobs, notifications, tasks
from service.engine.store.models import AuditEvent, User
from service.errors import Conflict, Forbidden
from tests.supervision.calendar_files import write_arrangement
from tests.supervision.support import actor, consortium, filed_consortium
from tests.support.procedure import FORMS, MEMBERS, Walk
from tests.support.smtp import free_port, mail_context, receiving

LEAD_MAIL = "lead1@haier-demo.example.cn"


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



def test_a_filing_in_force_cannot_be_renewed_yet(ctx, clock):
    _, consortium_id = filed_consortium(ctx, clock)
    with ctx.unit_of_work(write=False) as uow:
        filing = uow.session.scalars(sa.select(Filing).where(Filing.consortium_id == consortium_id)).one()
    with pytest.raises(Conflict):
        renewals.start_renewal(ctx, actor=actor(ctx, "lead1"), filing_id=filing.id)


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def renewal_ctx(database_url, clock, port, monkeypatch, tmp_path):
    """A relay on loopback, an address for the lead unit's user, and 2027–2029 loaded by the admin CLI."""
    context = mail_context(database_url, clock, port)
    with context.unit_of_work() as uow:
        uow.session.execute(sa.update(User).where(User.id == "lead1").values(email=LEAD_MAIL))
        uow.commit()
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", database_url)
    for year in (2027, 2028, 2029):
        loaded = CliRunner().invoke(cli, ["calendar", "load", str(write_arrangement(tmp_path, year))])
        assert loaded.exit_code == 0 and loaded.output.startswith(f"{year}:"), loaded.output
    yield context
    context.db.dispose()


def test_an_expired_filing_is_renewed_end_to_end(renewal_ctx, clock, port):
    """Expired filing → invitation by e-mail → pre-filled application → publicity → filed → `renewed`."""
    ctx = renewal_ctx
    _, old_id = filed_consortium(ctx, clock)
    with receiving(port) as inbox:
        filing = expire(ctx, clock, old_id)
    [invited] = [m for m in inbox.to(LEAD_MAIL) if "重新申报" in m["Subject"]]
    assert filing.filing_no in invited["Subject"] and "预填" in invited.get_content()

    clock.set(datetime(2029, 3, 29, 9, 0, tzinfo=SHANGHAI))  # a fortnight later, before Qingming
    lead = actor(ctx, "lead1")
    started = renewals.start_renewal(ctx, actor=lead, filing_id=filing.id)
    walk = Walk(ctx)
    walk.instance_id, walk.business_key = started.id, started.business_key
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    walk.expert_review()
    walk.do("Task_Selection")
    with ctx.unit_of_work(write=False) as uow:
        notice = uow.session.scalars(
            sa.select(PublicityNotice).where(PublicityNotice.instance_id == started.id)
        ).one()
    # five working days from the loaded 2029 arrangement: Qingming (4–6 April) does not count
    assert (notice.start_date, notice.end_date) == (date(2029, 3, 30), date(2029, 4, 10))
    clock.set(notice.ends_at + timedelta(seconds=1))
    jobs.fire_due_jobs(ctx)
    walk.do("Task_FilingDecision")  # the city clerk's filing decision (issue 13 item 5)

    renewed = consortium(ctx, started.id)
    assert renewed.status == "filed" and renewed.previous_filing_id == filing.id
    assert consortium(ctx, consortium_id=old_id).status == "renewed"
    with ctx.unit_of_work(write=False) as uow:
        [event] = uow.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "renewal.filed"))
    assert event.instance_id == started.id
