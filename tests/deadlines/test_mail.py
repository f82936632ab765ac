"""E-mail from the outbox through a real SMTP server on loopback; a relay that is down makes the job retry
with backoff, become an incident, and deliver after an administrator's retry, never undoing the reminder."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from service.actors import Actor
from service.errors import Forbidden
from service.store.models import User
from service.usecases import jobs, notifications
from tests.support.procedure import Walk
from tests.support.smtp import free_port, mail_context, smtp_server

from .support import jobs_of, local, notifications_of

ADMIN = Actor(id="admin", groups=frozenset({"admin"}))


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
