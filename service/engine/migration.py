"""Move running instances to another process version (Camunda 7's `/migration/generate`, `/validate`,
`/execute`; issue 15 item 8), the simple case: each activity maps to the one with the same id.

Who: an administrator or a process owner (Camunda's MIGRATE_INSTANCE permission), for instances they
may see (an instance they may not see "does not exist": 404). The plan is checked first (instruction
reports: `MigrationPlanValidationException`), then every instance (an active activity without an
instruction, or one the target no longer has or has with another type:
`MigratingProcessInstanceValidationException`, naming the instance and the activity). Either refusal
is a 400 and no instance moves (Camunda executes a synchronous migration in one transaction).

An instance keeps its id, business key, variables, and its open tasks with their ids, assignees and
candidates (workflows/migration.py moves the task tree); the tasks' form and declared properties are
read from the target version. Each moved instance is audited `instance.migrated` with both definition
ids; no listener, input/output mapping or step runs (`skipCustomListeners`/`skipIoMappings` are
recorded: the simple case starts and ends no activity).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workflows.migration import InstanceReport, Instruction, equal_activities, plan_failures

from ..actors import Actor
from ..context import Context
from ..errors import InvalidInput
from . import called
from .commands import act_and_save, restore
from .instance_admin import check_administrator
from .store import audit, definitions, instance_query, instances
from .store.instance_query import InstanceQuery
from .store.models import HumanTask, ProcessDefinition, ProcessInstance

__all__ = ["Instruction", "MigrationRefused", "Plan", "execute", "generate", "validate"]


@dataclass
class Plan:
    """Camunda's MigrationPlanDto: source and target definition ids and the instructions."""

    source_id: str
    target_id: str
    instructions: list[Instruction] = field(default_factory=list)


class MigrationRefused(InvalidInput):
    """A 400 carrying Camunda's exception `kind` and its `report` (the JSON Camunda sends as
    `validationReport`)."""

    def __init__(self, message: str, kind: str, report: dict[str, Any]) -> None:
        super().__init__(message)
        self.kind, self.report = kind, report


def instruction_dto(instruction: Instruction | None) -> dict[str, Any] | None:
    """Camunda's MigrationInstructionDto."""
    if instruction is None:
        return None
    return {"sourceActivityIds": [instruction.source], "targetActivityIds": [instruction.target],
            "updateEventTrigger": instruction.update_event_trigger}


def _definitions(session: Session, plan: Plan) -> tuple[ProcessDefinition, ProcessDefinition]:
    return definitions.get(session, plan.source_id), definitions.get(session, plan.target_id)


def _activities(ctx: Context, definition: ProcessDefinition) -> dict[str, str]:
    return ctx.workflows.activities(definition.spec_json, cache_key=definition.id)


def generate(ctx: Context, *, actor: Actor, source_id: str, target_id: str,
             update_event_triggers: bool = False) -> Plan:
    """The plan mapping every activity whose id and type are equal in both versions (Camunda's
    `mapEqualActivities`). Raises Forbidden, NotFound (a definition id), InvalidInput
    (`updateEventTriggers`: not supported, refused rather than ignored)."""
    check_administrator(actor)
    if update_event_triggers:
        raise InvalidInput("不支持 updateEventTriggers / updateEventTriggers is not supported: migrated "
                           "events keep their triggers (a timer its due date)",
                           {"updateEventTriggers": ["不支持 / not supported: use false"]})
    with ctx.unit_of_work(write=False) as uow:
        source, target = _definitions(uow.session, Plan(source_id, target_id))
        pairs = _equal(ctx, source, target)
    return Plan(source.id, target.id, [Instruction(i.source, i.target, update_event_triggers) for i in pairs])


def _equal(ctx: Context, source: ProcessDefinition, target: ProcessDefinition) -> list[Instruction]:
    return equal_activities(_activities(ctx, source), _activities(ctx, target))


def validate(ctx: Context, *, actor: Actor, plan: Plan) -> list[dict[str, Any]]:
    """Camunda's instruction reports for `plan` (empty: valid): `[{"instruction", "failures"}]`.
    Raises Forbidden, NotFound (a definition id)."""
    check_administrator(actor)
    with ctx.unit_of_work(write=False) as uow:
        source, target = _definitions(uow.session, plan)
        return _plan_reports(ctx, source, target, plan)


def _plan_reports(ctx: Context, source: ProcessDefinition, target: ProcessDefinition,
                  plan: Plan) -> list[dict[str, Any]]:
    found = plan_failures(_activities(ctx, source), _activities(ctx, target), plan.instructions)
    return [{"instruction": instruction_dto(i), "failures": f} for i, f in found]


