"""Camunda multi-instance task specs that keep no run-time state on the (shared) spec.

SpiffWorkflow 3.2's Camunda MI (`camunda/specs/multiinstance_task.py`, `update_task_spec`) writes
onto the task spec every time an MI activity starts: `data_input` and `input_item` (built from the
collection and element variable), and, when `loopCardinality` evaluates to a collection,
`data_input` from the cardinality expression plus `cardinality = None` for good (SPIFF-NOTES §8.1.9,
§10.3). Our specs are shared by every instance restored in a process (serializer's spec cache), so a
process whose copy of the spec never entered the MI had `data_input = None`, and `merge_child`
then *appended* each confirmed member to the collection instead of updating it in place (issue 11).

The classes here derive those attributes once, when the spec is built (parser or deserializer),
from what the diagram says, so a spec is the same object in every process whatever ran before:

* `camunda:collection` (no cardinality): the collection is both input and output, and the element
  variable is both input and output item (what `update_task_spec` would have set, every time).
* `loopCardinality`: the element variable is the input item; a cardinality that evaluates to
  anything but a non-negative int is refused at run time (`WorkflowDataException`) instead of
  silently turning the shared spec into a collection MI. (The linter refuses `loopCardinality`.)

Camunda's multi-instance variables (user guide, "Multiple Instance"; issue 12, fault 3): the body
has `nrOfInstances`, `nrOfActiveInstances` and `nrOfCompletedInstances` (`body_variables`), each
child has `loopCounter` and the element variable (its local scope, see `workflows.scope`). The
`completionCondition` is evaluated after each child completes, against that child's view plus the
body's counters (the completed child counted, no longer active), written as Camunda's `${...}` or as
the plain Python expression; when it holds the remaining children are cancelled.

What runs is bounded and checked before any child is created (issue report-b, findings 7 and 8):

* The collection must be a list, as Camunda 7 requires a `java.util.Collection`
  (`MultiInstanceActivityBehavior`: a missing variable, `null`, a number, a string or a map fails the
  command). SpiffWorkflow would iterate a dict's values (or a string's characters) silently; here the
  command fails naming the element and what the collection holds (`check_collection`).
* At most MAX_INSTANCES instances: the whole parallel expansion happens inside one engine step, which
  the CPU budget (`workflows.budget`, checked between steps) cannot interrupt; 20,000 children took
  35 s of CPU and 6 GB in one step. A larger collection is refused before the first child exists.
* A child starts with only its own locals (the element variable) instead of a copy of the body's data:
  SpiffWorkflow copies the parent's data into every new task, so n children each held a copy of the
  n-element collection (quadratic time and memory). `workflows.scope` refreshes every task from the
  instance scope before it runs, so the inherited copy was never read.

The class names equal SpiffWorkflow's, so serialized specs keep their typenames: specs already
stored (all dumped before any run, so with `data_input: null`) restore into these classes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowDataException
from SpiffWorkflow.bpmn.specs.data_spec import TaskDataReference
from SpiffWorkflow.bpmn.specs.defaults import ParallelMultiInstanceTask as BpmnParallelMI
from SpiffWorkflow.bpmn.specs.defaults import SequentialMultiInstanceTask as BpmnSequentialMI
from SpiffWorkflow.bpmn.specs.mixins import BpmnSpecMixin
from SpiffWorkflow.camunda.specs import multiinstance_task as camunda_mi
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

NR_OF_INSTANCES = "nrOfInstances"
NR_OF_ACTIVE = "nrOfActiveInstances"
NR_OF_COMPLETED = "nrOfCompletedInstances"
BODY_NAMES = (NR_OF_INSTANCES, NR_OF_ACTIVE, NR_OF_COMPLETED)
"""The multi-instance body's variables (local to the body: never in the instance scope)."""
MAX_INSTANCES = 500
"""Most instances one multi-instance activity may have (the collection's size). Camunda 7 sets no such
limit, but its executions share one variable scope; here a parallel expansion creates every child in
one engine step, which the CPU budget (`workflows.budget`, checked between steps) cannot interrupt.
A real diagram fans out to reviewers, members or documents: tens, not hundreds. Measured (2-core VM):
1,000 children of a four-task sub-process exceed a command's 5 s CPU budget; and SpiffWorkflow 3.2's
task iterator (`BpmnTaskIterator`, `max_depth=1000`) counts one level per sub-process it walks through,
so from about 995 sub-process children on it silently misses their tasks (996 children: 995 user tasks
seen). 500 keeps a parallel expansion well inside both."""
_WHOLE_EXPR = re.compile(r"\s*\$\{(.*)\}\s*", re.DOTALL)


def body_variables(body: Task) -> dict[str, int]:
    """`nrOfInstances`, `nrOfActiveInstances`, `nrOfCompletedInstances` of the MI body task `body`.

    Parallel: every child is an instance; completed = children merged so far; active = the others
    not yet finished. Sequential: instances = the collection's size (or the cardinality), at most
    one active (Camunda's rule). Counts are ints >= 0.
    """
    spec = body.task_spec
    completed = len(body.internal_data.get("merged", []))
    children = [c for c in body.children if c.task_spec.name == spec.task_spec]
    running = sum(1 for c in children if not c.has_state(TaskState.FINISHED_MASK))
    if isinstance(spec, BpmnSequentialMI):
        remaining = body.internal_data.get("remaining")
        if remaining is not None:
            total = completed + running + len(remaining)
        else:
            total = int(body.internal_data.get("cardinality") or 0)
    else:
        total = len(children)
    return {NR_OF_INSTANCES: total, NR_OF_ACTIVE: running, NR_OF_COMPLETED: completed}


