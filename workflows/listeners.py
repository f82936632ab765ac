"""Run what a diagram declares by name: delegates, task listeners and execution listeners.

At deploy, `attach` copies each element's `camunda:executionListener` / `camunda:taskListener`
declarations (event and bean name; lint has already refused everything else) into its task spec's
`extensions`, which SpiffWorkflow serializes with the spec; the process's own execution listeners
go onto the internal `Start` and `End` specs.

At run time the service layer binds a `Binding` for the duration of a command (`bound`): the
registry and a factory for the `DelegateContext` of one call (it knows the instance, the session,
the actor and the clock). SpiffWorkflow's `Task._ready`, `complete` and `cancel` are wrapped once
(`install`) so that, while a binding is active, an element's `start` listeners run when it becomes
READY and its `end` listeners when it completes, before its successors inherit its data, or when it
is cancelled after it started (an interrupting boundary event; Camunda's order: execution start →
task create → task complete → execution end). Without a binding (bare
engine use) declared listeners do not run.

A listener's exception is carried through SpiffWorkflow as `ListenerRaised` and re-raised unchanged
by `workflows.instance`, so a domain error (InvalidInput, Conflict) reaches the caller as itself.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.camunda.parser.CamundaParser import NSMAP
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from .data import check_variables
from .errors import EngineError
from .extensions import DelegateContext, Extensions, Kind, TaskInfo, bean_name
from .scope import write_through

EXECUTION = "camunda:executionListeners"
TASK = "camunda:taskListeners"
PROCESS = "camunda:processListeners"
_STARTED = "listeners_started"
_C = "{" + NSMAP["camunda"] + "}"
_B = "{" + NSMAP["bpmn"] + "}"

ContextFactory = Callable[..., DelegateContext]


class ListenerRaised(EngineError):
    """A declared callable raised `error`; carried through SpiffWorkflow, re-raised as `error`."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class Binding:
    """The registry plus `make(element_id=, element_name=, event=, variables=, task=)` → context."""

    extensions: Extensions
    make: ContextFactory

    def call(self, kind: Kind, name: str, *, element_id: str | None, element_name: str | None,
             event: str, variables: dict[str, Any], task: TaskInfo | None = None) -> None:
        """Run bean `name` of `kind`; a returned mapping is merged into `variables`."""
        fn = self.extensions.resolve(kind, name)
        context = self.make(element_id=element_id, element_name=element_name, event=event,
                            variables=variables, task=task)
        result = fn(context)
        if result:
            if not isinstance(result, Mapping):
                raise TypeError(f"{kind} {name!r} returned {type(result).__name__}, not a dict")
            check_variables(dict(result), element_id)
            variables.update(result)


_BINDING: contextvars.ContextVar[Binding | None] = contextvars.ContextVar("listener_binding", default=None)


@contextmanager
def bound(binding: Binding | None) -> Iterator[None]:
    """Declared listeners and delegates run through `binding` inside this block."""
    token = _BINDING.set(binding)
    try:
        yield
    finally:
        _BINDING.reset(token)


def current() -> Binding | None:
    return _BINDING.get()


# --- deploy: declarations into the spec ------------------------------------------------------------

def declared(node: etree._Element, tag: str) -> list[dict[str, str]]:
    """[{event, name}] of the node's own `camunda:<tag>` children with a `${bean}` delegateExpression."""
    out = []
    for child in node.xpath(f"./bpmn:extensionElements/camunda:{tag}", namespaces=NSMAP):
        name = bean_name(child.get("delegateExpression"))
        if name:
            out.append({"event": child.get("event") or "", "name": name})
    return out


def attach(specs: Mapping[str, Any], documents: Mapping[str, etree._ElementTree]) -> None:
    """Copy listener declarations of every element of `specs` (process specs by name) into extensions."""
    for spec_name, spec in specs.items():
        container = container_of(documents, spec_name, specs)
        if container is None:
            continue
        if container.tag == _B + "process":
            process = declared(container, "executionListener")
            for internal in ("Start", "End"):
                task_spec = spec.task_specs.get(internal)
                if process and task_spec is not None:
                    existing = getattr(task_spec, "extensions", None) or {}
                    task_spec.extensions = {**existing, PROCESS: process}
        for task_spec in spec.task_specs.values():
            element_id = getattr(task_spec, "bpmn_id", None)
            if not element_id or not hasattr(task_spec, "extensions"):
                continue
            found = container.xpath(".//*[@id=$id]", id=element_id)
            if not found:
                continue
            execution, task = declared(found[0], "executionListener"), declared(found[0], "taskListener")
            if execution:
                task_spec.extensions[EXECUTION] = execution
            if task:
                task_spec.extensions[TASK] = task


