"""Camunda 7's variable scopes on top of SpiffWorkflow's per-task data (issue 12, fault 2).

SpiffWorkflow gives every task its own copy of the data, inherited from its parent task; parallel
branches each carry a copy, and whichever copy reaches a join or the end last wins, so a branch's
write is silently undone ("status" back to its old value after the join, a non-interrupting timer's
counter left at 1). Camunda 7 has ONE variable scope per process instance: a write on any branch is
visible to every later step, and local scopes are layered over it (Camunda user guide, "Process
Variables": variable scopes and variable visibility; `setVariable` sets the variable on the nearest
scope that declares it, else on the process instance).

The model implemented here:

* **Instance scope** = `workflow.data` of the process instance (the top workflow, or the child
  workflow of a call activity, which is its own process instance). It is serialized with the
  workflow; a root-task marker (`SCOPE_MARK`) says it is maintained, so instances stored before
  this module are seeded once from their latest task data.
* **Local scopes**, kept in the data of the task that owns them:
  a multi-instance child's element variable and `loopCounter`; the input parameters of the
  element's `camunda:inputOutput` (evaluated once); and, for tasks inside an embedded sub-process,
  the locals of the sub-process task (e.g. the element variable of a multi-instance sub-process).
* **Before a task runs** (`before_run`: engine steps, a person completing a user task, a service
  task's handler) its data is refreshed from the scope: instance scope, then each enclosing local
  scope, then its own locals. A snapshot (the baseline) is kept in memory for this command.
* **After it completes** (`after_run` / `commit`) what it changed against the baseline is written
  back: a name that is local to the task stays in the task, a name local to an enclosing
  sub-process goes to that sub-process task, anything else to the instance scope (deletions too).
  Output parameters of `camunda:inputOutput` are evaluated and set on the instance scope.
* Joins, multi-instance bodies and call activities merge data in SpiffWorkflow's own way; they are
  handled specially so that no stale branch copy is written back (see `before_run`/`after_run`).
* READY user tasks are refreshed at the end of every command (`refresh`, no baseline), so forms,
  attribute expressions and `/task/{id}/variables` read the current scope.
* Listener writes (execution and task listeners) are written through at once (`write_through`).

Reads: `variables(workflow)` is the instance scope, JSON-safe for the caller to store.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .data import check_variables
from .multiinstance import BODY_NAMES, body_variables

SCOPE_MARK = "consortium_scope"
"""Root-task internal-data key: this workflow's `data` is a maintained instance scope."""
INPUTS_DONE = "consortium_scope_inputs"
"""Task internal-data key: the element's input parameters were evaluated into its local scope."""
LOOP_COUNTER = "loopCounter"
MAPPED_OUT = "consortium_call_out"
"""Call-activity task internal-data key: the caller-side values `camunda:out` produced
(`workflows.call_activity`, which imports this module; this one looks for its `settle` by name)."""
MAPPED_OUT_LOCAL = "consortium_call_out_local"


# --- scope lookup ---------------------------------------------------------------------------


def scope_owner(workflow: Any) -> Any:
    """The workflow whose `data` is the instance scope for tasks of `workflow`: walk up through
    embedded sub-processes; stop at the top workflow or at a call activity's child (its own instance)."""
    current = workflow
    while getattr(current, "parent_task_id", None) is not None:
        parent_task = current.top_workflow.get_task_from_id(current.parent_task_id)
        if parent_task is None or is_call_activity(parent_task.task_spec):
            return current
        current = parent_task.workflow
    return current


def is_call_activity(spec: Any) -> bool:
    """A `callActivity` (its child is its own process instance). SpiffWorkflow's Camunda parser builds
    embedded `subProcess` elements with the same CallActivity class; its description tells them apart."""
    return isinstance(spec, CallActivity) and getattr(spec, "description", None) == "Call Activity"


def instance_scope(workflow: Any) -> dict[str, Any]:
    """The instance scope dict (the owner's `data`), seeded once if the workflow predates it."""
    owner = scope_owner(workflow)
    root = owner.task_tree
    if not root.internal_data.get(SCOPE_MARK):
        _seed(owner)
        root.internal_data[SCOPE_MARK] = True
    return owner.data


