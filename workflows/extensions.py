"""The names a diagram may declare behaviour by, and the hooks a domain plugs into the generic layer.

Camunda 7 resolves `camunda:delegateExpression="${fileConsortium}"` on a service task and the
`delegateExpression` of a `camunda:taskListener` / `camunda:executionListener` to beans by name. Here
the beans are plain Python callables in one `Extensions` registry, registered at start-up by whoever
composes the application (the domain's `register(extensions)`); the generic layer only ever looks
names up, so it imports no domain module.

A callable receives one `DelegateContext` and may return a dict: its items become process variables
(a delegate's and an execution listener's too). It refuses a step by raising the service layer's
errors (InvalidInput, Conflict …); nothing is saved then.

Besides the names, the registry holds the generic layer's extension points (issue 19 item 3):
`service_handlers` providers (external-task topics served in-process), `after_save` projections,
`may_start` / `before_start` / `before_complete` checks, `variable_filters` and `identity_policies`
for what a viewer may read, `organisation_checks` for user administration, and `job_kinds` the
scheduler runs. Each is a list (or map) the domain fills; an empty registry leaves a bare BPMN engine.

Nothing here imports SpiffWorkflow or the service layer: the shapes are plain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Kind = Literal["delegate", "taskListener", "executionListener"]
KINDS: tuple[Kind, ...] = ("delegate", "taskListener", "executionListener")
TASK_EVENTS = ("create", "assignment", "complete")
EXECUTION_EVENTS = ("start", "end")

_NAME = re.compile(r"\s*\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\s*")


def bean_name(expression: str | None) -> str | None:
    """`fileConsortium` for `${fileConsortium}` (Camunda's bean reference), else None (not a plain name:
    a method call, a property path or a literal, which need a Java runtime)."""
    match = _NAME.fullmatch(expression or "")
    return match.group(1) if match else None


@dataclass
class TaskInfo:
    """The user task a task listener runs for (its stored row's fields; `data` is the form data on
    `complete`; `properties` the element's declared `camunda:properties`, resolved)."""

    id: str
    element_id: str
    name: str | None
    assignee: str | None = None
    form_key: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)  # the element's declared camunda:properties


@dataclass
class DelegateContext:
    """What a delegate or listener sees (Camunda's DelegateExecution / DelegateTask, trimmed).

    `variables` is the live variable map of the step: read it, or write to it (or return a dict) to
    set process variables. `session` is the command's database session (SQLAlchemy), `actor` the
    service layer's acting user, `now` the command's aware UTC time; `task` is set for task listeners.
    """

    instance_id: str
    business_key: str | None
    definition_key: str
    element_id: str | None
    element_name: str | None
    event: str
    variables: dict[str, Any]
    actor: Any
    now: datetime
    session: Any
    task: TaskInfo | None = None
    extensions: Extensions | None = None


Callable_ = Callable[[DelegateContext], Mapping[str, Any] | None]


class UnknownName(LookupError):
    """A diagram names a delegate or listener nobody registered."""


