"""Progress tracking (guideline 七（一）: 定期跟踪建设进展), issue 14 item 11.

The lead unit reports its progress every N months of the filing (N = `DeadlineSettings.
progress_report_months`, env CONSORTIUM_PROGRESS_MONTHS, default 6): the periods end on valid_from + N,
+ 2N … months, before the validity's last day. A report answers the earliest period still unanswered
(it may come early). A `progress_reminder` job, kept on the consortium's application instance, fires at
09:00 on the next period's end: it reminds the lead unit unless that period is answered, then schedules
the next one. The district and the city read the reports on the consortium's page (as does anyone who
sees the consortium).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from forms.vocabulary import status_label

from ...actors import SYSTEM, Actor
from ...clock import SHANGHAI, local_today
from ...context import Context
from ...deadline_settings import DeadlineSettings
from ...engine import notifications
from ...engine.store import audit, instances
from ...engine.store import jobs as job_store
from ...engine.store.models import Job, User
from ...errors import Conflict, Forbidden, InvalidInput
from ..store import consortia as consortium_store
from ..store.models import Consortium, Filing
from ..store.supervision_models import ProgressReport
from .evaluations import add_months
from .standing import SUPERVISED

KIND = "progress_reminder"
REMINDER_HOUR = time(9, 0)
MIN_SUMMARY, MAX_SUMMARY = 10, 20000


def period_ends(filing: Filing, months: int) -> list[date]:
    """The ends of the reporting periods of `filing`: valid_from + k·months (k ≥ 1) before valid_until (the
    end of validity itself is met by expiry and renewal, not by another progress report)."""
    ends, k = [], 1
    while (end := add_months(filing.valid_from, k * months)) < filing.valid_until:
        ends.append(end)
        k += 1
    return ends


def _filing(session: Session, record: Consortium) -> Filing | None:
    return session.scalars(
        sa.select(Filing).where(Filing.consortium_id == record.id, Filing.status == "filed")
        .order_by(Filing.id.desc())
    ).first()


def _reported(session: Session, record: Consortium) -> set[date]:
    query = sa.select(ProgressReport.due_on).where(ProgressReport.consortium_id == record.id)
    return set(session.scalars(query))


def next_due(session: Session, record: Consortium, months: int) -> date | None:
    """The end of the earliest period without a report; None when not filed or every period is answered."""
    filing = _filing(session, record)
    if filing is None or record.status not in SUPERVISED:
        return None
    reported = _reported(session, record)
    return next((end for end in period_ends(filing, months) if end not in reported), None)


def submit_report(ctx: Context, *, actor: Actor, consortium_id: int, summary: str) -> dict[str, Any]:
    """The lead unit submits its progress report for the earliest unanswered period.

    Returns {"id", "dueOn"}.

    Raises:
        NotFound: the consortium is outside the caller's scope (another organisation's lead).
        Forbidden: the caller is not the consortium's lead unit (a member, a clerk).
        InvalidInput: `summary` empty, shorter than MIN_SUMMARY or longer than MAX_SUMMARY characters.
        Conflict: the filing is not in force, or every period of it is already answered.
    """
    text = summary.strip()
    if not MIN_SUMMARY <= len(text) <= MAX_SUMMARY:
        raise InvalidInput("进展报告有误 / The progress report has errors", {"summary": [
            f"应为 {MIN_SUMMARY}–{MAX_SUMMARY} 个字符 / Must be {MIN_SUMMARY}–{MAX_SUMMARY} characters"]})
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        record = consortium_store.get_visible(session, consortium_id, actor)
        if actor.org_credit_code != record.lead_credit_code:
            raise Forbidden("只有牵头单位可以报送建设进展 / Only the lead unit reports progress")
        due = next_due(session, record, ctx.config.deadlines.progress_report_months)
        if due is None:
            raise Conflict(
                f"创新联合体当前状态为“{status_label(record.status).zh}”，无待报送的进展报告 / "
                f"Consortium {record.application_no} ({status_label(record.status).en}) has no progress "
                "report due"
            )
        report = ProgressReport(consortium_id=record.id, due_on=due, summary=text,
                                submitted_by=actor.id, submitted_at=now)
        session.add(report)
        session.flush()
        audit.record(session, actor=actor, action="progress.reported", at=now, instance_id=record.instance_id,
                     detail={"consortium": record.application_no, "due_on": due.isoformat()})
        uow.commit()
        return {"id": report.id, "dueOn": due.isoformat()}


def list_reports(ctx: Context, *, actor: Actor, consortium_id: int) -> dict[str, Any]:
    """The reports of a consortium, for whoever sees it (its units, its district, the city):
    {"frequencyMonths", "nextDueOn" (or None), "overdue" (bool), "reports": [{"id", "dueOn", "summary",
    "submittedBy", "submittedAt"}]}.

    Raises NotFound when the consortium is outside the caller's scope.
    """
    months = ctx.config.deadlines.progress_report_months
    today = local_today(ctx.now())
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        record = consortium_store.get_visible(session, consortium_id, actor)
        due = next_due(session, record, months)
        rows = session.scalars(sa.select(ProgressReport).where(ProgressReport.consortium_id == record.id)
                               .order_by(ProgressReport.due_on))
        return {
            "frequencyMonths": months,
            "nextDueOn": due.isoformat() if due else None,
            "overdue": bool(due and due < today),
            "reports": [{"id": r.id, "dueOn": r.due_on.isoformat(), "summary": r.summary,
                         "submittedBy": r.submitted_by, "submittedAt": r.submitted_at.isoformat()}
                        for r in rows],
        }


# --- the reminder job --------------------------------------------------------------------------------


def schedule(session: Session, record: Consortium, settings: DeadlineSettings, now: datetime) -> None:
    """Keep exactly one reminder job for the next period end after `now` while the filing is in force,
    none otherwise (called after every save of the application instance, and after a reminder fired)."""
    if not record.instance_id:
        return
    existing = [j for j in instances.instance_jobs(session, record.instance_id) if j.kind == KIND]
    wanted: datetime | None = None
    filing = _filing(session, record) if record.status in SUPERVISED else None  # no query before filing
    if filing is not None:
        for end in period_ends(filing, settings.progress_report_months):
            if (at := datetime.combine(end, REMINDER_HOUR, SHANGHAI)) > now:
                wanted = at
                break
    keep, wanted_day = None, wanted.date().isoformat() if wanted else None
    for job in existing:
        if keep is None and wanted_day and job_store.payload(job).get("due_on") == wanted_day:
            keep = job
        else:
            session.delete(job)
    if wanted is not None and keep is None:
        session.add(job_store.new_job(kind=KIND, instance_id=record.instance_id, due_at=wanted, now=now,
                                      retries=settings.job_retries,
                                      payload={"due_on": wanted.date().isoformat()}))


def fire(ctx: Context, session: Session, job: Job, now: datetime) -> None:
    """Remind the lead unit's users of the period ending `due_on` unless it is answered; schedule the next."""
    record = session.scalars(sa.select(Consortium).where(Consortium.instance_id == job.instance_id)).first()
    due_on = str(job_store.payload(job).get("due_on"))
    session.delete(job)
    session.flush()
    if record is None:
        return
    if record.status in SUPERVISED and date.fromisoformat(due_on) not in _reported(session, record):
        users = list(session.scalars(sa.select(User.id).where(
            User.org_credit_code == record.lead_credit_code, User.active.is_(True)).order_by(User.id)))
        notifications.notify(
            ctx, session, users, kind=KIND, instance_id=record.instance_id, now=now,
            subject=f"请报送建设进展报告（{due_on}）/ Progress report due {due_on}",
            body=f"创新联合体 {record.name} 的建设进展报告应于 {due_on} 报送，"
                 "请在联合体页面“建设进展”中提交。\n"
                 f"The progress report of consortium {record.name} is due on {due_on}; submit it on the "
                 "consortium's page (Progress).",
        )
        audit.record(session, actor=SYSTEM, action="reminder.progress_sent", at=now,
                     instance_id=record.instance_id, detail={"due_on": due_on, "to": users})
    schedule(session, record, ctx.config.deadlines, now)
