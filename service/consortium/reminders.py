"""Reminders as jobs: before a filing's validity ends, when a task is overdue, and its escalation.

They are projected like timers (DESIGN.md "Storage"): every save of an instance derives the reminder
jobs its state calls for, in the same transaction, so nothing but the job table needs to know. No
diagram change is needed: the filing's `valid_until` and each task's `camunda:dueDate` already carry the
dates. A reminder that has fired is deleted and never projected again (only future ones are created),
so a later save cannot send it twice.

    validity_reminder  09:00 on valid_until - N days (N from settings: 90, 30, 7) -> lead unit + city clerks
    task_overdue       the task's due date -> its assignee, else its candidates; then schedules
    task_escalation    due date + N working days, if the task is still open -> city clerks
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..actors import CITY_CLERK, DISTRICT_CLERK, SYSTEM
from ..clock import SHANGHAI
from ..context import Context
from ..deadline_settings import DeadlineSettings
from ..engine import notifications
from ..engine.calendar import WorkingCalendar
from ..engine.store import audit, instances
from ..engine.store import jobs as job_store
from ..engine.store.models import HumanTask, Job, ProcessInstance, User, UserGroup

VALIDITY, OVERDUE, ESCALATION = "validity_reminder", "task_overdue", "task_escalation"
KINDS = (VALIDITY, OVERDUE, ESCALATION)
REMINDER_HOUR = time(9, 0)


def project(session: Session, row: ProcessInstance, settings: DeadlineSettings, now: datetime) -> None:
    """Rewrite this instance's reminder jobs from its state (called by every command after the save)."""
    existing = [j for j in instances.instance_jobs(session, row.id) if j.kind in KINDS]  # read by the save
    _project_validity(session, row, settings, now, [j for j in existing if j.kind == VALIDITY])
    _project_tasks(session, row, settings, now, [j for j in existing if j.kind != VALIDITY])


def _project_validity(
    session: Session, row: ProcessInstance, settings: DeadlineSettings, now: datetime, existing: list[Job]
) -> None:
    variables = json.loads(row.variables_json or "{}")
    valid_until = variables.get("valid_until")
    wanted: dict[int, datetime] = {}
    if row.status != "completed" and valid_until:
        end = date.fromisoformat(str(valid_until)[:10])
        for days in settings.validity_reminder_days:
            wanted[days] = datetime.combine(date.fromordinal(end.toordinal() - days), REMINDER_HOUR, SHANGHAI)
    have = {job_store.payload(j).get("days_before"): j for j in existing}
    for days, job in have.items():
        if days not in wanted:
            session.delete(job)
    for days, due in wanted.items():
        if days not in have and due > now:
            session.add(job_store.new_job(
                kind=VALIDITY, instance_id=row.id, due_at=due, now=now, retries=settings.job_retries,
                payload={"days_before": days, "valid_until": str(valid_until)[:10],
                         "filing_no": variables.get("filing_no")},
            ))


def _project_tasks(
    session: Session, row: ProcessInstance, settings: DeadlineSettings, now: datetime, existing: list[Job]
) -> None:
    tasks = instances.open_tasks(session, row.id)  # as the save left them
    for job in existing:
        if job.task_id not in tasks:  # the task was completed: its reminders go with it
            session.delete(job)
    reminded = {j.task_id for j in existing}
    for task in tasks.values():
        if task.due_at is not None and task.id not in reminded and task.due_at > now:
            session.add(job_store.new_job(
                kind=OVERDUE, instance_id=row.id, task_id=task.id, element_id=task.element_id,
                due_at=task.due_at, now=now, retries=settings.job_retries,
            ))


# --- firing ------------------------------------------------------------------------------------------


def fire(ctx: Context, session: Session, job: Job, now: datetime) -> None:
    """Send the reminder `job` stands for and delete it (its successor, if any, takes its place)."""
    row = session.get(ProcessInstance, job.instance_id)
    if job.kind == VALIDITY:
        _remind_validity(ctx, session, row, job, now)
    else:
        task = session.get(HumanTask, job.task_id)
        if task is not None:
            (_remind_overdue if job.kind == OVERDUE else _escalate)(ctx, session, row, task, job, now)
    session.delete(job)


