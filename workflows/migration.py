"""Move a running instance to another version of its process: Camunda 7's process instance migration,
the simple case (an activity maps to the activity with the same id in the target).

Camunda 7 user guide, "Process Instance Migration": a plan (`generate`: every activity whose id and
type are equal in both versions) is validated once (instruction reports: the source or target activity
missing, the types differing), then per instance (every active activity needs an instruction; anything
else stops the whole migration and nothing moves). Here an instance is one SpiffWorkflow task tree, so
the move is done on the tree itself (`migrate`):

* every task that is not a prediction keeps its id, state, data and internal data, and is re-pointed
  at the target's task spec of the same name (the BPMN id); its called or embedded sub-processes
  likewise, each by its process name;
* the predicted part below the active tasks (FUTURE/LIKELY/MAYBE) is dropped and predicted again
  from the target's diagram, so a step added after a waiting task is where the process goes next.

A finished step still in the tree whose element the target no longer has (a step the owner removed,
or one only the source had and the instance passed), or draws with another type (Camunda validates only
the active activity instances), is taken out of the tree, its children hung on its parent, as
workflows/prune.py compacts finished chains (the application page still marks it passed). A finished
gateway or join the target lacks, or a finished one that cannot be spliced out, is refused (the tree
would not load with the target), naming the element.

A boundary event the target draws on an active activity, which the source did not, emerges as in
Camunda (`EmergingJobInstance`, `EmergingEventSubscriptionInstance`): it starts waiting at the
migration's now (a timer is dated from it, a message is subscribed).

A boundary event the target no longer has is removed, as Camunda removes an unmapped boundary event
(its timer or subscription is deleted): the waiting event leaves the tree and, when the target draws
the activity without any boundary event, SpiffWorkflow's internal split above the activity
(`U1.BoundaryEventSplit`) is taken out too, the activity hung on its parent. Reports name the
diagram's element, never such an internal task spec.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin, BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.specs.base import TaskSpec
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .prune import note_removed

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
PREDICTED = TaskState.PREDICTED_MASK | TaskState.FUTURE
NO_INSTRUCTION = "没有迁移指令 / There is no migration instruction for this instance's activity"
UPDATE_EVENT_TRIGGER = (
    "不支持 updateEventTrigger / updateEventTrigger is not supported (instruction '{source}'): the event "
    "keeps the trigger it was created with (a timer its due date); map it without updateEventTrigger")
"""Camunda would recompute the event's trigger from the target; refused rather than stored and ignored."""
INTERNAL_TYPES = {"BpmnStartTask", "_EndJoin", "SimpleBpmnTask", "_BoundaryEventParent"}


@dataclass(frozen=True)
class Instruction:
    """Map the activity `source` of the source version to `target` of the target version."""

    source: str
    target: str
    update_event_trigger: bool = False


@dataclass
class ActivityReport:
    """Why the active activity `activity_id` (task `task_id`) cannot move; `instruction` is the one that
    maps it, if any (Camunda's MigratingActivityInstanceValidationReport)."""

    activity_id: str
    task_id: str
    instruction: Instruction | None
    failures: list[str] = field(default_factory=list)