def _seed(owner: Any) -> None:
    """First use on a workflow: a fresh one has its start data in the root task; one stored before
    scopes existed has its latest values in the data of its most recently completed tasks."""
    if getattr(owner, "parent_task_id", None) is None and owner.is_completed():
        return  # SpiffWorkflow already wrote the final data into workflow.data
    merged: dict[str, Any] = copy.deepcopy(owner.task_tree.data)
    frontier = [t for t in owner.tasks.values()
                if t.state == TaskState.COMPLETED and t is not owner.task_tree
                and not any(c.state == TaskState.COMPLETED for c in t.children)]
    for task in sorted(frontier, key=lambda t: t.last_state_change):
        merged.update(copy.deepcopy(task.data))
    for key, value in merged.items():
        owner.data.setdefault(key, value)


def _enclosing(task: Task) -> list[Task]:
    """Sub-process tasks between `task` and its scope owner, outermost first."""
    out: list[Task] = []
    owner = scope_owner(task.workflow)
    current = task.workflow
    while current is not owner and getattr(current, "parent_task_id", None) is not None:
        parent_task = current.top_workflow.get_task_from_id(current.parent_task_id)
        if parent_task is None:
            break
        out.append(parent_task)
        current = parent_task.workflow
    out.reverse()
    return out


def _mi_parent(task: Task) -> MultiInstanceTask | None:
    parent = task.parent
    spec = getattr(parent, "task_spec", None)
    if isinstance(spec, MultiInstanceTask) and task.task_spec.name == spec.task_spec:
        return spec
    return None


def _io(task: Task) -> Mapping[str, Any]:
    extensions = getattr(task.task_spec, "extensions", None) or {}
    return extensions.get("camunda:inputOutput") or {}


def local_names(task: Task) -> set[str]:
    """Names local to `task`'s own scope: MI element variable and loopCounter, input parameters."""
    names: set[str] = set()
    spec = _mi_parent(task)
    if spec is not None:
        names.add(LOOP_COUNTER)
        names.update(BODY_NAMES)
        for ref in (spec.input_item, spec.output_item):
            if ref is not None:
                names.add(ref.bpmn_id)
    names.update((_io(task).get("inputs") or {}).keys())
    names.update(task.internal_data.get(TASK_LOCALS) or ())
    return names


TASK_LOCALS = "camunda_local_variables"
"""internal_data key: names an external worker set as local variables of its task (`localVariables` on
`POST /external-task/{id}/complete`): they stay in the task's own data and end with it."""


def finish_external(task: Task, variables: Mapping[str, Any], local_variables: Mapping[str, Any]) -> None:
    """An external worker completes `task`: `local_variables` become the activity's own (readable by its
    `camunda:outputParameter`s, never written to a scope), `variables` go to the scopes as any write,
    then the output parameters are evaluated, as Camunda does when the activity ends."""
    task.internal_data[TASK_LOCALS] = sorted(local_variables)
    task.data.update(copy.deepcopy(dict(local_variables)))
    task.data.update(copy.deepcopy(dict(variables)))
    write(task, variables)
    _outputs(task)


def _loop_counter(task: Task) -> int:
    key = task.internal_data.get("key_or_index")
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    siblings = [c for c in task.parent.children if c.task_spec is task.task_spec]
    return siblings.index(task) if task in siblings else 0


# --- refresh and write-back -----------------------------------------------------------------


def _seen(task: Task) -> dict[str, Any]:
    """The instance scope with the enclosing local scopes over it: a SHALLOW dict of the scopes' own
    value objects (which are only ever replaced, never changed in place: writes store deep copies)."""
    seen = dict(instance_scope(task.workflow))
    for level in _enclosing(task):
        for name in local_names(level):
            if name in level.data:
                seen[name] = level.data[name]
    return seen


def view(task: Task) -> dict[str, Any]:
    """What `task` sees (its own locals not included), as a deep copy it may change freely."""
    return copy.deepcopy(_seen(task))


