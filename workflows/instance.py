"""A running process instance: the only object the service layer drives.

Every command runs under the caller's clock (`engine_clock(now)`), then advances the workflow to
its next wait state: engine steps, external service tasks dispatched by topic (SpiffWorkflow parks
plain service tasks in STARTED, SPIFF-NOTES §2.3), and again until nothing is left to run (a timer
that expires only becomes READY on the first pass, §3.1). Each command has one `StepBudget`
(`workflows/budget.py`): at most MAX_ENGINE_STEPS engine tasks and MAX_ENGINE_CPU_SECONDS of CPU,
charged before every engine task (call activities' and service tasks' included), so a loop with no
wait state raises `StepBudgetExceeded` instead of running for ever. SpiffWorkflow errors are converted
to `ScriptFailed`; after one, the in-memory instance is not to be saved (the use case rolls back).
Errors raised by service handlers propagate unchanged: they are the service layer's own.

Not thread-safe: one command at a time per instance (the service layer holds the row lock).
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import EndEvent, ServiceTask, StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import ErrorEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.simple import TerminateEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from . import asynchronous, external_context, messages
from .budget import StepBudget
from .clock import engine_clock
from .data import camunda_types, check_storable, check_variables, json_safe
from .errors import EngineError, ErrorNotCaught, InvalidData, NotWaitingForMessage, ScriptFailed, TaskNotReady
from .extensions import TaskInfo, bean_name
from .listeners import ListenerRaised, bound, has_task_listeners, task_event
from .listeners import current as current_binding
from .model import ActivityState, ExternalTask, MessageSubscription, ServiceCall, Timer, UserTask
from .prune import PRUNE_EVERY, passed_elements, prune
from .resolve import element_variable, evaluate_attribute, resolved, to_datetime
from .scope import (
    TASK_LOCALS,
    Scopes,
    called_scope,
    finish_external,
    instance_scope,
    refresh,
    task_locals,
    write,
    write_through,
)
from .serializer import dump_state
from .storable import unstorable
from .timers import parse_date

Handlers = Mapping[str, Callable[[ServiceCall], dict[str, Any] | None]]
MAX_ROUNDS = 1000
_ACTIVE = TaskState.READY | TaskState.STARTED | TaskState.WAITING | TaskState.ERROR


class Instance:
    """Facade over one BpmnWorkflow; see the module docstring for the run rules."""

    def __init__(self, engine: object, workflow: BpmnWorkflow) -> None:
        # `engine` is the workflows.engine.Engine that restored it, typed loosely so that this module
        # needs no import of engine.py (which imports this one; issue 19).
        self.engine = engine
        self.workflow = workflow
        self.scopes = Scopes()  # Camunda's variable scopes (workflows/scope.py)
        instance_scope(workflow)
        self.completed_task_ids: set[str] = set()
        """User tasks a person completed through this object (`complete_task`); any other open task
        that disappears was cancelled (`ended`)."""

    # --- commands ----------------------------------------------------------------------------

    def advance(self, handlers: Handlers, now: datetime) -> None:
        """Run until every path waits on a person, a timer or a message (or the end)."""
        with engine_clock(now):
            self._advance(handlers, StepBudget())

    def complete_task(self, task_id: str, data: dict[str, Any], handlers: Handlers, now: datetime) -> None:
        """Complete a READY user task with its form data, then advance.

        For a multi-instance child the data is also merged into its element variable (a dict);
        SpiffWorkflow otherwise keeps only the element variable and drops the rest (SPIFF-NOTES §2.4).

        Raises:
            TaskNotReady: unknown task, not READY, or not a user/manual task.
            InvalidData: data the serializer could not restore.
        """
        with engine_clock(now):
            task = self._task(task_id)
            if task.state != TaskState.READY or not task.task_spec.manual:
                raise TaskNotReady(task_id, f"state {TaskState.get_name(task.state)}"
                                   + ("" if task.task_spec.manual else ", not a user task"))
            check_variables(data, task.task_spec.bpmn_id)
            data = copy.deepcopy(data)
            self.scopes.begin(task)  # the form works on the current scope, not on a stale branch copy
            task.data.update(data)
            variable = element_variable(task)
            if variable is not None and isinstance(task.data.get(variable), dict):
                task.data[variable] = {**task.data[variable], **data}
            self.notify_task(task_id, "complete", data)  # may refuse: raises, nothing is saved
            budget = StepBudget()
            budget.charge(task)
            self._spiff(task.run)
            self.scopes.commit(task)
            self.completed_task_ids.add(str(task.id))
            self._advance(handlers, budget)

    def begin(self, handlers: Handlers, now: datetime) -> None:
        """Advance a new instance; a lone message start event is passed at once, as Camunda starts a
        process whose only start event is a message start (`startProcessInstanceByKey`, and a
        correlation, whose variables the instance already holds)."""
        self.advance(handlers, now)
        for task in self._catching():
            if isinstance(task.task_spec, StartEvent) and task.workflow is self.workflow:
                for name in messages.waiting_for(task):
                    self.send_message(name, {}, handlers, now)
                    return

    def message_subscriptions(self) -> list[MessageSubscription]:
        """What waits for a message now, one entry per waiting element and message name (Camunda's
        message event subscriptions: catch events, receive tasks, boundary events, event-based
        gateways; a start event only before `begin`)."""
        found = []
        for task in self._catching():
            for name in messages.waiting_for(task):
                found.append(MessageSubscription(task_id=str(task.id), element_id=task.task_spec.bpmn_id
                                                 or task.task_spec.name, message_name=name))
        return found

    def send_message(self, name: str, payload: dict[str, Any], handlers: Handlers, now: datetime) -> None:
        """Deliver message `name` to every element of this instance waiting for it: `payload` (the
        correlation's processVariables) is set on the instance first, as Camunda does, then the
        catching elements move on. A non-interrupting boundary event stays subscribed
        (`messages.rearm`). No variable is added for the message itself unless the element declares
        `camunda:resultVariable`.

        Raises:
            NotWaitingForMessage: no element waits for this message now.
        """
        with engine_clock(now):
            check_variables(payload)
            waiting = [t for t in self._catching() if name in messages.waiting_for(t)]
            if not waiting:
                raise NotWaitingForMessage(name)
            instance_scope(waiting[0].workflow).update(copy.deepcopy(payload))  # processVariables
            event = BpmnEvent(messages.MessageEventDefinition(name), payload={
                "payload": copy.deepcopy(payload), "result_var": None})
            self._spiff(self.workflow.send_event, event)
            for task in waiting:
                messages.rearm(task)
                if task.state == TaskState.READY:
                    task.data.update(copy.deepcopy(payload))
            self._advance(handlers, StepBudget())

    def fire_due_timers(self, handlers: Handlers, now: datetime) -> bool:
        """Fire the timers due at `now` and advance; True if anything moved."""
        with engine_clock(now):
            before = self._fingerprint()
            self._spiff(self.workflow.refresh_timers)
            self._advance(handlers, StepBudget())
            return self._fingerprint() != before

    def fire_timer_now(self, task_id: str, handlers: Handlers, now: datetime) -> bool:
        """Fire the timer task `task_id` waits on at `now`, its due moment come or not, and advance
        (Camunda's `executeJob` on a timer job: the job runs now, so what follows is dated now: a task's
        creation, a deadline counted from it, the next timer). The stored due moment becomes `now`; a
        cycle's following occurrences are then counted from now, as Camunda recomputes a repeating
        timer's next due date when its job runs. True if anything moved.

        Raises:
            TaskNotReady: no such task, or it waits on no timer (the job is stale).
        """
        with engine_clock(now):
            task = self._task(task_id)
            value = task.internal_data.get("event_value")
            if task.state != TaskState.WAITING or value is None:
                raise TaskNotReady(task_id, "not waiting on a timer")
            moment = now.astimezone(UTC)
            if isinstance(value, dict):  # a cycle {cycles, next, duration}: this occurrence is now
                if datetime.fromisoformat(value["next"]) > moment:
                    task.internal_data["event_value"] = {**value, "next": moment.isoformat()}
            elif datetime.fromtimestamp(parse_date(value).timestamp(), tz=UTC) > moment:  # one-shot
                task.internal_data["event_value"] = moment.isoformat()
            before = self._fingerprint()
            self._spiff(self.workflow.refresh_timers)
            self._advance(handlers, StepBudget())
            return self._fingerprint() != before

    def run_async(self, task_id: str, handlers: Handlers, now: datetime) -> None:
        """Run the step parked at an asynchronous continuation (`workflows.asynchronous`), then advance:
        what the job executor does in Camunda. Its errors are the job's (retried, then an incident).

        Raises:
            TaskNotReady: no such task, or it is not parked (the job is stale).
        """
        with engine_clock(now):
            task = self._task(task_id)
            if not asynchronous.parked(task):
                raise TaskNotReady(task_id, "not waiting for an asynchronous continuation")
            asynchronous.release(task)
            budget = StepBudget()
            if task.task_spec.manual:  # a user task: the job creates it
                task._set_state(TaskState.READY)
            else:
                budget.charge(task)
                self.scopes.before_run(task)  # the step reads and writes the one instance scope
                self._spiff(task.run)
                self.scopes.after_run(task)
            self._advance(handlers, budget)

    def set_variables(self, modifications: dict[str, Any], deletions: list[str], now: datetime) -> None:
        """Set and delete process variables of a running instance (Camunda's
        `POST /process-instance/{id}/variables`): written to the data every path carries on (the
        active tasks) and to the latest completed ones, which `variables` reads; no step is taken.

        Raises:
            InvalidData: values the serializer could not store.
        """
        with engine_clock(now):
            check_storable(modifications)
            wf = self.workflow
            carriers = [t for t in wf.get_tasks() if t.has_state(_ACTIVE)]
            carriers += [t for t in wf.tasks.values() if t.state == TaskState.COMPLETED
                         and not any(c.state == TaskState.COMPLETED for c in t.children)]
            for data in [t.data for t in carriers] + [wf.task_tree.data, wf.data]:
                for name in deletions:
                    data.pop(name, None)
                data.update(copy.deepcopy(modifications))

    def cancel(self, now: datetime, *, skip_custom_listeners: bool = False) -> None:
        """Cancel every open path (Camunda's `DELETE /process-instance/{id}`); the active activities'
        end listeners run unless `skip_custom_listeners`."""
        with engine_clock(now):
            if skip_custom_listeners:
                with bound(None):
                    self._spiff(self.workflow.cancel)
            else:
                self._spiff(self.workflow.cancel)

    @property
    def cancelled(self) -> bool:
        """Ended by `cancel`, not at an end event."""
        return bool(self.workflow.completed and not self.workflow.success)

    def notify_task(self, task_id: str, event: str, data: dict[str, Any] | None = None,
                    assignee: str | None = None) -> None:
        """Run the user task's declared `event` task listeners (workflows/listeners.py) through the
        bound binding; their errors propagate unchanged."""
        task = self._task(task_id)
        spec = task.task_spec
        form = getattr(spec, "form", None)
        info = TaskInfo(str(task.id), spec.bpmn_id, spec.bpmn_name, assignee,
                        (form.key or None) if form is not None else None, dict(data or {}),
                        dict(resolved(task)["properties"]))
        before = dict(task.data)
        task_event(task, event, info)
        write_through(task, before)  # a listener's variables go to the scope at once

    def declares_task_listener(self, task_id: str, event: str) -> bool:
        """Whether the user task's element declares a task listener for `event`."""
        return has_task_listeners(self._task(task_id), event)

    # --- queries -----------------------------------------------------------------------------

    def declares_topics(self) -> bool:
        """Whether a process this instance runs (its own or a called one) has a service task with a
        `camunda:topic`: only then can it ever wait on an external worker. Known per spec, so asking
        costs no walk of the task tree (the command path skips the external-task projection)."""
        specs = [self.workflow.spec, *self.workflow.subprocess_specs.values()]
        return any(_declares_topic(spec) for spec in specs)

    def external_tasks(self, handlers: Handlers) -> list[ExternalTask]:
        """Service tasks waiting for an external worker (STARTED, topic not served by `handlers`)."""
        out = []
        for task in self.workflow.get_tasks(state=TaskState.STARTED, spec_class=ServiceTask):
            if not _is_external(task, handlers):
                continue
            spec = task.task_spec
            ext = spec.extensions or {}
            out.append(ExternalTask(str(task.id), spec.bpmn_id, spec.bpmn_name, ext["camunda:topic"],
                                    task.workflow.spec.name, external_context.priority(task),
                                    external_context.context(task)))
        return out

    def complete_external_task(self, task_id: str, variables: dict[str, Any], handlers: Handlers,
                               now: datetime, local_variables: dict[str, Any] | None = None) -> None:
        """An external worker finished the service task `task_id`: its variables become process data and
        the instance advances (Camunda `POST /external-task/{id}/complete`). `local_variables` are the
        activity's own: its output parameters read them, then they end with it (workflows/scope.py
        `finish_external`), as in Camunda.

        Raises:
            TaskNotReady: no such task, or not a service task waiting for a worker.
            InvalidData: variables the serializer could not store.
        """
        with engine_clock(now):
            task = self._external(task_id, handlers)
            check_storable(variables)
            check_storable(local_variables or {})
            finish_external(task, variables, local_variables or {})  # the one instance scope
            budget = StepBudget()
            self._spiff(task.complete)
            self._advance(handlers, budget)

    def throw_bpmn_error(self, task_id: str, code: str, message: str | None, variables: dict[str, Any],
                         handlers: Handlers, now: datetime) -> None:
        """An external worker reports the business error `code` for service task `task_id`: an error
        boundary event attached to the task that catches `code` (or catches every error) interrupts it,
        with `variables` as process data (Camunda `POST /external-task/{id}/bpmnError`).

        When nothing catches `code`, Camunda 7.21 with its default `enableExceptionsAfterUnhandledBpmnError
        = false` logs the unhandled error and ends the current execution (`BpmnExceptionHandler.
        propagateError` -> `execution.end(true)`; docs.camunda.org, BPMN 2.0 reference, Error Events,
        "Unhandled BPMN Error"): the variables are set, the path ends taking no outgoing flow, and the
        instance completes when that was its only path. This engine does the same for a task at the
        process's top level when the diagram has no other error catch event; an error Camunda would
        propagate to an enclosing scope (event sub-process, sub-process boundary, call activity) is still
        refused, since that propagation is not modelled here.

        Raises:
            TaskNotReady: no such task, or not a service task waiting for a worker.
            ErrorNotCaught: the task sits in a sub-process, or the diagram has error catch events that
                Camunda would propagate the uncaught error to.
        """
        with engine_clock(now):
            task = self._external(task_id, handlers)
            check_storable(variables)
            catching = [t for t in (task.parent.children if task.parent else [])
                        if t is not task and t.state == TaskState.WAITING
                        and isinstance(getattr(t.task_spec, "event_definition", None), ErrorEventDefinition)
                        and t.task_spec.event_definition.code in (None, code)]
            if not catching:
                if task.workflow is not self.workflow or self._error_caught_elsewhere(task):
                    raise ErrorNotCaught(task.task_spec.bpmn_id, code)
                write(task, variables)
                self._end_path(task)
                self._advance(handlers, StepBudget())
                return
            catcher = next((t for t in catching if t.task_spec.event_definition.code == code), catching[0])
            self.scopes.begin(task)  # the error's variables are process variables (Camunda)
            task.data.update(copy.deepcopy(variables))
            self.scopes.commit(task)
            payload = {**copy.deepcopy(task.data), **copy.deepcopy(variables)}
            event = BpmnEvent(catcher.task_spec.event_definition, payload=payload)
            self._spiff(catcher.task_spec.catch, catcher, event)
            self._spiff(catcher.task_spec._update, catcher)
            self._advance(handlers, StepBudget())

    def _error_caught_elsewhere(self, task: Task) -> bool:
        """True when the diagram has an error catch event outside `task`'s own boundary (an event
        sub-process's error start event, a boundary event on an enclosing sub-process): Camunda would
        propagate the error there, which this engine does not model, so the error stays refused."""
        own = {id(t.task_spec) for t in (task.parent.children if task.parent else [])}
        specs = [self.workflow.spec, *getattr(self.workflow, "subprocess_specs", {}).values()]
        return any(
            isinstance(getattr(spec, "event_definition", None), ErrorEventDefinition)
            and not isinstance(spec, EndEvent) and id(spec) not in own
            for wf_spec in specs for spec in wf_spec.task_specs.values()
        )

    def _end_path(self, task: Task) -> None:
        """End the path of execution at external task `task`, taking no outgoing flow (Camunda's
        `execution.end(true)` for an unhandled BPMN error): its boundary events go with it; when no
        other path is open, the instance ends (completed, not cancelled, as in Camunda's history)."""
        target = task.parent if task.parent is not None and task.parent.task_spec.__class__.__name__ == \
            "BoundaryEventSplit" else task
        others = [t for t in self.workflow.get_tasks(state=TaskState.READY | TaskState.WAITING
                                                     | TaskState.STARTED)
                  if t is not target and not _descends(t, target)]
        if others:
            self._spiff(target.cancel)
        else:
            self._spiff(self.workflow.cancel)
            self.workflow.success = True  # ended, not cancelled: `cancelled` stays False

    def set_task_locals(self, task_id: str, modifications: dict[str, Any], deletions: list[str],
                        now: datetime) -> None:
        """Set and delete the task-local variables of open user task `task_id` (Camunda's
        `/task/{id}/localVariables`): they live in the task's own scope (workflows/scope.py, as an input
        parameter does), are read with its variables, shadow a process variable of the same name for the
        task, and end when it completes (a completion's variable of that name updates the local one, as
        Camunda's TaskService.complete sets variables on the task). No step is taken.

        Raises:
            TaskNotReady: no such open user task.
            InvalidData: a value the serializer could not store.
        """
        with engine_clock(now):
            task = self._task(task_id)
            if task.state != TaskState.READY or not task.task_spec.manual:
                raise TaskNotReady(task_id, "not an open user task")
            check_storable(modifications)
            names = set(task.internal_data.get(TASK_LOCALS) or ())
            for name in deletions:
                if name in names:
                    names.discard(name)
                    task.data.pop(name, None)
            task.data.update(copy.deepcopy(modifications))
            task.internal_data[TASK_LOCALS] = sorted(names | set(modifications))

    def user_tasks(self) -> list[UserTask]:
        """READY manual tasks, call activities and MI children included."""
        return [self._user_task(t) for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)]

    def timers(self) -> list[Timer]:
        """Timers the instance waits on, with their due moment (aware, UTC).

        An event-based gateway waits as one task with a MultipleEventDefinition; its timer's due
        time is stored on the gateway task, and the element reported is the timer catch event.
        """
        out = []
        for task in list(self.workflow.event_manager.tasks.values()):
            value = task.internal_data.get("event_value")
            if task.state != TaskState.WAITING or value is None:
                continue
            definition = task.task_spec.event_definition
            element_id, name = task.task_spec.bpmn_id, task.task_spec.bpmn_name
            if isinstance(definition, MultipleEventDefinition):
                timers = [d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)]
                timer = timers[0] if timers else None
                target = _timer_target(task.task_spec, timer)
                if timer is None:
                    continue
                definition = timer
                if target is not None:
                    element_id, name = target.bpmn_id, target.bpmn_name
            if not isinstance(definition, TimerEventDefinition):
                continue
            due = _due(definition, value)
            if due is not None:
                out.append(Timer(str(task.id), element_id, name, due))
        return sorted(out, key=lambda t: t.due_at)

    def async_jobs(self) -> list[AsyncJob]:
        """Steps parked at an asynchronous continuation, each waiting for its job (`run_async`)."""
        return [AsyncJob(str(t.id), t.task_spec.bpmn_id or t.task_spec.name)
                for t in self.workflow.get_tasks(state=TaskState.STARTED) if asynchronous.parked(t)]

    def activity_states(self) -> list[ActivityState]:
        """Active and completed BPMN elements, subprocesses included; elements completed by tasks that
        the compaction removed (workflows/prune.py) are listed once, with an empty task id."""
        out = []
        for task in self.workflow.get_tasks():
            element = task.task_spec.bpmn_id
            if element is None:
                continue
            if task.state == TaskState.COMPLETED:
                state = "completed"
            elif task.has_state(_ACTIVE):
                state = "active"
            else:
                continue
            out.append(ActivityState(element, task.task_spec.bpmn_name, task.workflow.spec.name,
                                     state, str(task.id)))
        present = {(a.process_key, a.element_id) for a in out if a.state == "completed"}
        for process_key, element, name in passed_elements(self.workflow):
            if (process_key, element) not in present:
                out.append(ActivityState(element, name, process_key, "completed", ""))
        return out

    @property
    def variables(self) -> dict[str, Any]:
        """The process instance's variable scope, JSON-safe (workflows/scope.py): every branch's
        writes, while running and after the end."""
        return self.typed_variables()[0]

    def typed_variables(self) -> tuple[dict[str, Any], dict[str, str]]:
        """`variables`, and the Camunda type of those whose JSON value does not tell it
        (`data.camunda_types`: `{"deadline": "Date"}`), from the one instance scope."""
        raw = instance_scope(self.workflow)
        return json_safe(raw), camunda_types(raw)
    def ended(self, task_id: str) -> TaskEnd:
        """How a user task that is no longer open ended: completed by a person, or cancelled.

        Camunda 7 ends a cancelled task with `deleteReason` "deleted" and its activity instance with
        `canceled: true` (an interrupting boundary event, a terminate end event, the end of its scope);
        `cause` is the element that cancelled it, when one can be named.
        """
        if task_id in self.completed_task_ids:
            return TaskEnd(canceled=False, reason="completed")
        try:
            task = self.workflow.get_task_from_id(UUID(str(task_id)))
        except Exception:
            task = None
        if task is not None and task.state == TaskState.COMPLETED:
            return TaskEnd(canceled=False, reason="completed")
        return TaskEnd(canceled=True, reason="deleted", cause=_cancel_cause(self.workflow, task))

    @property
    def completed(self) -> bool:
        return self.workflow.is_completed()

    @property
    def end_element_id(self) -> str | None:
        """The end event the instance finished at (the last one, if parallel paths ended)."""
        if not self.completed:
            return None
        ends = [t for t in self.workflow.tasks.values()
                if isinstance(t.task_spec, EndEvent) and t.state == TaskState.COMPLETED]
        return max(ends, key=lambda t: t.last_state_change).task_spec.bpmn_id if ends else None

    def serialize(self) -> str:
        """The state only; the spec lives with the definition (SPIFF-NOTES §4.3).

        Raises:
            InvalidData: a value in some task's data cannot be stored; names the variable and the
                element whose step put it there (every path that writes data checks it first; this is
                the net under them all).
        """
        try:
            return dump_state(self.workflow)
        except (TypeError, ValueError) as exc:
            culprit = self._unstorable()
            if culprit is None:
                raise
            raise culprit from exc

    def _unstorable(self) -> InvalidData | None:
        """InvalidData for the first unstorable variable, named at the earliest task holding it."""
        for task in sorted(self.workflow.get_tasks(), key=lambda t: t.last_state_change):
            for name, value in task.data.items():
                if callable(value):
                    continue
                if unstorable(value, name) is not None:
                    try:
                        check_variables({name: value}, task.task_spec.bpmn_id or task.task_spec.name)
                    except InvalidData as exc:
                        return exc
        return None

    # --- internals ---------------------------------------------------------------------------

    def _task(self, task_id: str) -> Task:
        try:
            task = self.workflow.get_task_from_id(UUID(str(task_id)))
        except Exception:
            task = None
        if task is None:
            raise TaskNotReady(task_id, "no such task")
        return task

    def _spiff(self, func: Callable[..., Any], *args: Any) -> Any:
        try:
            return func(*args)
        except ListenerRaised as exc:  # a declared listener's own error, e.g. the service's InvalidInput
            raise exc.error from None
        except EngineError:
            raise
        except Exception as exc:
            raise ScriptFailed.from_spiff(exc) from exc

    def _advance(self, handlers: Handlers, budget: StepBudget) -> None:
        """Engine steps and service tasks until a wait state; every task is charged to `budget`.

        A service task whose topic no handler serves stays STARTED: an external task waiting for a
        worker (Camunda's external task pattern), a wait state like a user task."""
        wf = self.workflow
        scopes = self.scopes

        def will_run(task: Task) -> None:
            budget.charge(task)
            scopes.before_run(task)

        def did_run(task: Task) -> None:
            scopes.after_run(task)
            if budget.steps % PRUNE_EVERY == 0:  # a long loop inside one command stays shallow too
                prune(wf)

        for _ in range(MAX_ROUNDS):
            self._spiff(wf.do_engine_steps, will_run, did_run)
            started = [t for t in wf.get_tasks(state=TaskState.STARTED, spec_class=ServiceTask)
                       if not asynchronous.parked(t) and not _is_external(t, handlers)]
            for task in started:
                budget.charge(task)
                scopes.begin(task)
                self._dispatch(task, handlers)
                scopes.commit(task)
            fired = self._pass_called_message_starts()
            if not started and not fired and not wf.get_tasks(state=TaskState.READY, manual=False):
                break
        else:
            raise EngineError(f"流程未能到达等待状态 / no wait state after {MAX_ROUNDS} rounds")
        prune(wf)  # finished parts of the task tree: a loop's state stays the same size (issue 12)
        for task in wf.get_tasks(state=TaskState.READY, manual=True):
            budget.charge(task)  # a copy of the scope per open task: counted (a wide multi-instance)
            refresh(task)  # forms and attribute expressions read the current scope
            if not asynchronous.park_if_held(task):
                resolved(task)

    def _catching(self) -> list[Task]:
        """The waiting catch events (messages, timers, gateways, boundary and start events) of this
        instance and its called processes: SpiffWorkflow's event manager keeps them, so no walk of the
        task tree is needed."""
        return [t for t in self.workflow.event_manager.tasks.values() if t.state == TaskState.WAITING]

    def _pass_called_message_starts(self) -> bool:
        """A called process whose only start event is a message start runs from it, as Camunda starts
        it from a call activity; SpiffWorkflow would wait there for ever. True if one was passed."""
        fired = False
        if not self.workflow.subprocesses:
            return False
        for task in self._catching():
            if task.workflow is self.workflow or not isinstance(task.task_spec, StartEvent):
                continue
            for name in messages.waiting_for(task)[:1]:
                event = BpmnEvent(messages.MessageEventDefinition(name),
                                  payload={"payload": {}, "result_var": None})
                self._spiff(task.task_spec.catch, task, event)
                self._spiff(task.task_spec._update, task)
                fired = True
        return fired

    def _dispatch(self, task: Task, handlers: Handlers) -> None:
        spec = task.task_spec
        ext = spec.extensions or {}
        delegate = bean_name(ext.get("camunda:delegateExpression") or ext.get("camunda:expression"))
        if delegate is not None:
            self._delegate(task, delegate)
            return
        topic = ext.get("camunda:topic")
        handler = handlers.get(topic) if topic else None
        if handler is None:
            raise ScriptFailed(f"没有处理该主题的服务 / no handler for topic {topic!r}",
                               element_id=spec.bpmn_id, process_key=task.workflow.spec.name)
        raw_inputs = (ext.get("camunda:inputOutput") or {}).get("inputs", {})
        inputs = {name: json_safe(evaluate_attribute(task, value)) for name, value in raw_inputs.items()}
        call = ServiceCall(topic, spec.bpmn_id, str(task.id), task.workflow.spec.name,
                           json_safe(task.data), inputs)
        result = handler(call)
        if result:
            check_variables(result, spec.bpmn_id)
            task.data.update(copy.deepcopy(result))
        self._spiff(task.complete)

    def _delegate(self, task: Task, name: str) -> None:
        """A service task declaring `${name}`: the registered delegate runs; its dict becomes variables."""
        binding = current_binding()
        spec = task.task_spec
        if binding is None:
            raise ScriptFailed(f"没有可用的委托 / no delegate runtime for {name!r}",
                               element_id=spec.bpmn_id, process_key=task.workflow.spec.name)
        binding.call("delegate", name, element_id=spec.bpmn_id, element_name=spec.bpmn_name,
                     event="execute", variables=task.data)
        self._spiff(task.complete)

    def _external(self, task_id: str, handlers: Handlers) -> Task:
        task = self._task(task_id)
        if not isinstance(task.task_spec, ServiceTask) or task.state != TaskState.STARTED \
                or not _is_external(task, handlers):
            raise TaskNotReady(task_id, "not an external task waiting for a worker")
        return task

    def _fingerprint(self) -> frozenset[tuple[UUID, int]]:
        return frozenset((t.id, t.state) for t in self.workflow.get_tasks())

    def _user_task(self, task: Task) -> UserTask:
        spec = task.task_spec
        attrs = resolved(task)
        form = getattr(spec, "form", None)
        variable = element_variable(task)
        locals_ = task_locals(task)  # MI element/counters, input parameters, REST task-locals (scope.py)
        return UserTask(
            task_id=str(task.id),
            element_id=spec.bpmn_id,
            name=spec.bpmn_name,
            form_key=(form.key or None) if form is not None else None,
            process_key=task.workflow.spec.name,
            lane=spec.lane,
            candidate_groups=list(attrs["candidate_groups"]),
            candidate_users=list(attrs["candidate_users"]),
            assignee=attrs["assignee"],
            candidate_organisation=_opt_str(attrs["properties"].get("candidateOrganisation")),
            due_at=to_datetime(attrs["due_at"], _EPOCH) or _boundary_due(task),
            follow_up_at=to_datetime(attrs["follow_up_at"], _EPOCH),
            priority=attrs["priority"],
            properties=dict(attrs["properties"]),
            mi_item=json_safe(task.data.get(variable)) if variable else None,
            form_fields=[_field(f) for f in form.fields] if form is not None else [],
            local_variables=json_safe(locals_),
            local_types=camunda_types(locals_),
            called_scope=called_scope(task),
        )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class AsyncJob:
    """A step parked at an asynchronous continuation: the task to run and its element."""

    task_id: str
    element_id: str


