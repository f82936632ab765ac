"""Notifications: an in-app list per user, and e-mail through the configured SMTP relay from an outbox.

A notification is written in the transaction that decided to send it; the e-mail is a `mail` job in
the same transaction (the outbox), sent by the scheduler after commit. A relay that is down makes the
job retry with backoff and finally an incident; it never rolls back the workflow that asked for it,
and an aborted workflow never sends mail about something that did not happen.

Delivery is at-least-once. Each attempt is recorded (`mail_handoff`) and committed before the relay is
called, and its outcome in a second transaction after; a process killed between the relay's acceptance and
that commit leaves the attempt `pending`, and the job, due again when its lease ends, is re-sent. Every
attempt carries the same `Message-ID` (`<mail.{job id}@{sender's domain}>`), so receivers can discard the
copy, and the retry is logged and audited as a possible duplicate (`mail.possible_duplicate`).

Code that runs inside another use case's transaction without a Context (the service-task handlers of
`consortia.handlers`) passes the `DeadlineSettings` to `notify_users`; `notify` is the same for callers
holding a Context. A mail may carry attachments (an iCalendar invitation as `text/calendar; method=...`).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..actors import SYSTEM, Actor
from ..context import Context
from ..deadline_settings import DeadlineSettings
from ..errors import NotFound
from .store import audit
from .store import jobs as job_store
from .store.deadline_models import Notification
from .store.models import Job, User
from .store.reliability_models import MailHandoff

log = logging.getLogger(__name__)
MAIL = "mail"
SMTP_TIMEOUT = 10  # seconds per relay operation
MAIL_LEASE = timedelta(minutes=5)  # a mail being handed off is not due for others meanwhile (> SMTP_TIMEOUT)


@dataclass(frozen=True)
class Attachment:
    """A text part of a mail, e.g. `Attachment("invite.ics", "text/calendar; method=REQUEST", ics)`."""

    filename: str
    content_type: str
    text: str


def notify(ctx: Context, session: Session, user_ids: list[str], **message: Any) -> list[Notification]:
    """Tell each user in-app, and queue an e-mail to those with an address when a relay is configured
    (`notify_users` with the Context's settings; `message` is its keyword arguments)."""
    return notify_users(ctx.config.deadlines, session, user_ids, **message)


def notify_users(
    settings: DeadlineSettings,
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
    """Tell each user in-app and queue e-mail: for code inside another use case's transaction that holds
    the settings but no Context (a service-task handler)."""
    created = [Notification(user_id=user_id, kind=kind, subject=subject[:300], body=body,
                            instance_id=instance_id, task_id=task_id, created_at=now)
               for user_id in dict.fromkeys(user_ids)]
    session.add_all(created)
    if settings.smtp_host and user_ids:
        addresses = session.execute(
            sa.select(User.display_name, User.email).where(User.id.in_(user_ids), User.email.is_not(None))
        ).all()
        for name, email in addresses:
            queue_mail(settings, session, to=formataddr((name, email)), subject=subject, body=body,
                       now=now, instance_id=instance_id)
    return created


def queue_mail(
    settings: DeadlineSettings,
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    now: datetime,
    instance_id: str | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> Job | None:
    """Put one e-mail in the outbox (this transaction); nothing when no relay is configured."""
    if not settings.smtp_host:
        return None
    job = job_store.new_job(
        kind=MAIL, instance_id=instance_id, due_at=now, now=now, retries=settings.job_retries,
        payload={"to": to, "subject": subject, "body": body,
                 "attachments": [asdict(a) for a in attachments]},
    )
    session.add(job)
    return job


def message_id(settings: DeadlineSettings, job_id: str) -> str:
    """The Message-ID of the outbox e-mail `job_id`: the same on every attempt, so a receiver (or its mail
    client) that got a message twice after a retry sees one message; the right side is the sender's domain."""
    domain = parseaddr(settings.smtp_from or "")[1].rpartition("@")[2] or "consortium-office"
    return f"<mail.{job_id}@{domain}>"


@dataclass(frozen=True)
class Handoff:
    """One attempt at handing an outbox e-mail to the relay, recorded (`MailHandoff`) before it is made."""

    record_id: int
    job_id: str
    message: EmailMessage


def begin_handoff(ctx: Context, session: Session, job: Job, now: datetime) -> Handoff:
    """Prepare one attempt at sending the outbox e-mail `job`, in the transaction that claimed it.

    Builds the message (with its stable Message-ID), records the attempt as `pending` and leases the job
    for `MAIL_LEASE`, so the caller commits all this BEFORE calling the relay, then calls `deliver` outside
    any transaction and `finish_handoff` in a new one. Earlier attempts still `pending` died between the
    hand-off and that commit: the relay may have accepted them, so this attempt is logged and audited as a
    possible duplicate (`mail.possible_duplicate`); delivery is at-least-once, never lost.

    Raises:
        RuntimeError: no relay is configured (the job retries, then becomes an incident).
    """
    settings = ctx.config.deadlines
    if not settings.smtp_host:
        raise RuntimeError("未配置邮件服务器 / No SMTP relay configured (CONSORTIUM_SMTP_HOST)")
    data = job_store.payload(job)
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = data["to"]
    message["Subject"] = data["subject"]
    message["Message-ID"] = message_id(settings, job.id)
    message.set_content(data["body"])
    for part in data.get("attachments", []):
        _attach(message, Attachment(**part))
    earlier = list(session.scalars(
        sa.select(MailHandoff).where(MailHandoff.job_id == job.id).order_by(MailHandoff.attempt)
    ))
    unknown = [h for h in earlier if h.outcome == "pending"]
    if unknown:
        times = [h.handed_off_at.isoformat() for h in unknown]
        log.warning("mail %s was handed to the relay at %s with no recorded outcome; sending it again with"
                    " the same Message-ID %s: a possible duplicate", job.id, ", ".join(times),
                    message["Message-ID"])
        audit.record(session, actor=SYSTEM, action="mail.possible_duplicate", at=now,
                     instance_id=job.instance_id,
                     detail={"job": job.id, "messageId": message["Message-ID"], "handedOffAt": times})
    record = MailHandoff(job_id=job.id, message_id=message["Message-ID"], recipient=data["to"],
                         subject=data["subject"][:300], attempt=len(earlier) + 1, handed_off_at=now,
                         outcome="pending")
    session.add(record)
    job.due_at = now + MAIL_LEASE  # no other scheduler takes it while the relay is called
    session.flush()
    return Handoff(record_id=record.id, job_id=job.id, message=message)


def deliver(ctx: Context, handoff: Handoff) -> None:
    """Hand the message to the relay (raises on failure); call with no transaction open."""
    settings = ctx.config.deadlines
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT) as smtp:
        smtp.send_message(handoff.message)


def finish_handoff(session: Session, handoff: Handoff, error: Exception | None, now: datetime) -> None:
    """Record the attempt's outcome (`sent`, or `failed` with the error) in the caller's transaction."""
    record = session.get(MailHandoff, handoff.record_id)
    if record is not None:
        record.outcome = "sent" if error is None else "failed"
        record.finished_at = now
        record.error = None if error is None else (str(error) or type(error).__name__)[:4000]


def _attach(message: EmailMessage, part: Attachment) -> None:
    """A text part with its content type's parameters kept (`method=CANCEL` tells clients to remove)."""
    maintype, _, rest = part.content_type.partition("/")
    subtype, *params = [p.strip() for p in rest.split(";")]
    if maintype != "text":
        raise ValueError(f"only text attachments are supported, not {part.content_type!r}")
    message.add_attachment(
        part.text, subtype=subtype, filename=part.filename,
        params=dict(p.split("=", 1) for p in params if "=" in p),
    )


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
    """Mark one of the caller's own notifications read; NotFound (404) for another user's or none."""
    with ctx.unit_of_work() as uow:
        note = uow.session.get(Notification, notification_id)
        if note is None or note.user_id != actor.id:
            raise NotFound(f"通知不存在 / Notification {notification_id} does not exist")
        note.read_at = note.read_at or ctx.now()
        uow.commit()


def count_unread(ctx: Context, *, actor: Actor) -> int:
    """How many of the caller's own notifications are unread (the number in the pages' header)."""
    query = sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None)
    )
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.scalar(query) or 0


def mark_all_read(ctx: Context, *, actor: Actor) -> int:
    """Mark every unread notification of the caller read; returns how many were unread."""
    with ctx.unit_of_work() as uow:
        result = uow.session.execute(
            sa.update(Notification)
            .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
            .values(read_at=ctx.now())
            .execution_options(synchronize_session=False)
        )
        uow.commit()
        return result.rowcount or 0