@dataclass
class InstanceReport:
    """Camunda's MigratingProcessInstanceValidationReport: general failures and per-activity ones."""

    failures: list[str] = field(default_factory=list)
    activities: list[ActivityReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.activities


def element_id(spec: TaskSpec) -> str:
    """The diagram element a task spec stands for: its BPMN id, or for SpiffWorkflow's split/join around
    an activity with boundary events (`U1.BoundaryEventSplit`) that activity's id."""
    if isinstance(spec, BoundaryEventSplit | BoundaryEventJoin):
        return spec.name.rsplit(".", 1)[0]
    return getattr(spec, "bpmn_id", None) or spec.name


def _dropped_boundary(task: Task, target: Any) -> bool:
    """A boundary event (waiting under its activity's split) or that split, which the target lacks:
    removed by `migrate` as Camunda removes an unmapped boundary event."""
    if task.task_spec.name in target.task_specs:
        return False
    if isinstance(task.task_spec, BoundaryEventSplit):
        return element_id(task.task_spec) in target.task_specs
    parent = task.parent
    return (isinstance(task.task_spec, BoundaryEvent) and parent is not None
            and isinstance(parent.task_spec, BoundaryEventSplit)
            and not task.has_state(TaskState.FINISHED_MASK))


def _type(spec: TaskSpec) -> str:
    return type(spec).__name__


def _is_activity(spec: TaskSpec) -> bool:
    """A BPMN flow node a person drew (not one of SpiffWorkflow's internal specs)."""
    return bool(getattr(spec, "bpmn_id", None)) and _type(spec) not in INTERNAL_TYPES


def activities(spec: Any, subprocess_specs: Mapping[str, Any]) -> dict[str, str]:
    """`{activity id: type name}` of a process version: its own flow nodes and those of its embedded
    sub-processes (a called process is another definition: not listed)."""
    out: dict[str, str] = {}
    pending, seen = [spec], set()
    while pending:
        current = pending.pop()
        if current.name in seen:
            continue
        seen.add(current.name)
        for task_spec in current.task_specs.values():
            if not _is_activity(task_spec):
                continue
            out.setdefault(task_spec.bpmn_id, _type(task_spec))
            inner = getattr(task_spec, "spec", None)
            if _type(task_spec) in ("SubWorkflowTask", "TransactionSubprocess") and inner in subprocess_specs:
                pending.append(subprocess_specs[inner])
    return out


def equal_activities(source: Mapping[str, str], target: Mapping[str, str]) -> list[Instruction]:
    """Camunda's `mapEqualActivities`: one instruction per activity id present in both versions with the
    same type, sorted by id."""
    return [Instruction(a, a) for a in sorted(source) if target.get(a) == source[a]]


def plan_failures(source: Mapping[str, str], target: Mapping[str, str],
                  instructions: Iterable[Instruction]) -> list[tuple[Instruction, list[str]]]:
    """The instructions that cannot be carried out, each with its failures (Camunda's instruction
    reports); an empty list is a valid plan. Only equal ids can be mapped here."""
    reports: list[tuple[Instruction, list[str]]] = []
    seen: set[str] = set()
    for instruction in instructions:
        failures = []
        if instruction.source not in source:
            failures.append(f"源活动不存在 / Source activity '{instruction.source}' does not exist")
        if instruction.target not in target:
            failures.append(f"目标活动不存在 / Target activity '{instruction.target}' does not exist")
        if instruction.source != instruction.target:
            failures.append(
                f"只能映射相同 id 的活动 / Only an activity with the same id can be mapped "
                f"('{instruction.source}' to '{instruction.target}' is not supported)")
        elif instruction.source in source and instruction.target in target \
                and source[instruction.source] != target[instruction.target]:
            failures.append(
                f"活动类型不同 / Activities have incompatible types ({source[instruction.source]} is not "
                f"compatible with {target[instruction.target]})")
        if instruction.update_event_trigger:
            failures.append(UPDATE_EVENT_TRIGGER.format(source=instruction.source))
        if instruction.source in seen:
            failures.append(f"源活动有多个映射 / There are multiple mappings for source activity id "
                            f"'{instruction.source}'")
        seen.add(instruction.source)
        if failures:
            reports.append((instruction, failures))
    return reports


def _workflows(workflow: BpmnWorkflow) -> list[Any]:
    return [workflow, *workflow.subprocesses.values()]


def _target_spec(wf: Any, top: BpmnWorkflow, spec: Any, subprocess_specs: Mapping[str, Any]) -> Any:
    return spec if wf is top else subprocess_specs.get(wf.spec.name)


def _called(wf: Any, top: BpmnWorkflow) -> bool:
    """True for the tree of a called process (a call activity's child): Camunda migrates the caller only."""
    if wf is top:
        return False
    owner = top.get_task_from_id(wf.parent_task_id)
    return owner is not None and _type(owner.task_spec) == "CallActivity"


def check_instance(workflow: BpmnWorkflow, spec: Any, subprocess_specs: Mapping[str, Any],
                   instructions: Iterable[Instruction]) -> InstanceReport:
    """What stops `workflow` from moving to (`spec`, `subprocess_specs`) under `instructions`."""
    by_source = {i.source: i for i in instructions}
    report = InstanceReport()
    for wf in _workflows(workflow):
        target = _target_spec(wf, workflow, spec, subprocess_specs)
        if target is None:
            report.failures.append(f"目标版本没有子流程 {wf.spec.name} / The target has no process "
                                   f"'{wf.spec.name}' for a running sub-process")
            continue
        called = _called(wf, workflow)
        for task in wf.tasks.values():
            if task.has_state(PREDICTED) and not _settled_parent(task):
                continue
            if _dropped_boundary(task, target):
                continue  # removed by `migrate`, as Camunda removes an unmapped boundary event
            name, element = task.task_spec.name, element_id(task.task_spec)
            new = target.task_specs.get(name)
            failures = []
            instruction = by_source.get(element)
            if task.has_state(ACTIVE) and _is_activity(task.task_spec) and not called and instruction is None:
                failures.append(NO_INSTRUCTION)
            if _left_behind(task, new, workflow):
                continue  # a finished step the target removed or redrew: taken out of the tree (`migrate`)
            if new is None:
                failures.append(f"目标版本没有活动 {element} / The target has no activity '{element}'")
            elif _type(new) != _type(task.task_spec):
                failures.append(f"活动类型不同 / Activities have incompatible types ({_type(task.task_spec)} "
                                f"is not compatible with {_type(new)})")
            if failures and (task.has_state(ACTIVE) or new is None or _type(new) != _type(task.task_spec)):
                report.activities.append(ActivityReport(element, str(task.id), instruction, failures))
    return report


def _left_behind(task: Task, new: TaskSpec | None, top: BpmnWorkflow) -> bool:
    """A completed step the target lacks (`new` None) or draws as another type: Camunda validates only
    the active activity instances, so such a step is no obstacle; `migrate` splices it out of the tree
    (its history stays), as the target's spec could not stand for it."""
    return (new is None or _type(new) != _type(task.task_spec)) and _spliceable(task, top)


def _spliceable(task: Task, top: BpmnWorkflow) -> bool:
    """A finished step that can leave the tree: a completed activity (no gateway or join, no sub-process
    of its own) whose parent stays and whose children no join inspects."""
    return (task.state == TaskState.COMPLETED and task.parent is not None and _is_activity(task.task_spec)
            and not isinstance(task.task_spec, Join) and task.id not in top.subprocesses
            and not any(isinstance(c.task_spec, Join) for c in task.children))


def _splice(wf: Any, task: Task) -> None:
    """Hang `task`'s children on its parent, in its place, and drop it."""
    parent = task.parent
    at = parent._children.index(task.id)
    parent._children[at:at + 1] = list(task._children)
    for child in task.children:
        child._parent = parent.id
    note_removed(wf.top_workflow, [task])
    wf.top_workflow.event_manager.remove_task(task)
    del wf.tasks[task.id]
    if wf.last_task is not None and wf.last_task.id == task.id:
        wf.last_task = parent


def _drop(wf: Any, task: Task) -> None:
    """Take a waiting boundary event and whatever is predicted below it out of the tree."""
    pending, removed = [task], []
    while pending:
        current = pending.pop()
        removed.append(current)
        pending.extend(current.children)
    for current in removed:
        wf.top_workflow.event_manager.remove_task(current)
    wf._remove_task(task.id)


def _settled_parent(task: Task) -> bool:
    """A FUTURE task directly below a finished one is kept (it is where a finished step went)."""
    return task.state == TaskState.FUTURE and task.parent is not None \
        and task.parent.has_state(TaskState.FINISHED_MASK)


def migrate(workflow: BpmnWorkflow, spec: Any, subprocess_specs: Mapping[str, Any]) -> None:
    """Re-point `workflow` (checked with `check_instance`) at the target version, in place.

    Raises:
        KeyError: a task's spec is missing in the target (call `check_instance` first).
    """
    trees = [(wf, _target_spec(wf, workflow, spec, subprocess_specs)) for wf in _workflows(workflow)]
    workflow.subprocess_specs = dict(subprocess_specs)
    emerging: list[Task] = []
    for wf, target in trees:
        for task in [t for t in wf.tasks.values() if _dropped_boundary(t, target)]:
            if task.id in wf.tasks and isinstance(task.task_spec, BoundaryEvent):
                _drop(wf, task)
        for task in list(wf.tasks.values()):
            new = target.task_specs.get(task.task_spec.name)
            if _left_behind(task, new, workflow) or (
                    new is None and isinstance(task.task_spec, BoundaryEventSplit)):
                _splice(wf, task)
        repredict = []
        for task in list(wf.tasks.values()):
            if task.id not in wf.tasks or (task.has_state(PREDICTED) and not _settled_parent(task)):
                continue
            dropped = [c for c in task.children if c.has_state(PREDICTED) and not _settled_parent(c)]
            for child in dropped:
                wf._remove_task(child.id)
            if dropped or task.has_state(ACTIVE):
                repredict.append(task)
        wf.spec = target
        for task in wf.tasks.values():
            task.task_spec = target.task_specs[task.task_spec.name]
        emerging.extend(_emerge_boundary_events(wf, target))
        for task in repredict:
            if task.id in wf.tasks and not task.has_state(TaskState.FINISHED_MASK):
                task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)
    for task in emerging:  # after the re-prediction: each starts waiting (a timer dated from now)
        if task.id in task.workflow.tasks and task.has_state(PREDICTED):
            task.task_spec._update(task)
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = None