class Extensions:
    """One namespace of named callables per kind, plus the command path's hook lists.

    Hook signatures (all called inside the command's transaction):
      - `service_handlers`: provider(session, row, actor, now, settings) -> {topic: handler(ServiceCall)}
      - `after_save`: hook(session, row, running, now, settings), after the instance and its tasks are
        stored (`settings`: the context's deadline settings, e.g. reminder offsets)
      - `may_start`: hook(definition, actor); raises Forbidden when the actor may not start it
      - `before_start`: hook(session, definition, actor, business_key, variables, now)
        -> (business_key, variables); may raise Forbidden/InvalidInput
      - `before_complete`: hook(session, row, task_row, data, actor, now); may raise to refuse
      - `variable_filters`: hook(session, instance_id, actor, variables) -> variables a viewer may read
      - `job_kinds`: {kind: run(ctx, session, job, now)}, jobs of the domain's own kinds the scheduler
        fires (the instance's row is locked first, as for a timer)
      - `identity_policies`: factory(session, viewer) -> policy with `shows(instance_id, user_id)` and
        `may_probe(user_id)`: whose identity a viewer may see on tasks, history and comments
        (service/engine/store/visibility.py; e.g. reviewers' names hidden until results are published)
      - `organisation_checks`: hook(session, credit_code) -> why a user may not belong to that
        organisation (str), or None
      - `district_checks`: hook(session, district) -> (its listed name, None) or (None, why it is not a
        district a user may be scoped to)
    """

    def __init__(self) -> None:
        self._beans: dict[Kind, dict[str, Callable_]] = {kind: {} for kind in KINDS}
        self.service_handlers: list[Callable[..., Mapping[str, Callable[..., Any]]]] = []
        self.after_save: list[Callable[..., None]] = []
        self.may_start: list[Callable[..., None]] = []
        self.before_start: list[Callable[..., tuple[str | None, dict[str, Any]]]] = []
        self.before_complete: list[Callable[..., None]] = []
        self.variable_filters: list[Callable[..., dict[str, Any]]] = []
        self.job_kinds: dict[str, Callable[..., None]] = {}
        self.identity_policies: list[Callable[..., Any]] = []
        self.organisation_checks: list[Callable[..., str | None]] = []
        self.district_checks: list[Callable[..., tuple[str | None, str | None]]] = []
        self.registered_by: list[str] = []

    # --- named behaviour ---------------------------------------------------------------------

    def register(self, kind: Kind, name: str, fn: Callable_) -> Callable_:
        """Register `fn` under `name` for `kind`; ValueError on a bad or duplicate name."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
        if not name.isidentifier():
            raise ValueError(f"a bean name must be an identifier, got {name!r}")
        if name in self._beans[kind] and self._beans[kind][name] is not fn:
            raise ValueError(f"{kind} {name!r} is already registered")
        self._beans[kind][name] = fn
        return fn

    def register_delegate(self, name: str, fn: Callable_) -> Callable_:
        """`camunda:delegateExpression="${name}"` on a service task calls `fn(context)`."""
        return self.register("delegate", name, fn)

    def register_task_listener(self, name: str, fn: Callable_) -> Callable_:
        """`<camunda:taskListener event="create|assignment|complete" delegateExpression="${name}">`."""
        return self.register("taskListener", name, fn)

    def register_execution_listener(self, name: str, fn: Callable_) -> Callable_:
        """`<camunda:executionListener event="start|end" delegateExpression="${name}">`."""
        return self.register("executionListener", name, fn)

    def register_job_kind(self, kind: str, run: Callable[..., None]) -> None:
        """Jobs of `kind` (rows the domain writes into the job table) run as `run(ctx, session, job, now)`;
        ValueError on a duplicate."""
        if kind in self.job_kinds and self.job_kinds[kind] is not run:
            raise ValueError(f"job kind {kind!r} is already registered")
        self.job_kinds[kind] = run

    def resolve(self, kind: Kind, name: str) -> Callable_:
        """The callable registered as `name`; UnknownName otherwise."""
        try:
            return self._beans[kind][name]
        except KeyError:
            raise UnknownName(f"no {kind} named {name!r} is registered") from None

    def names(self) -> dict[str, frozenset[str]]:
        """Registered names per kind (what deploy-time lint checks diagrams against)."""
        return {kind: frozenset(beans) for kind, beans in self._beans.items()}

    def listing(self) -> list[dict[str, str]]:
        """Every registered name with its kind and the Python callable behind it, sorted."""
        return [
            {"kind": kind, "name": name, "callable": f"{getattr(fn, '__module__', '?')}."
                                                     f"{getattr(fn, '__qualname__', repr(fn))}"}
            for kind in KINDS for name, fn in sorted(self._beans[kind].items())
        ]
