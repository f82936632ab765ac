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

The class names equal SpiffWorkflow's, so serialized specs keep their typenames: specs already
stored (all dumped before any run, so with `data_input: null`) restore into these classes.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowDataException
from SpiffWorkflow.bpmn.specs.data_spec import TaskDataReference
from SpiffWorkflow.bpmn.specs.defaults import ParallelMultiInstanceTask as BpmnParallelMI
from SpiffWorkflow.bpmn.specs.defaults import SequentialMultiInstanceTask as BpmnSequentialMI
from SpiffWorkflow.bpmn.specs.mixins import BpmnSpecMixin
from SpiffWorkflow.camunda.specs import multiinstance_task as camunda_mi
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState


def _reference(ref: Any) -> TaskDataReference | None:
    return TaskDataReference(ref.bpmn_id) if ref is not None else None


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
        if self.cardinality is not None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.cardinality)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise WorkflowDataException(
                    f"loopCardinality 须为非负整数 / loopCardinality must evaluate to a non-negative int, "
                    f"got {type(value).__name__}; use camunda:collection for collections", my_task)

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
