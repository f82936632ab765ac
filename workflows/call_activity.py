"""Call activities pass only the variables the diagram maps, as Camunda 7 does (issue 12, fault 4).

Camunda 7 user guide, "Call Activity" > "Passing Variables": the called instance starts with NO
variables unless `camunda:in` maps them, and the caller gets nothing back unless `camunda:out` does.
SpiffWorkflow copies every variable both ways. The mappings read here (`parse_mappings`, stored in the
spec's `extensions` under `camunda:in` / `camunda:out`, so they serialize with the spec):

* `<camunda:in source="a" target="b"/>`: the child's `b` is the caller's `a` (absent `a` -> not set,
  as Camunda passes null only for an existing variable);
* `<camunda:in sourceExpression="${expr}" target="b"/>`: `expr` evaluated in the caller;
* `<camunda:in variables="all"/>`: every caller variable under its own name; with `local="true"`
  only the call activity's local variables (its `camunda:inputOutput` input parameters);
* `<camunda:in businessKey="${...}"/>`: the child runs inside the caller's instance here (one row,
  one business key), so only Camunda's usual `execution.processBusinessKey` is accepted (linter);
* `camunda:out` the same, the other way: sources are the child's variables, targets are set on the
  caller's scope (`local="true"`: on the call activity only, i.e. they end with it unless an output
  parameter maps them).

Mappings are applied in document order (a later one wins), `variables="all"` included.
`MappedCallActivity` keeps SpiffWorkflow's run-time behaviour otherwise; the writes to the caller's
scope are made by `workflows.scope` from `internal_data[OUT_KEY]`.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.defaults import CallActivity
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .errors import ScriptFailed
from .scope import MAPPED_OUT, MAPPED_OUT_LOCAL, instance_scope, task_locals, view

IN_KEY = "camunda:in"
OUT_KEY = "camunda:out"
PENDING_IN = "consortium_call_in_pending"
"""Call-activity task internal-data key: the child was started before the caller's last writes."""
MAPPING_ATTRIBUTES = ("source", "sourceExpression", "target", "variables", "local", "businessKey")
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def parse_mappings(node: etree._Element) -> dict[str, list[dict[str, str]]]:
    """`{"camunda:in": [...], "camunda:out": [...]}` of a callActivity element, each mapping a dict
    of the attributes present (`MAPPING_ATTRIBUTES`), in document order."""
    out: dict[str, list[dict[str, str]]] = {IN_KEY: [], OUT_KEY: []}
    for kind, key in (("in", IN_KEY), ("out", OUT_KEY)):
        for element in node.findall(f"{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}{kind}"):
            out[key].append({a: element.get(a) for a in MAPPING_ATTRIBUTES if element.get(a) is not None})
    return out


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


def apply(mappings: list[dict[str, str]], source: dict[str, Any], local: dict[str, Any],
          evaluate: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Values the mappings produce: (for the target's scope, for the target element only
    (`local="true"` targets on the way out)). `source` = every variable visible on the source side,
    `local` = its local variables, `evaluate(expression)` evaluates a `sourceExpression` there."""
    values: dict[str, Any] = {}
    local_values: dict[str, Any] = {}
    for mapping in mappings:
        if "businessKey" in mapping and len(mapping) == 1:
            continue
        pool = local if _is_true(mapping.get("local")) else source
        if (mapping.get("variables") or "").strip() == "all":
            chunk = {k: copy.deepcopy(v) for k, v in pool.items()}
        elif "sourceExpression" in mapping:
            chunk = {mapping.get("target") or "": evaluate(mapping["sourceExpression"])}
        elif mapping.get("source") in pool:
            chunk = {mapping.get("target") or mapping["source"]: copy.deepcopy(pool[mapping["source"]])}
        else:
            chunk = {}
        chunk.pop("", None)
        (local_values if _is_true(mapping.get("local")) else values).update(chunk)
    return values, local_values


class MappedCallActivity(CallActivity):
    """A call activity that passes exactly what its `camunda:in`/`camunda:out` map (module docstring).

    Specs deployed before this class restore as SpiffWorkflow's CallActivity (every variable both
    ways), so instances already running are not changed under their owners' feet.
    """

    def _update_hook(self, my_task: Task) -> Any:
        """Deploy in any order (issue 15 item 7): a callee not deployed when the caller's spec was built
        fails here, when it is called, naming the key: a 4xx on a person's command, an incident on a job
        (`ScriptFailed`, like any run-time failure of diagram code)."""
        top = my_task.workflow.top_workflow
        if top.subprocesses.get(my_task.id) is None and self.spec not in top.subprocess_specs:
            raise ScriptFailed(f"被调用的流程未部署 / called process {self.spec!r} is not deployed",
                               element_id=self.bpmn_id, process_key=my_task.workflow.spec.name)
        return super()._update_hook(my_task)

    def copy_data(self, my_task: Task, subworkflow: Any) -> None:
        """Start the child with what `camunda:in` maps. SpiffWorkflow starts it while the previous
        step is still completing, before that step's writes reach the scope: `workflows.scope`
        calls `settle` once they have (`PENDING_IN` marks the task until then)."""
        start = subworkflow.get_next_task(subworkflow.task_tree, skip_subprocesses=True, spec_name="Start")
        start.data = {}
        start.set_data(**self.mapped_in(my_task))
        my_task.internal_data[PENDING_IN] = True

    def mapped_in(self, my_task: Task) -> dict[str, Any]:
        """The child's starting variables: `camunda:in` applied to what the call activity sees."""
        own = task_locals(my_task)
        visible = {**view(my_task), **own}
        values, _ = apply(self._mappings(IN_KEY), visible, own,
                          lambda expr: _evaluate(my_task, visible, expr))
        return values

    def settle(self, my_task: Task) -> None:
        """Re-apply `camunda:in` now that the previous step's writes are in the scope: the child's
        instance scope and the data of its unfinished tasks become the mapped variables."""
        if not my_task.internal_data.pop(PENDING_IN, False):
            return
        subworkflow = my_task.workflow.top_workflow.subprocesses.get(my_task.id)
        if subworkflow is None:
            return
        values = self.mapped_in(my_task)
        scope = instance_scope(subworkflow)
        scope.clear()
        scope.update(copy.deepcopy(values))
        for task in subworkflow.tasks.values():
            if not task.has_state(TaskState.FINISHED_MASK) or task.task_spec.name == "Start":
                task.data = copy.deepcopy(values)

    def update_data(self, my_task: Task, subworkflow: Any) -> None:
        child = dict(instance_scope(subworkflow))
        end = subworkflow.last_task
        if end is not None:
            child = {**end.data, **child}
        probe = subworkflow.last_task or my_task
        values, local_values = apply(self._mappings(OUT_KEY), child, child,
                                     lambda expr: _evaluate(probe, child, expr))
        my_task.internal_data[MAPPED_OUT] = copy.deepcopy(values)
        my_task.internal_data[MAPPED_OUT_LOCAL] = copy.deepcopy(local_values)
        my_task.data = {**my_task.data, **values, **local_values}

    def _mappings(self, key: str) -> list[dict[str, str]]:
        return list((getattr(self, "extensions", None) or {}).get(key) or [])


def _evaluate(task: Task, data: dict[str, Any], raw: str) -> Any:
    """`raw` (`${expr}` or a bare expression) evaluated against `data` as `task` would."""
    from .multiinstance import condition_expression
    from .resolve import evaluate_attribute

    saved = task.data
    task.data = data
    try:
        return evaluate_attribute(task, "${" + condition_expression(raw) + "}")
    finally:
        task.data = saved