def refresh(task: Task) -> dict[str, Any]:
    """Replace `task.data` by its view of the scopes plus its own locals; returns what the task saw
    (shallow, own locals excluded), the baseline `commit` compares with.

    Own locals keep their current values (SpiffWorkflow set the element variable; an earlier refresh
    evaluated the input parameters). Input parameters are evaluated on the first refresh.
    """
    own = local_names(task)
    seen = _seen(task)
    data = copy.deepcopy(seen)
    for name in own:
        if name in task.data and (name in _mi_names(task) or task.internal_data.get(INPUTS_DONE)
                                  or name in (task.internal_data.get(TASK_LOCALS) or ())):
            data[name] = task.data[name]
    if _mi_parent(task) is not None:
        if LOOP_COUNTER not in data:
            data[LOOP_COUNTER] = _loop_counter(task)
        data.update(body_variables(task.parent))  # the MI body's counters, as they are now
    task.data = data
    inputs = _io(task).get("inputs") or {}
    if inputs and not task.internal_data.get(INPUTS_DONE):
        from .resolve import evaluate_attribute  # resolve imports nothing of ours; avoid a cycle

        for name, raw in inputs.items():
            task.data[name] = evaluate_attribute(task, raw)
        task.internal_data[INPUTS_DONE] = True
    return seen


def task_locals(task: Task) -> dict[str, Any]:
    """The variables local to `task` and its MI body (element variable, `loopCounter`, the body's
    `nrOf...` counters, input parameters), as in its data now: what Camunda lists for the task
    beyond the instance's variables. For an MI child not refreshed yet, `loopCounter` and the
    counters are computed."""
    out = {name: task.data[name] for name in sorted(local_names(task)) if name in task.data}
    if _mi_parent(task) is not None:
        out.setdefault(LOOP_COUNTER, _loop_counter(task))
        out.update(body_variables(task.parent))
    return out


def called_scope(task: Task) -> dict[str, Any] | None:
    """JSON-safe variables of the called process instance `task` runs in (a call activity's child,
    its own instance scope), or None for a task of the caller's own process."""
    owner = scope_owner(task.workflow)
    if getattr(owner, "parent_task_id", None) is None:
        return None
    from .data import json_safe

    return json_safe(dict(instance_scope(owner)))


def _mi_names(task: Task) -> set[str]:
    spec = _mi_parent(task)
    if spec is None:
        return set()
    return {ref.bpmn_id for ref in (spec.input_item, spec.output_item) if ref is not None} | {LOOP_COUNTER}


def _target(task: Task, name: str) -> dict[str, Any]:
    """Where a write of `name` by `task` goes: the innermost enclosing scope declaring it, else the
    instance scope (Camunda's `setVariable` rule)."""
    for level in reversed(_enclosing(task)):
        if name in local_names(level):
            return level.data
    return instance_scope(task.workflow)


def write(task: Task, changes: Mapping[str, Any], deleted: Iterator[str] | list[str] = ()) -> None:
    """Set `changes` (and remove `deleted`) as `task` would: own locals stay in the task's data,
    other names go to the scope that declares them, else to the instance scope."""
    own = local_names(task)
    for name, value in changes.items():
        if name in own:
            task.data[name] = value
        else:
            _target(task, name)[name] = _copy(task, name, value)
    for name in deleted:
        if name not in own:
            _target(task, name).pop(name, None)


def _copy(task: Task, name: str, value: Any) -> Any:
    """A deep copy of `value` for the scope; InvalidData naming the variable and `task`'s element when
    the value cannot be stored (e.g. an iterator a script put inside a list: issue 12, fault 7)."""
    try:
        return copy.deepcopy(value)
    except Exception:
        check_variables({name: value}, task.task_spec.bpmn_id or task.task_spec.name)
        raise


def write_through(task: Task, before: Mapping[str, Any]) -> None:
    """After a listener updated `task.data` in place: write what differs from `before` (a shallow
    copy taken just before) to the scopes at once, so the next refresh does not lose it."""
    changes = {k: v for k, v in task.data.items() if k not in before or before[k] is not v}
    if changes:
        write(task, changes)