def execute(ctx: Context, *, actor: Actor, plan: Plan, instance_ids: list[str] | None = None,
            query: InstanceQuery | None = None, skip_custom_listeners: bool = False,
            skip_io_mappings: bool = False) -> list[str]:
    """Move the chosen running instances of the plan's source version to its target, all or none;
    returns the ids moved.

    Raises:
        Forbidden: not an administrator or process owner.
        NotFound: a definition, or an instance the caller may not see.
        InvalidInput: nothing chosen (or the query matched none), an instance that has ended, or one
            of another version than the plan's source.
        MigrationRefused: the plan (MigrationPlanValidationException) or an instance
            (MigratingProcessInstanceValidationException) cannot be migrated; nothing moved.
    """
    check_administrator(actor)
    if not instance_ids and query is None:
        raise InvalidInput("需要流程实例 / processInstanceIds or processInstanceQuery is required",
                           {"processInstanceIds": ["必填 / required"]})
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        source, target = _definitions(session, plan)
        reports = _plan_reports(ctx, source, target, plan)
        if reports:
            raise MigrationRefused(
                "迁移计划无效 / Migration plan is not valid: " + "; ".join(
                    f for r in reports for f in r["failures"]),
                "MigrationPlanValidationException", {"instructionReports": reports, "variableReports": {}})
        chosen = _chosen(session, actor, instance_ids or [], query)
        if not chosen:  # Camunda: "process instance ids is empty"
            raise InvalidInput("没有要迁移的流程实例 / No process instance to migrate: none matched",
                               {"processInstanceQuery": ["没有匹配的实例 / matches no instance"]})
        spec = called.spec_for_start(ctx, session, target)
        for instance_id in chosen:
            row = instances.lock(session, instance_id)
            if row.status != "active":
                raise InvalidInput(f"流程实例已结束 / Process instance {instance_id} has ended",
                                   {"processInstanceIds": [instance_id]})
            if row.definition_id != source.id:
                raise InvalidInput(
                    f"流程实例 {instance_id} 不属于源版本 / Process instance {instance_id} is not an "
                    f"instance of the source process definition {source.id} (it runs {row.definition_id})",
                    {"processInstanceIds": [instance_id]})
            _move(ctx, session, row, actor, plan, target, spec, now)
            audit.record(session, actor=actor, action="instance.migrated", at=now, instance_id=row.id,
                         detail={"from": source.id, "to": target.id,
                                 "skipCustomListeners": skip_custom_listeners,
                                 "skipIoMappings": skip_io_mappings,
                                 "instructions": [instruction_dto(i) for i in plan.instructions]})
        uow.commit()
    return chosen


def _chosen(session: Session, actor: Actor, ids: list[str], query: InstanceQuery | None) -> list[str]:
    chosen = list(dict.fromkeys(ids))
    for instance_id in chosen:
        instances.get_visible(session, instance_id, actor)  # NotFound outside the caller's scope
    if query is not None:
        for row in instance_query.list_instances(session, actor, query):
            if row.id not in chosen:
                chosen.append(row.id)
    return chosen


def _move(ctx: Context, session: Session, row: ProcessInstance, actor: Actor, plan: Plan,
          target: ProcessDefinition, spec: called.StartSpec, now) -> None:
    running = restore(ctx, session, row)
    report = ctx.workflows.check_migration(running, spec.spec_json, cache_key=spec.cache_key,
                                           instructions=plan.instructions)
    if not report.ok:
        raise MigrationRefused(_message(row.id, report), "MigratingProcessInstanceValidationException",
                               _instance_report(row.id, report))
    row.definition_id, row.definition_key, row.called_spec_id = target.id, target.key, spec.called_spec_id

    def action(r, handlers, n) -> None:
        ctx.workflows.migrate(r, spec.spec_json, cache_key=spec.cache_key, now=n)

    act_and_save(ctx, session, row, running, actor, action, now)
    rows = {t.id: t for t in session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == row.id))}
    for task in running.user_tasks():  # the declarations the target gives the same step
        human = rows.get(task.task_id)
        if human is not None:
            human.definition_key, human.process_key = row.definition_key, task.process_key
            human.form_key = task.form_key
            human.properties_json = json.dumps(task.properties, ensure_ascii=False, default=str)


def _message(instance_id: str, report: InstanceReport) -> str:
    parts = list(report.failures) + [
        f"{a.activity_id}: {'; '.join(a.failures)}" for a in report.activities]
    return (f"流程实例 {instance_id} 无法迁移 / Process instance {instance_id} cannot be migrated: "
            + " | ".join(parts))


def _instance_report(instance_id: str, report: InstanceReport) -> dict[str, Any]:
    """Camunda's MigratingProcessInstanceValidationReportDto."""
    return {
        "processInstanceId": instance_id,
        "failures": list(report.failures),
        "activityInstanceValidationReports": [
            {"migrationInstruction": instruction_dto(a.instruction), "activityInstanceId": a.task_id,
             "sourceScopeId": a.activity_id, "failures": a.failures}
            for a in report.activities
        ],
        "transitionInstanceValidationReports": [],
    }