def _remind_validity(ctx: Context, session: Session, row: ProcessInstance, job: Job, now: datetime) -> None:
    data = job_store.payload(job)
    users = _org_users(session, row.lead_credit_code) + _group_users(session, CITY_CLERK)
    name = row.business_key or row.id
    if data.get("filing_no"):
        name += f"（备案号 {data['filing_no']}）"
    notifications.notify(
        ctx, session, users, kind=VALIDITY, instance_id=row.id, now=now,
        subject=f"备案有效期将于 {data['valid_until']} 届满 / Filing validity ends on {data['valid_until']}",
        body=f"创新联合体 {name} 的备案有效期还有 {data['days_before']} 天届满，请及时准备重新申报。\n"
             f"The filing of consortium {name} ends in {data['days_before']} days.",
    )
    _audit(session, row, job, now, "reminder.validity_sent", {"days_before": data["days_before"]})


def _remind_overdue(
    ctx: Context, session: Session, row: ProcessInstance, task: HumanTask, job: Job, now: datetime
) -> None:
    users = [task.assignee] if task.assignee else _candidates(session, task)
    due = _local(task.due_at)
    notifications.notify(
        ctx, session, users, kind=OVERDUE, instance_id=row.id, task_id=task.id, now=now,
        subject=f"任务已逾期：{task.name} / Task overdue: {task.name}",
        body=f"{row.business_key or row.id} 的任务“{task.name}”已于 {due:%Y-%m-%d %H:%M} 到期，请尽快办理。\n"
             f"The task '{task.name}' of {row.business_key or row.id} was due {due:%Y-%m-%d %H:%M}.",
    )
    days = ctx.config.deadlines.escalation_working_days
    # may raise UnknownCalendarYear: the job then becomes an incident until the year is loaded
    escalate_on = WorkingCalendar(session).add_working_days(due.date(), days)
    session.add(job_store.new_job(
        kind=ESCALATION, instance_id=row.id, task_id=task.id, element_id=task.element_id,
        due_at=datetime.combine(escalate_on, due.timetz()), now=now, retries=ctx.config.deadlines.job_retries,
        payload={"working_days": days},
    ))
    _audit(session, row, job, now, "reminder.overdue_sent", {"task": task.id, "to": users})


def _escalate(
    ctx: Context, session: Session, row: ProcessInstance, task: HumanTask, job: Job, now: datetime
) -> None:
    clerks = _group_users(session, CITY_CLERK)
    due = _local(task.due_at)
    notifications.notify(
        ctx, session, clerks, kind=ESCALATION, instance_id=row.id, task_id=task.id, now=now,
        subject=f"逾期督办：{task.name} / Escalated: {task.name}",
        body=f"{row.business_key or row.id} 的任务“{task.name}”自 {due:%Y-%m-%d} 到期后仍未办理。\n"
             f"The task '{task.name}' of {row.business_key or row.id} is still open since {due:%Y-%m-%d}.",
    )
    _audit(session, row, job, now, "reminder.escalated", {"task": task.id, "to": clerks})


def _audit(
    session: Session, row: ProcessInstance, job: Job, now: datetime, action: str, detail: dict
) -> None:
    audit.record(session, actor=SYSTEM, action=action, at=now, instance_id=row.id,
                 task_id=job.task_id, element_id=job.element_id, detail=detail)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


# --- recipients --------------------------------------------------------------------------------------


def _active_users(query: Any) -> list[str]:
    return query.where(User.active.is_(True)).order_by(User.id)


def _group_users(session: Session, group: str, district: str | None = None) -> list[str]:
    query = sa.select(User.id).join(UserGroup, UserGroup.user_id == User.id)
    query = query.where(UserGroup.group_id == group)
    if district:
        query = query.where(User.district == district)
    return list(session.scalars(_active_users(query)))


def _org_users(session: Session, credit_code: str | None) -> list[str]:
    if not credit_code:
        return []
    return list(session.scalars(_active_users(sa.select(User.id).where(User.org_credit_code == credit_code))))


def _candidates(session: Session, task: HumanTask) -> list[str]:
    """Who could take the task: named users, then the group's members within the task's scope."""
    users = [c.value for c in task.candidates if c.kind == "user"]
    for group in (c.value for c in task.candidates if c.kind == "group"):
        members = _group_users(session, group, task.district if group == DISTRICT_CLERK else None)
        if task.organisation:
            members = [u for u in members if u in set(_org_users(session, task.organisation))]
        users += members
    return list(dict.fromkeys(users))