def _emerge_boundary_events(wf: Any, target: Any) -> list[Task]:
    """Camunda's emerging boundary events (`EmergingJobInstance`, `EmergingEventSubscriptionInstance`):
    a boundary event the target draws on an active activity, which the source did not, is instantiated
    on the migrated activity, as if the activity had just been entered: SpiffWorkflow's split is put
    above the activity when the source had none, and the new boundary events are added under it
    (predicted here; `migrate` makes them wait once the tree is complete). Returns the new tasks."""
    added: list[Task] = []
    for task in [t for t in wf.tasks.values() if t.has_state(ACTIVE) and _is_activity(t.task_spec)
                 and not isinstance(t.task_spec, BoundaryEvent)]:
        split_spec = target.task_specs.get(f"{task.task_spec.name}.BoundaryEventSplit")
        if not isinstance(split_spec, BoundaryEventSplit):
            continue
        split = task.parent
        if split is None or split.task_spec is not split_spec:
            split = _insert_split(wf, task, split_spec)
        have = {child.task_spec.name for child in split.children}
        for output in split_spec.outputs:
            if output.name not in have and isinstance(output, BoundaryEvent):
                child = split._add_child(output, TaskState.MAYBE)
                child.data = dict(split.data)
                added.append(child)
    return added


def _insert_split(wf: Any, task: Task, split_spec: BoundaryEventSplit) -> Task:
    """Put a finished `split_spec` task between `task` and its parent, in `task`'s place."""
    parent = task.parent
    split = Task(wf, split_spec, state=TaskState.COMPLETED)
    split.data = dict(parent.data) if parent is not None else dict(task.data)
    if parent is not None:
        at = parent._children.index(task.id)
        parent._children[at] = split.id
        split._parent = parent.id
    split._children = [task.id]
    task._parent = split.id
    return split


