"""Errors raised by the engine layer; SpiffWorkflow exceptions never leave `workflows/`.

SpiffWorkflow reports problems with its own exception types, and some of them lack the element
id or the line number a process owner needs (SPIFF-NOTES §5). Everything is converted here, so
the service layer maps one small tree once per edge::

    EngineError                      base; str(e) is safe to show (zh-CN first, then English)
    ├── DiagramInvalid               deploy refused; .problems: list[DiagramProblem]
    ├── TaskNotReady                 complete_task on a task that is not READY / not manual / unknown
    ├── NotWaitingForMessage         send_message while no catch event waits for that name
    ├── ErrorNotCaught               an external task's BPMN error that no boundary event catches
    ├── InvalidData                  task data SpiffWorkflow cannot store (e.g. a "typename" key)
    └── ScriptFailed                 a script, condition, timer or ${...} expression failed at run time
        │                            (.element_id, .process_key, .line, .reason; .timed_out)
        ├── InvalidTimer             a timer date/duration/cycle (or a due date) is malformed or out of
        │                            bounds (workflows/timers.py); retrying the same step cannot help
        └── StepBudgetExceeded       one command ran more engine tasks or CPU time than its budget
                                     (workflows/budget.py): a loop with no wait state; .steps, .cpu_seconds

`DiagramProblem` is a plain dataclass, not an exception: one deploy collects many of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


@dataclass(frozen=True)
class DiagramProblem:
    """One reason a diagram is refused, pointing at the element and line to fix."""

    file: str
    element_id: str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        element = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}{element} {self.message}"


class DiagramInvalid(EngineError):
    """The deployment was refused; every problem found is listed, not just the first."""

    def __init__(self, problems: list[DiagramProblem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"流程图无效 / diagram invalid ({len(self.problems)} problem(s)):\n{lines}")


class TaskNotReady(EngineError):
    """The task is unknown, not READY or not a user task: completing it would corrupt the instance."""

    def __init__(self, task_id: str, reason: str) -> None:
        self.task_id = task_id
        self.reason = reason
        super().__init__(f"任务不可办理 / task {task_id} cannot be completed: {reason}")


class NotWaitingForMessage(EngineError):
    """No catch event of the instance waits for this message name right now."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"流程未在等待该消息 / instance is not waiting for message {name!r}")


class ErrorNotCaught(EngineError):
    """A worker's BPMN error that no error boundary event on the external task catches, where Camunda
    would propagate it to an enclosing scope (not modelled here): refused, nothing changes. An error
    with nowhere to go ends the task's path instead, as Camunda's default does (Instance.throw_bpmn_error).
    """

    def __init__(self, element_id: str, code: str) -> None:
        self.element_id = element_id
        self.code = code
        super().__init__(f"没有边界事件捕获该错误 / no error boundary event on {element_id} catches "
                         f"error code {code!r}")


class InvalidData(EngineError):
    """Data SpiffWorkflow's serializer would store but could not read back."""


class ScriptFailed(EngineError):
    """A diagram expression failed while the engine ran; names the element, process and line."""

    def __init__(
        self,
        reason: str,
        *,
        element_id: str | None = None,
        process_key: str | None = None,
        line: int | None = None,
        timed_out: bool = False,
    ) -> None:
        self.reason = reason
        self.element_id = element_id
        self.process_key = process_key
        self.line = line
        self.timed_out = timed_out
        where = f"{process_key or '?'}/{element_id or '?'}"
        at_line = f" line {line}" if line else ""
        super().__init__(f"流程脚本执行失败 / script failed at {where}{at_line}: {reason}")

    @classmethod
    def from_spiff(cls, exc: BaseException) -> ScriptFailed:
        """Wrap a WorkflowTaskException (or any error raised while running) with its element."""
        from .limits import SandboxLimit  # local: the sandbox imports nothing from here at import
        from .sandbox import ScriptTimeout

        task = getattr(exc, "task", None)
        # a gateway with no flow to take raises with its spec only (SpiffWorkflow's ExclusiveChoice)
        spec = getattr(task, "task_spec", None) or getattr(exc, "task_spec", None)
        workflow = getattr(task, "workflow", None)
        element_id = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
        process_key = (getattr(getattr(workflow, "spec", None), "name", None)
                       or getattr(getattr(spec, "_wf_spec", None), "name", None))
        line = getattr(exc, "line_number", None) or None
        inner = _in_chain(exc, ScriptTimeout)
        timed_out = inner is not None or getattr(exc, "error_type", None) == ScriptTimeout.__name__
        reason = str(inner) if inner is not None else _spiff_message(exc)
        limit = _in_chain(exc, SandboxLimit)
        if limit is not None:  # Spiff says only "Error evaluating expression" for conditions/timers
            reason = str(limit) if str(limit) in reason else f"{limit} ({reason.strip()})"
        elif inner is None:
            reason = _with_source(exc, reason)
        if reason.startswith("No conditions satisfied"):
            reason = (f"没有可走的出口连线（无条件成立，也无默认连线）/ no outgoing sequence flow of "
                      f"{element_id} could be selected: no condition holds and there is no default flow")
        return cls(reason, element_id=element_id, process_key=process_key,
                   line=line if isinstance(line, int) else None, timed_out=timed_out)