def condition_expression(condition: str) -> str:
    """The Python expression of a `completionCondition`: the inside of Camunda's `${...}`, or as is."""
    match = _WHOLE_EXPR.fullmatch(condition)
    return match.group(1) if match is not None else condition.strip()


def _reference(ref: Any) -> TaskDataReference | None:
    return TaskDataReference(ref.bpmn_id) if ref is not None else None


def check_collection(spec: Any, my_task: Task) -> None:
    """The collection of MI `spec` (a variable name), as Camunda 7 checks it before creating any
    instance: it must exist and be a list (Camunda: a `java.util.Collection`; a map, string, number
    or null fails the command), of at most MAX_INSTANCES items.

    Raises:
        WorkflowDataException: naming the variable and what it holds; the engine turns it into a
            failure naming the element (400 on a person's command, an incident on a job).
    """
    name = spec.data_input.bpmn_id
    if name not in my_task.data:
        raise WorkflowDataException(
            f"多实例的集合变量 {name} 不存在 / the multi-instance collection variable {name!r} does not "
            f"exist (Camunda 7: the collection must resolve to a Collection)", my_task)
    value = my_task.data[name]
    if not isinstance(value, list | tuple):
        kind = "null" if value is None else "a map (JSON object)" if isinstance(value, Mapping) \
            else type(value).__name__
        raise WorkflowDataException(
            f"多实例的集合变量 {name} 不是列表 / the multi-instance collection {name!r} is {kind}, "
            f"not a list (Camunda 7 requires a Collection and refuses anything else; for a map, "
            f"iterate e.g. a list of its keys)", my_task)
    if len(value) > MAX_INSTANCES:
        raise WorkflowDataException(
            f"多实例数量 {len(value):,} 超出上限 {MAX_INSTANCES:,} / the multi-instance collection "
            f"{name!r} has {len(value):,} items, more than the limit of {MAX_INSTANCES:,} instances "
            f"(MAX_INSTANCES)", my_task)


class _FixedSpecMixin:
    """Derive input/output references at construction; never assign to the spec while running."""

    def __init__(self, wf_spec: Any, bpmn_id: str, task_spec: str, cardinality: str | None = None,
                 data_input: Any = None, data_output: Any = None, input_item: Any = None,
                 output_item: Any = None, condition: str | None = None, **kwargs: Any) -> None:
        if cardinality is None and data_input is None:
            data_input = _reference(data_output)
        if input_item is None:
            input_item = _reference(output_item)
        super().__init__(wf_spec, bpmn_id, task_spec, cardinality=cardinality, data_input=data_input,
                         data_output=data_output, input_item=input_item, output_item=output_item,
                         condition=condition, **kwargs)

    def _prepare(self, my_task: Task) -> None:
        """`update_task_spec` without the spec writes: same task-state fix-up, same checks."""
        if my_task.state != TaskState.WAITING:
            BpmnSpecMixin._update_hook(self, my_task)
            my_task._set_state(TaskState.WAITING)
        if self.data_input is not None:
            check_collection(self, my_task)
        if self.cardinality is not None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.cardinality)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise WorkflowDataException(
                    f"loopCardinality 须为非负整数 / loopCardinality must evaluate to a non-negative int, "
                    f"got {type(value).__name__}; use camunda:collection for collections", my_task)

    def create_child(self, my_task: Task, item: Any, key_or_index: Any = None) -> None:
        """SpiffWorkflow's, but the child inherits none of the body's data (module docstring): the
        body's data is hidden while the child is created, after SpiffWorkflow's own checks on it."""
        for ref in (self.input_item, self.output_item):
            if ref is not None and ref.exists(my_task):
                raise WorkflowDataException(f"Multiinstance item {ref.bpmn_id} already exists.", my_task)
        saved = my_task.data
        my_task.data = {}
        try:
            super().create_child(my_task, item, key_or_index)
        finally:
            my_task.data = saved

    def check_completion_condition(self, my_task: Task) -> bool:
        """Camunda's completion condition, after a child completed: evaluated in that child's view
        with the body's counters (the child counted as completed)."""
        merged = my_task.internal_data.get("merged", [])
        if not merged or not self.condition:
            return False
        last = next((c for c in my_task.children if str(c.id) == merged[-1]), None)
        if last is None:
            return False
        counters = body_variables(my_task)
        expression = condition_expression(self.condition)
        saved = last.data
        last.data = {**saved, **counters}  # the counters as they are now, over the child's copy
        try:
            return bool(my_task.workflow.script_engine.evaluate(last, expression))
        finally:
            last.data = saved

    def init_data_output_with_cardinality(self, my_task: Task) -> None:
        """SpiffWorkflow's version refers to an undefined `data_ouput` (SPIFF-NOTES §8.1.3)."""
        if not self.data_output.exists(my_task):
            self.data_output.set(my_task, [])
            return
        data_output = self.data_output.get(my_task)
        if not isinstance(data_output, dict) and len(data_output) > 0:
            self.raise_data_exception(
                "If loop cardinality is specified, the output must be a map (dict) or empty sequence (list)",
                my_task)


class ParallelMultiInstanceTask(_FixedSpecMixin, camunda_mi.ParallelMultiInstanceTask):
    """Parallel Camunda MI whose spec is immutable at run time (see the module docstring)."""

    def _update_hook(self, my_task: Task) -> Any:
        self._prepare(my_task)
        return BpmnParallelMI._update_hook(self, my_task)


class SequentialMultiInstanceTask(_FixedSpecMixin, camunda_mi.SequentialMultiInstanceTask):
    """Sequential Camunda MI whose spec is immutable at run time (see the module docstring)."""

    def _update_hook(self, my_task: Task) -> Any:
        self._prepare(my_task)
        return BpmnSequentialMI._update_hook(self, my_task)
