"""Shared pieces of the deadline tests: a timer diagram, timed instances, calendar files, local times."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from service.actors import SYSTEM
from service.clock import SHANGHAI
from service.context import Context
from service.engine import deployments, instances
from service.engine.store.deadline_models import Notification
from service.engine.store.models import AuditEvent, Job, ProcessInstance

TIMER_DIAGRAM = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  id="Defs_deadline_probe" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="deadline_probe" name="deadline probe" isExecutable="true">
    <bpmn:startEvent id="Start_Probe" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Probe" targetRef="Timer_Probe" />
    <bpmn:intermediateCatchEvent id="Timer_Probe" name="due">
      <bpmn:timerEventDefinition id="TimerDef_Probe">
        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">fire_at</bpmn:timeDate>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Timer_Probe" targetRef="End_Probe" />
    <bpmn:endEvent id="End_Probe" />
  </bpmn:process>
</bpmn:definitions>
"""

# A synthetic arrangement in the State Council's shape (the real 2027/2028 ones are not published yet).
ARRANGEMENT_2027 = """# 2027 年部分节假日安排（测试用）
2027-01-01..2027-01-03 holiday 元旦
2027-02-06..2027-02-12 holiday 春节
2027-02-13 workday 春节
"""
ARRANGEMENT_2028 = """2028-01-01 holiday 元旦
2028-01-26..2028-02-01 holiday 春节
2028-02-05 workday 春节
"""


def local(*args: int) -> datetime:
    """A moment in Qingdao."""
    return datetime(*args, tzinfo=SHANGHAI)


def deploy_probe(ctx: Context) -> None:
    deployments.deploy(ctx, files={"deadline_probe.bpmn": TIMER_DIAGRAM}, actor=SYSTEM, name="probe")


def start_probes(ctx: Context, fire_at: datetime, count: int) -> list[str]:
    return [
        instances.start_instance(
            ctx, key="deadline_probe", actor=SYSTEM, variables={"fire_at": fire_at.isoformat()}
        ).id
        for _ in range(count)
    ]


def fired_per_instance(ctx: Context) -> dict[str, int]:
    with ctx.unit_of_work(write=False) as uow:
        rows = uow.session.execute(
            sa.select(AuditEvent.instance_id, sa.func.count())
            .where(AuditEvent.action == "timer.fired")
            .group_by(AuditEvent.instance_id)
        )
        return dict(rows.all())


def completed(ctx: Context, ids: list[str]) -> int:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.scalar(
            sa.select(sa.func.count())
            .select_from(ProcessInstance)
            .where(ProcessInstance.id.in_(ids), ProcessInstance.status == "completed")
        )


def notifications_of(ctx: Context, user_id: str, kind: str | None = None) -> list[Notification]:
    query = sa.select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    with ctx.unit_of_work(write=False) as uow:
        return list(uow.session.scalars(query))


def jobs_of(ctx: Context, instance_id: str | None = None, kind: str | None = None) -> list[Job]:
    query = sa.select(Job).order_by(Job.due_at)
    if instance_id:
        query = query.where(Job.instance_id == instance_id)
    if kind:
        query = query.where(Job.kind == kind)
    with ctx.unit_of_work(write=False) as uow:
        return list(uow.session.scalars(query))