class InvalidTimer(ScriptFailed):
    """A date, duration or cycle computed at run time is malformed or beyond the bounds of
    `workflows.timers` (issue 11); names the element. Deterministic: the same step fails again."""

    def __init__(self, reason: str, *, element_id: str | None = None, process_key: str | None = None) -> None:
        super().__init__(reason, element_id=element_id, process_key=process_key)
        where = f"{process_key or '?'}/{element_id or '?'}"
        Exception.__init__(self, f"定时器或日期无效 / invalid timer or date at {where}: {reason}")


class StepBudgetExceeded(ScriptFailed):
    """One command's engine steps exceeded MAX_ENGINE_STEPS or MAX_ENGINE_CPU_SECONDS
    (`workflows.budget`, issue 11): the diagram loops without reaching a wait state. Names the element
    where the engine stopped and the budget that was hit; the same command would fail again."""

    def __init__(self, budget: str, budget_zh: str, *, element_id: str | None = None,
                 process_key: str | None = None, steps: int = 0, cpu_seconds: float = 0.0) -> None:
        super().__init__(budget, element_id=element_id, process_key=process_key)
        self.steps = steps
        self.cpu_seconds = cpu_seconds
        where = f"{process_key or '?'}/{element_id or '?'}"
        Exception.__init__(self, f"{budget_zh}，停在 {where} / {budget} exceeded at {where} "
                                 f"(after {steps:,} steps, {cpu_seconds:.1f} s CPU): "
                                 f"the diagram loops without reaching a wait state")


def _with_source(exc: BaseException, reason: str) -> str:
    """Add what Spiff leaves out: the failing script line, and the cause of a condition's failure
    (Spiff says only "Error evaluating expression 'amount > 1'", not that `amount` is undefined)."""
    reason = reason.strip()
    error_line = getattr(exc, "error_line", None)
    if isinstance(error_line, str) and error_line.strip() and error_line.strip() not in reason:
        reason = f"{reason} `{error_line.strip()[:200]}`"
    cause = exc.__cause__ or exc.__context__
    if cause is not None and not isinstance(cause, EngineError):
        text = str(cause)
        if text and text not in reason:
            reason = f"{reason} ({type(cause).__name__}: {text[:300]})"
    return reason


def _in_chain(exc: BaseException | None, kind: type[BaseException]) -> BaseException | None:
    """SpiffWorkflow re-raises inside `except`, so the original error is in the context chain."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, kind):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _spiff_message(exc: BaseException) -> str:
    notes = getattr(exc, "__notes__", None) or []
    text = str(exc)
    return "; ".join([text, *notes]) if notes else text


def problem_from_validation(exc: Any, file: str, tree: etree._ElementTree | None) -> DiagramProblem:
    """Turn a SpiffWorkflow ValidationException into a DiagramProblem.

    SpiffWorkflow reads `node.line_number`, which lxml elements do not have, so structural errors
    arrive without a line (SPIFF-NOTES §8.1.4); look the element up by id to recover `sourceline`.
    """
    element_id = getattr(exc, "id", None) or None
    line = getattr(exc, "line_number", None)
    line = line if isinstance(line, int) and line > 0 else None
    if line is None and element_id and tree is not None:
        found = tree.xpath("//*[@id=$id]", id=element_id)
        if found:
            line = found[0].sourceline
    file = getattr(exc, "file_name", None) or file
    message = str(exc.args[0]) if getattr(exc, "args", None) else str(exc)
    kind = None
    if element_id and tree is not None:
        found = tree.xpath("//*[@id=$id]", id=element_id)
        kind = etree.QName(found[0]).localname if found else None
    return DiagramProblem(file=file, element_id=element_id, line=line, message=_translated(message, kind))


_SPIFF_MESSAGES = {
    "There is no support implemented for this task type.": (
        "不支持 {kind} / {kind} is not supported: SpiffWorkflow 3.2 has no implementation of it"),
    "Multiple outgoing flows are not supported for tasks of type": (
        "{kind} 不能有多条出口连线 / more than one outgoing sequence flow from a {kind} is not supported "
        "(Camunda 7 takes every flow whose condition holds, SpiffWorkflow 3.2 refuses it): draw an "
        "exclusive or inclusive gateway after it"),
}
"""SpiffWorkflow's English-only (and, for the second, cut-off) deploy messages in both languages."""


def _translated(message: str, kind: str | None) -> str:
    template = _SPIFF_MESSAGES.get(message.strip())
    return template.format(kind=kind or "element") if template else message
