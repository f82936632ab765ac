"""E-mail from the outbox through a real SMTP server on loopback; a relay that is down makes the job retry
with backoff, become an incident, and deliver after an administrator's retry, never undoing the reminder."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from service.actors import Actor
from service.engine import jobs, notifications
from service.engine.store.models import AuditEvent, User
from service.engine.store.reliability_models import MailHandoff
from service.errors import Forbidden
from tests.support.procedure import Walk
from tests.support.smtp import Inbox, free_port, mail_context, smtp_server

from .support import jobs_of, local, notifications_of

ADMIN = Actor(id="admin", groups=frozenset({"admin"}))
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def mail_ctx(database_url, clock, port):
    context = mail_context(database_url, clock, port, retry_backoff_seconds=(60, 300))
    with context.unit_of_work() as uow:
        clerk = sa.update(User).where(User.id == "district1")
        uow.session.execute(clerk.values(email="district1@laoshan.example"))
        uow.commit()
    yield context
    context.db.dispose()


def overdue_review(ctx, clock) -> Walk:
    clock.set(local(2026, 3, 2, 9, 0))
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    clock.set(local(2026, 3, 12, 9, 0))
    return walk


def test_reminder_mail_is_delivered_after_commit(mail_ctx, clock, port):
    controller, inbox = smtp_server(port)
    try:
        overdue_review(mail_ctx, clock)
        assert jobs.fire_due_jobs(mail_ctx) == 2  # the reminder, then the mail it queued
    finally:
        controller.stop()
    [message] = inbox.messages
    assert message["To"].addresses[0].addr_spec == "district1@laoshan.example"
    assert message["From"] == "noreply@kjj.qingdao.example"
    assert message["Subject"].startswith("任务已逾期：区级审核")
    assert "区级审核" in message.get_content()
    assert jobs_of(mail_ctx, kind="mail") == []
    listed = notifications.list_notifications(mail_ctx, actor=Actor("district1", frozenset()))
    assert [n.kind for n in listed] == ["task_overdue"]


def test_a_relay_that_is_down_retries_with_backoff_then_becomes_an_incident(mail_ctx, clock, port):
    walk = overdue_review(mail_ctx, clock)
    assert jobs.fire_due_jobs(mail_ctx) == 1  # the reminder fired; its mail failed
    [mail] = jobs_of(mail_ctx, kind="mail")
    assert mail.retries == 2 and mail.due_at == clock.now() + timedelta(seconds=60)
    assert "Connection refused" in mail.last_error or "Errno" in mail.last_error
    # the workflow side stands: in-app notification and the escalation job are committed
    assert len(notifications_of(mail_ctx, "district1", "task_overdue")) == 1
    assert len(jobs_of(mail_ctx, walk.instance_id, "task_escalation")) == 1

    clock.advance(seconds=59)
    assert jobs.fire_due_jobs(mail_ctx) == 0 and jobs_of(mail_ctx, kind="mail")[0].retries == 2
    clock.advance(seconds=1)
    assert jobs.fire_due_jobs(mail_ctx) == 0
    [mail] = jobs_of(mail_ctx, kind="mail")
    assert mail.retries == 1 and mail.due_at == clock.now() + timedelta(seconds=300)
    clock.advance(seconds=300)
    assert jobs.fire_due_jobs(mail_ctx) == 0
    [incident] = jobs.list_incidents(mail_ctx, actor=ADMIN)
    assert incident.job_id == mail.id and incident.instance_id == walk.instance_id
    assert jobs_of(mail_ctx, kind="mail")[0].retries == 0
    clock.advance(days=1)
    assert jobs.fire_due_jobs(mail_ctx) == 0  # an incident waits for a person

    controller, inbox = smtp_server(port)
    try:
        with pytest.raises(Forbidden):
            clerk = Actor("city1", frozenset({"city_clerk"}))
            jobs.retry_job(mail_ctx, job_id=mail.id, retries=1, actor=clerk)
        jobs.retry_job(mail_ctx, job_id=mail.id, retries=1, actor=ADMIN)
        assert jobs.list_incidents(mail_ctx, actor=ADMIN) == []
        assert jobs.fire_due_jobs(mail_ctx) == 1
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert jobs_of(mail_ctx, kind="mail") == []


class HoldingInbox(Inbox):
    """Takes the message, then keeps the sender waiting for the reply until released: the window in which
    a sender killed after the hand-off never learns that the relay accepted its mail."""

    def __init__(self) -> None:
        super().__init__()
        self.received, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        answer = await super().handle_DATA(server, session, envelope)
        self.received.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)
        return answer


FIRE_ONCE = """
import sys
from service.clock import SystemClock
from service.engine import jobs
from tests.support.smtp import mail_context
jobs.fire_due_jobs(mail_context(sys.argv[1], SystemClock(), int(sys.argv[2])))
"""


def test_a_scheduler_killed_after_the_hand_off_resends_with_the_same_message_id(
    mail_ctx, database_url, clock, port
):
    with mail_ctx.unit_of_work() as uow:
        notifications.queue_mail(mail_ctx.config.deadlines, uow.session, to="district1@laoshan.example",
                                 subject="任务已逾期：区级审核", body="请尽快处理", now=clock.now())
        uow.commit()
    [job] = jobs_of(mail_ctx, kind="mail")
    inbox = HoldingInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-c", FIRE_ONCE, database_url, str(port)]
        sender = subprocess.Popen(command, env=env, cwd=ROOT)
        try:
            assert inbox.received.wait(60), "the scheduler never handed the mail to the relay"
        finally:
            sender.kill()  # SIGKILL: after the relay took the message, before anything was committed
            sender.wait(timeout=30)
        inbox.release.set()

        with mail_ctx.unit_of_work(write=False) as uow:
            [attempt] = uow.session.scalars(sa.select(MailHandoff)).all()
        assert (attempt.job_id, attempt.outcome) == (job.id, "pending")  # handed off, outcome unknown
        [leased] = jobs_of(mail_ctx, kind="mail")
        assert leased.retries == job.retries  # still in the outbox, not due while leased

        clock.set(leased.due_at)  # the lease ends: the next tick retries
        assert jobs.fire_due_jobs(mail_ctx) == 1
    finally:
        inbox.release.set()
        controller.stop()
    first, second = inbox.messages
    assert first["Message-ID"] == second["Message-ID"] == f"<mail.{job.id}@kjj.qingdao.example>"
    assert jobs_of(mail_ctx, kind="mail") == []
    with mail_ctx.unit_of_work(write=False) as uow:
        attempts = uow.session.scalars(sa.select(MailHandoff).order_by(MailHandoff.attempt)).all()
        flagged = uow.session.scalars(
            sa.select(AuditEvent.detail_json).where(AuditEvent.action == "mail.possible_duplicate")
        ).all()
    assert [(a.attempt, a.outcome) for a in attempts] == [(1, "pending"), (2, "sent")]
    assert len(flagged) == 1 and job.id in flagged[0] and attempts[0].handed_off_at.isoformat() in flagged[0]