def _outputs(task: Task) -> None:
    outputs = _io(task).get("outputs") or {}
    if not outputs:
        return
    from .resolve import evaluate_attribute

    scope = instance_scope(task.workflow)
    for name, raw in outputs.items():
        scope[name] = copy.deepcopy(evaluate_attribute(task, raw))


class Scopes:
    """Per-command bookkeeping: the baselines of the tasks refreshed in this command.

    `before_run`/`after_run` are SpiffWorkflow's `will_complete_task`/`did_complete_task` hooks;
    `begin`/`commit` bracket a task the service layer completes itself (user and service tasks).
    """

    def __init__(self) -> None:
        self.baselines: dict[Any, dict[str, Any]] = {}

    def begin(self, task: Task) -> None:
        """Refresh `task` from the scopes and remember what it saw."""
        self.baselines[task.id] = refresh(task)

    def commit(self, task: Task) -> None:
        """Write what `task` changed since `begin` to the scopes (nothing if it was not begun)."""
        base = self.baselines.pop(task.id, None)
        if base is None:
            return
        data = task.data
        own = local_names(task)
        changes = {k: v for k, v in data.items() if k not in own and (k not in base or not _same(base[k], v))}
        deleted = [k for k in base if k not in data and k not in own]
        write(task, changes, deleted)
        _outputs(task)
        settle_calls(task)

    def before_run(self, task: Task) -> None:
        """An engine step is about to run `task` (see the module docstring for the special cases)."""
        spec = task.task_spec
        if isinstance(spec, MultiInstanceTask) or is_call_activity(spec):
            return  # their data is SpiffWorkflow's merge of the children's; handled in after_run
        if isinstance(spec, Join):
            # SpiffWorkflow merges the data of the tasks that reached the join (their parents):
            # make those copies current so that no branch's stale copy comes back.
            fresh = view(task)
            for other in list(task.workflow.tasks.values()):
                parent = other.parent
                if other.task_spec is spec and parent is not None and parent.state == TaskState.COMPLETED:
                    parent.data = copy.deepcopy(fresh)
        self.begin(task)

    def after_run(self, task: Task) -> None:
        """An engine step ran `task`: write back what it changed once it is finished."""
        if not task.has_state(TaskState.FINISHED_MASK):
            return  # e.g. a service task parked in STARTED: its handler's result is committed later
        spec = task.task_spec
        if isinstance(spec, MultiInstanceTask):
            output = spec.data_output
            if task.state == TaskState.COMPLETED and output is not None and output.bpmn_id in task.data:
                write(task, {output.bpmn_id: task.data[output.bpmn_id]})
            settle_calls(task)
            return
        if is_call_activity(spec):
            if task.state == TaskState.COMPLETED:
                self._call_activity_done(task)
            settle_calls(task)
            return
        self.commit(task)

    @staticmethod
    def _call_activity_done(task: Task) -> None:
        """A mapped call activity (`workflows.call_activity`) writes what its `camunda:out` produced;
        a stock one (a spec deployed before) had all of the child's data copied back into the task:
        write the names the child set or changed (against what it was started with)."""
        if MAPPED_OUT in task.internal_data:  # Camunda's rule: only what camunda:out maps comes back
            write(task, task.internal_data.pop(MAPPED_OUT))
            task.internal_data.pop(MAPPED_OUT_LOCAL, None)
            _outputs(task)
            return
        child = task.workflow.top_workflow.subprocesses.get(task.id)
        seed = child.task_tree.data if child is not None else {}
        own = local_names(task)
        changes = {k: v for k, v in task.data.items()
                   if k not in own and (k not in seed or not _same(seed[k], v))}
        write(task, changes)


def settle_calls(task: Task) -> None:
    """`task` wrote its changes: call activities it started on completing now map `camunda:in`
    from the current scope (`MappedCallActivity.settle`)."""
    for child in task.children:
        settle = getattr(child.task_spec, "settle", None)  # a MappedCallActivity
        if settle is not None and is_call_activity(child.task_spec):
            settle(child)


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # a value whose comparison fails counts as changed
        return False
