"""A business-rule task evaluating a deployed DMN decision table, as Camunda 7 does.

Camunda 7 BPMN reference, "Business Rule Task": `camunda:decisionRef` names the decision (its id in the
`.dmn` file); `camunda:decisionRefBinding` picks the version: `latest` (default: the newest deployed at
the time the task runs), `deployment` (the one deployed with the process) or `version`
(`camunda:decisionRefVersion`); `camunda:resultVariable` receives the result mapped by
`camunda:mapDecisionResult` (`workflows.dmn.map_result`, default `resultList`). Without a result variable
the result is not stored.

The decision is looked up when the task runs, through the lookup the service layer binds for the command
(`bound`): `lookup(key, binding, version, process key)` → the decision's table JSON (`workflows.dmn`), or
None when no such decision is deployed (then the task fails naming the key: a 4xx on a person's command,
an incident on a job, like any run-time failure of diagram code).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins.bpmn_spec_mixin import BpmnSpecMixin
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS
from SpiffWorkflow.task import Task

from . import dmn
from .errors import ScriptFailed

ATTRIBUTES = ("decisionRef", "decisionRefBinding", "decisionRefVersion", "decisionRefVersionTag",
              "resultVariable", "mapDecisionResult", "decisionRefTenantId")
_C = "{" + CAMUNDA_MODEL_NS + "}"

Lookup = Callable[[str, str, int | None, str], dict[str, Any] | None]
"""`lookup(decision key, binding, version, key of the process whose task asks)` → the table JSON or None."""
_LOOKUP: contextvars.ContextVar[Lookup | None] = contextvars.ContextVar("decision_lookup", default=None)


@contextmanager
def bound(lookup: Lookup | None) -> Iterator[None]:
    """Business-rule tasks find their decisions through `lookup` inside this block."""
    token = _LOOKUP.set(lookup)
    try:
        yield
    finally:
        _LOOKUP.reset(token)


def decision_attributes(node: etree._Element) -> dict[str, str]:
    """The business-rule task's Camunda attributes, as `{"camunda:decisionRef": …}`."""
    return {f"camunda:{n}": node.get(_C + n) for n in ATTRIBUTES if node.get(_C + n) is not None}


class DecisionTableTask(BpmnSpecMixin):
    """Runs its decision when reached and stores the mapped result (module docstring)."""

    def _run_hook(self, my_task: Task) -> bool:
        ext = getattr(self, "extensions", None) or {}
        key = (ext.get("camunda:decisionRef") or "").strip()
        binding = (ext.get("camunda:decisionRefBinding") or "latest").strip()
        raw_version = (ext.get("camunda:decisionRefVersion") or "").strip()
        version = int(raw_version) if raw_version.isdigit() else None
        process_key = my_task.workflow.spec.name
        lookup = _LOOKUP.get()
        table = lookup(key, binding, version, process_key) if lookup is not None else None
        if table is None:
            what = f"version {version}" if binding == "version" else binding
            raise ScriptFailed(f"决策未部署 / decision {key!r} ({what}) is not deployed",
                               element_id=self.bpmn_id, process_key=process_key)
        try:
            results = dmn.evaluate(table, dict(my_task.data))
            value = dmn.map_result(results, ext.get("camunda:mapDecisionResult") or "resultList", key)
        except dmn.DecisionFailed as exc:
            raise ScriptFailed(exc.reason, element_id=self.bpmn_id, process_key=process_key) from None
        except (ArithmeticError, ValueError, TypeError) as exc:  # e.g. an output too large for a float
            raise ScriptFailed(f"决策 {key!r} 求值失败 / decision {key!r} failed: {type(exc).__name__}: "
                               f"{exc}", element_id=self.bpmn_id, process_key=process_key) from None
        variable = (ext.get("camunda:resultVariable") or "").strip()
        if variable:
            my_task.data[variable] = value
        super()._run_hook(my_task)
        return True