@dataclass(frozen=True)
class TaskEnd:
    """How a user task ended: `reason` is Camunda's deleteReason ("completed" or "deleted")."""

    canceled: bool
    reason: str
    cause: str | None = None


def _cancel_cause(workflow: BpmnWorkflow, task: Task | None) -> str | None:
    """The element that cancelled `task`: an interrupting boundary event on it that fired, else a
    terminate end event reached; None when neither is found (the task may have been pruned)."""
    if task is not None and task.parent is not None:
        for sibling in task.parent.children:
            spec = sibling.task_spec
            if (sibling is not task and getattr(spec, "cancel_activity", False)
                    and sibling.has_state(TaskState.READY | TaskState.COMPLETED)):
                return spec.bpmn_id
    for other in workflow.get_tasks(state=TaskState.COMPLETED):
        definition = getattr(other.task_spec, "event_definition", None)
        if isinstance(other.task_spec, EndEvent) and isinstance(definition, TerminateEventDefinition):
            return other.task_spec.bpmn_id
    return None


_TOPICS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Process spec -> whether it has a service task with a topic (specs are immutable once compiled)."""


def _declares_topic(spec: Any) -> bool:
    known = _TOPICS.get(spec)
    if known is None:
        known = any(isinstance(t, ServiceTask) and bool((t.extensions or {}).get("camunda:topic"))
                    for t in spec.task_specs.values())
        _TOPICS[spec] = known
    return known


def _is_external(task: Task, handlers: Handlers) -> bool:
    """A service task left to an external worker: a topic, no delegate, and no in-process handler."""
    ext = task.task_spec.extensions or {}
    if bean_name(ext.get("camunda:delegateExpression") or ext.get("camunda:expression")) is not None:
        return False
    topic = ext.get("camunda:topic")
    return bool(topic) and topic not in handlers


def _due(definition: TimerEventDefinition, value: Any) -> datetime | None:
    """Due moment from the stored `event_value` (SPIFF-NOTES §3.3), as a plain aware UTC datetime."""
    if isinstance(definition, CycleTimerEventDefinition):
        if value.get("cycles") == 0:
            return None
        due = datetime.fromisoformat(value["next"])
    else:  # timeDate (the evaluated value, or its ISO due moment) and timeDuration (the ISO due moment)
        due = parse_date(value)
    return datetime.fromtimestamp(due.timestamp(), tz=UTC)


def _boundary_due(task: Task) -> datetime | None:
    """The deadline a diagram puts on a task without a `camunda:dueDate`: the earliest waiting
    interrupting timer on its boundary (Task_StateCase's 陈述申辩期满), the moment the task is taken
    away. A non-interrupting or cycle timer (a reminder) is no deadline. Spiff runs a task with
    boundary events under a BoundaryEventSplit whose other children are the waiting boundary events."""
    parent = task.parent
    if parent is None or type(parent.task_spec).__name__ != "BoundaryEventSplit":
        return None
    dues = []
    for sibling in parent.children:
        definition = getattr(sibling.task_spec, "event_definition", None)
        value = sibling.internal_data.get("event_value")
        if sibling is task or not isinstance(definition, TimerEventDefinition) or value is None:
            continue
        interrupting = getattr(sibling.task_spec, "cancel_activity", False)
        if isinstance(definition, CycleTimerEventDefinition) or not interrupting:
            continue
        if sibling.state == TaskState.WAITING:
            due = _due(definition, value)
            if due is not None:
                dues.append(due)
    return min(dues, default=None)


def _timer_target(gateway: Any, timer: Any) -> Any:
    """The catch event of an event-based gateway that holds `timer` (the gateway keeps the definitions;
    its outputs get NoneEventDefinitions): by name, else by position."""
    outputs = list(gateway.outputs)
    named = [s for s in outputs if timer is not None and timer.name and s.bpmn_name == timer.name]
    if len(named) == 1:
        return named[0]
    definitions = gateway.event_definition.event_definitions
    if timer in definitions and len(definitions) == len(outputs):
        return outputs[definitions.index(timer)]
    return None


def _opt_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _field(field: Any) -> dict[str, Any]:
    out = {
        "id": field.id,
        "type": field.type,
        "label": field.label,
        "default_value": field.default_value,
        "validation": [{"name": v.name, "config": v.config} for v in field.validation],
        "properties": {p.id: p.value for p in field.properties},
    }
    if hasattr(field, "options"):
        out["options"] = [{"id": o.id, "name": o.name} for o in field.options]
    return out


def _descends(task: Task, ancestor: Task) -> bool:
    """True when `task` is below `ancestor` in the task tree."""
    node = task.parent
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False