def container_of(documents: Mapping[str, etree._ElementTree], spec_name: str,
                 specs: Mapping[str, Any]) -> etree._Element | None:
    """The `bpmn:process` (or embedded `bpmn:subProcess`) element a spec was parsed from.

    Process ids are unique within one compilation (the parser refuses duplicates), so a process is
    looked up in every document; a sub-process only inside the processes of `specs`, because another
    deployed diagram may use the same sub-process id. None when not found."""
    for tree in documents.values():
        found = tree.xpath("//bpmn:process[@id=$id]", namespaces=NSMAP, id=spec_name)
        if found:
            return found[0]
    for name in specs:
        for tree in documents.values():
            for process in tree.xpath("//bpmn:process[@id=$id]", namespaces=NSMAP, id=name):
                found = process.xpath(".//bpmn:subProcess[@id=$id]", namespaces=NSMAP, id=spec_name)
                if found:
                    return found[0]
    return None


# --- run: SpiffWorkflow state changes to listener calls --------------------------------------------

def execution_event(task: Task, event: str) -> None:
    """Run `task`'s element's (or, for the internal Start/End, its process's) `event` listeners."""
    binding = _BINDING.get()
    extensions = getattr(task.task_spec, "extensions", None)
    if binding is None or not extensions:
        return
    spec = task.task_spec
    if PROCESS in extensions:
        if event != "end":  # the internal Start completing starts the process, End ends it
            return
        wanted = "start" if spec.name == "Start" else "end"
        for item in extensions[PROCESS]:
            if item["event"] == wanted:
                _call(binding, "executionListener", item["name"], task, task.workflow.spec.name,
                      task.workflow.spec.description, wanted)
        return
    for item in extensions.get(EXECUTION, ()):
        if item["event"] == event:
            _call(binding, "executionListener", item["name"], task, spec.bpmn_id, spec.bpmn_name, event)


def task_event(task: Task, event: str, info: TaskInfo) -> None:
    """Run the user task's `event` task listeners (create, assignment, complete) with `info`."""
    binding = _BINDING.get()
    extensions = getattr(task.task_spec, "extensions", None) or {}
    if binding is None:
        return
    for item in extensions.get(TASK, ()):
        if item["event"] == event:
            spec = task.task_spec
            binding.call("taskListener", item["name"], element_id=spec.bpmn_id, element_name=spec.bpmn_name,
                         event=event, variables=task.data, task=info)


def has_task_listeners(task: Task, event: str) -> bool:
    extensions = getattr(task.task_spec, "extensions", None) or {}
    return any(item["event"] == event for item in extensions.get(TASK, ()))


def _call(binding: Binding, kind: Kind, name: str, task: Task, element_id: str | None,
          element_name: str | None, event: str) -> None:
    before = dict(task.data)
    try:
        binding.call(kind, name, element_id=element_id, element_name=element_name, event=event,
                     variables=task.data)
        write_through(task, before)  # Camunda: a listener's variables are visible at once
    except EngineError:
        raise
    except Exception as exc:
        raise ListenerRaised(exc) from exc


def _declares(task: Task) -> bool:
    """The task's element (or process) declares execution listeners: only then is anything recorded."""
    extensions = getattr(task.task_spec, "extensions", None)
    return bool(extensions) and (EXECUTION in extensions or PROCESS in extensions)


_INSTALLED = False


def install() -> None:
    """Wrap SpiffWorkflow's `Task._ready`, `complete` and `cancel` once (idempotent); inert unbound."""
    global _INSTALLED
    if _INSTALLED:
        return
    original_ready = Task._ready

    def _ready(self: Task) -> None:
        original_ready(self)
        if _BINDING.get() is not None and self.state == TaskState.READY and _declares(self) \
                and not self.internal_data.get(_STARTED):
            self.internal_data[_STARTED] = True  # once per task, whatever SpiffWorkflow re-readies
            execution_event(self, "start")

    def complete(self: Task) -> None:
        self._set_state(TaskState.COMPLETED)
        if _BINDING.get() is not None and _declares(self):
            execution_event(self, "end")
        self.task_spec._on_complete(self)

    original_cancel = Task.cancel

    def cancel(self: Task) -> None:
        was_started = not self.has_state(TaskState.FINISHED_MASK) and self.internal_data.get(_STARTED)
        original_cancel(self)
        if was_started and _BINDING.get() is not None and self.state == TaskState.CANCELLED:
            execution_event(self, "end")  # Camunda ends an interrupted activity's execution too

    Task._ready = _ready  # type: ignore[method-assign]
    Task.cancel = cancel  # type: ignore[method-assign]
    Task.complete = complete  # type: ignore[method-assign]
    _INSTALLED = True
