"""Notifications: an in-app list per user, and e-mail through the configured SMTP relay from an outbox.

A notification is written in the transaction that decided to send it; the e-mail is a `mail` job in
the same transaction (the outbox), sent by the scheduler after commit. A relay that is down makes the
job retry with backoff and finally an incident; it never rolls back the workflow that asked for it,
and an aborted workflow never sends mail about something that did not happen.
"""

from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..actors import Actor
from ..context import Context
from ..errors import NotFound
from ..store import jobs as job_store
from ..store.models import Job, Notification, User

MAIL = "mail"


def notify(
    ctx: Context,
    session: Session,
    user_ids: list[str],
    *,
    kind: str,
    subject: str,
    body: str,
    now: datetime,
    instance_id: str | None = None,
    task_id: str | None = None,
) -> list[Notification]:
    """Tell each user in-app, and queue an e-mail to those with an address when a relay is configured."""
    settings = ctx.config.deadlines
    created = []
    for user_id in dict.fromkeys(user_ids):
        note = Notification(user_id=user_id, kind=kind, subject=subject[:300], body=body,
                            instance_id=instance_id, task_id=task_id, created_at=now)
        session.add(note)
        created.append(note)
    if settings.smtp_host and user_ids:
        addresses = session.execute(
            sa.select(User.display_name, User.email).where(User.id.in_(user_ids), User.email.is_not(None))
        ).all()
        for name, email in addresses:
            session.add(job_store.new_job(
                kind=MAIL, instance_id=instance_id, due_at=now, now=now, retries=settings.job_retries,
                payload={"to": formataddr((name, email)), "subject": subject, "body": body},
            ))
    return created


def send_mail(ctx: Context, session: Session, job: Job, now: datetime) -> None:
    """Hand one outbox e-mail to the relay (raises on failure: the job retries)."""
    settings = ctx.config.deadlines
    if not settings.smtp_host:
        raise RuntimeError("未配置邮件服务器 / No SMTP relay configured (CONSORTIUM_SMTP_HOST)")
    data = job_store.payload(job)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = data["to"]
    message["Subject"] = data["subject"]
    message.set_content(data["body"])
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
    session.delete(job)


def list_notifications(ctx: Context, *, actor: Actor, unread_only: bool = False, limit: int = 100
                       ) -> list[Notification]:
    """The caller's own notifications, newest first."""
    query = sa.select(Notification).where(Notification.user_id == actor.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    with ctx.unit_of_work(write=False) as uow:
        return list(uow.session.scalars(query.order_by(Notification.created_at.desc(),
                                                       Notification.id.desc()).limit(limit)))


def mark_read(ctx: Context, *, notification_id: int, actor: Actor) -> None:
    with ctx.unit_of_work() as uow:
        note = uow.session.get(Notification, notification_id)
        if note is None or note.user_id != actor.id:
            raise NotFound(f"通知不存在 / Notification {notification_id} does not exist")
        note.read_at = note.read_at or ctx.now()
        uow.commit()
