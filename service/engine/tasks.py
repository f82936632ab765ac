"""Use cases on user tasks: list what a user may see, claim, hand over, complete with a validated form."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from forms import registry as form_registry

from ..actors import ADMIN, CITY_CLERK, DISTRICT_CLERK, PROCESS_OWNER, Actor
from ..clock import local_minutes
from ..context import Context
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, TaskCompleted
from . import drawn_forms, file_refs, personal_data
from . import extension_runtime as hooks
from .commands import restore, run_command
from .store import audit, instances, tasks, variable_history
from .store import identities as identity_store
from .store.models import HumanTask, ProcessInstance
from .store.tasks import TaskQuery
from .typed_variables import TypedVariables, stored_types

CLERKS = (CITY_CLERK, DISTRICT_CLERK)


def list_tasks(ctx: Context, *, actor: Actor, query: TaskQuery | None = None) -> list[HumanTask]:
    with ctx.unit_of_work(write=False) as uow:
        return tasks.list_visible(uow.session, actor, query)


def list_tasks_with_definitions(ctx: Context, *, actor: Actor, query: TaskQuery | None = None
                                ) -> list[tuple[HumanTask, str | None]]:
    """`list_tasks` without the candidate rows, each task with the id of the process definition its
    instance runs (Camunda's TaskDto names it): one unit of work, two statements (issue 18)."""
    with ctx.unit_of_work(write=False) as uow:
        rows = tasks.list_visible(uow.session, actor, query, candidates=False)
        definitions = instances.definition_ids(uow.session, {row.instance_id for row in rows})
        return [(row, definitions.get(row.instance_id)) for row in rows]


def count_tasks(ctx: Context, *, actor: Actor, query: TaskQuery | None = None) -> int:
    with ctx.unit_of_work(write=False) as uow:
        return tasks.count_visible(uow.session, actor, query)


def get_task(ctx: Context, *, task_id: str, actor: Actor) -> HumanTask:
    with ctx.unit_of_work(write=False) as uow:
        return tasks.get_visible(uow.session, task_id, actor)


def check_actionable(ctx: Context, *, task_id: str, actor: Actor) -> None:
    """What a command on the task answers before reading its body: NotFound for a task the actor may
    not see, Conflict for one it was offered but another user claimed meanwhile (`_for_command`)."""
    with ctx.unit_of_work(write=False) as uow:
        _for_command(uow.session, task_id, actor)


def _for_command(session, task_id: str, actor: Actor, *, candidates: bool = True) -> HumanTask:
    """The task a command acts on, as `get_visible` reads it; but a task offered to the actor (by user or
    by group within its scope) that another user holds is a Conflict saying so, not "does not exist"
    (report-a finding 10): the actor was offered it, as when two clerks claim at once. The holder is
    not named: a reviewer's identity may be secret (identity policies)."""
    try:
        return tasks.get_visible(session, task_id, actor, candidates=candidates)
    except NotFound:
        task = session.get(HumanTask, task_id, options=[tasks.WITHOUT_CANDIDATES])
        held = task is not None and task.assignee not in (None, actor.id)
        if held and tasks.is_candidate(session, task, actor):
            raise Conflict(_CLAIMED.format(id=task_id)) from None
        raise


_CLAIMED = "任务已被他人认领 / Task {id} is already claimed by another user"


def may_take(ctx: Context, *, task_id: str, actor: Actor) -> bool:
    """Whether `actor` may claim and complete the task (its own, or offered to it or its groups within
    their scope); seeing a task, as city clerks see every task, is not enough. NotFound if unseen."""
    with ctx.unit_of_work(write=False) as uow:
        task = tasks.get_visible(uow.session, task_id, actor, candidates=False)
        return tasks.may_work_on(uow.session, task, actor)


def colleagues(ctx: Context, *, task_id: str, actor: Actor) -> list[tuple[str, str]]:
    """(user id, display name) of the active users other than `actor` to whom the task is offered, for
    a clerk or administrator to hand it to (`set_assignee`'s rule); [] for anyone else. NotFound if unseen."""
    if not actor.has(*CLERKS, "admin"):
        return []
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        task = tasks.get_visible(session, task_id, actor, candidates=False)
        found = []
        # a delegated task goes back to its owner by being resolved (交回), not handed over
        owner = task.owner if task.delegation_state == "PENDING" else None
        for user in identity_store.list_users(session):
            if user.id in (actor.id, owner) or not user.active:
                continue
            if tasks.is_candidate(session, task, identity_store.actor_of(user)):
                found.append((user.id, user.display_name or user.id))
        return found


def delegates(ctx: Context, *, task_id: str, actor: Actor) -> list[tuple[str, str]]:
    """(user id, display name) of the active users other than `actor` the task is offered to (by user,
    or by group within the same organisation or district scope), to whom `actor`, its assignee, may
    delegate it (`delegate_task`'s rule); [] when `actor` does not hold the task. NotFound if unseen."""
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        task = tasks.get_visible(session, task_id, actor, candidates=False)
        if task.assignee != actor.id:
            return []
        found = []
        for user in identity_store.list_users(session):
            if user.id in (actor.id, task.owner) or not user.active:
                continue
            if tasks.is_candidate(session, task, identity_store.actor_of(user)):
                found.append((user.id, user.display_name or user.id))
        return found


def task_variables(
    ctx: Context, *, task_id: str, actor: Actor, local_only: bool = False, with_item: bool = True
) -> TypedVariables:
    """The variables a task's form shows: the instance's, plus the multi-instance item it works on, plus
    its task-local variables (which shadow a process variable of the same name, as in Camunda);
    `local_only`: the task-local variables alone (`GET /task/{id}/localVariables`). Scoped and filtered
    like every variable read; `with_item=False` leaves out the `item` the product's forms read (not a
    Camunda variable: /engine-rest shows the element variable under its own name, hbreak fault 13).
    Raises NotFound for a task the caller may not see."""
    with ctx.unit_of_work(write=False) as uow:
        task = tasks.get_visible(uow.session, task_id, actor)
        row = instances.of_visible_task(uow.session, task)
        if local_only:
            _, variables, types = instances.task_locals(task.context_json)
        else:
            variables, types = _seen_variables(task, row, with_item)
        visible = hooks.filter_variables(ctx.extensions, uow.session, row.id, actor, variables)
        return TypedVariables(visible, types)


def _seen_variables(task: HumanTask, row: Any, with_item: bool = True
                    ) -> tuple[dict[str, Any], dict[str, str]]:
    """What the task sees, with the Camunda types JSON hides: its process instance's variables (the
    called process's own, for a task of a call activity's child: Camunda passes only what `camunda:in`
    maps), then the multi-instance `item` and its local variables, which shadow the others."""
    called = instances.called_variables(task.context_json)
    if called is not None:
        variables, types = called, {}
    else:
        variables, types = json.loads(row.variables_json or "{}"), stored_types(row.variable_types_json)
    item, local, local_types = instances.task_locals(task.context_json)
    if with_item:
        variables.update(item)
    variables.update(local)
    return variables, {n: k for n, k in types.items() if n not in local} | local_types


def claim_task(ctx: Context, *, task_id: str, actor: Actor) -> None:
    """Assign to `actor`; the first claimer wins, so clerks never duplicate work."""
    with ctx.unit_of_work() as uow:
        task = _for_command(uow.session, task_id, actor)
        if task.assignee == actor.id:
            return
        if task.delegation_state == "PENDING" and task.owner == actor.id:
            raise _delegated(uow.session, task, "claim")
        if task.assignee is not None:
            raise Conflict(_CLAIMED.format(id=task_id))
        if not tasks.may_work_on(uow.session, task, actor):
            raise Forbidden(f"无权办理该任务 / You are not a candidate for task {task_id}")
        row = _locked_if_listening(ctx, uow.session, task)
        if not tasks.assign_if_unclaimed(uow.session, task_id, actor.id):
            raise Conflict(_CLAIMED.format(id=task_id))
        _assignment(ctx, uow.session, row, task, actor.id, actor)
        audit.record(
            uow.session,
            actor=actor,
            action="task.claimed",
            at=ctx.now(),
            instance_id=task.instance_id,
            task_id=task_id,
            element_id=task.element_id,
        )
        uow.commit()


def unclaim_task(ctx: Context, *, task_id: str, actor: Actor) -> None:
    """Give the task back to its candidates; only its holder or a clerk supervising it may.

    A delegated task (PENDING) is not unclaimed: its delegate resolves it back to its owner (Conflict
    naming the delegation). Only an administrator may, and that ends the delegation (Camunda's unclaim
    would leave a PENDING task nobody holds, which its owner could then take and resolve to itself).
    """
    with ctx.unit_of_work() as uow:
        session = uow.session
        task = _for_command(session, task_id, actor)
        if task.assignee not in (None, actor.id) and not actor.has(*CLERKS, "admin"):
            raise Forbidden(f"只有办理人可以退回认领 / Only the assignee may unclaim task {task_id}")
        pending = task.delegation_state == "PENDING"
        if pending and not actor.has(ADMIN):
            raise _delegated(session, task, "unclaim")
        ends = task.delegation_state is not None  # it leaves the owner's hands: the delegation is over
        if not tasks.reassign(session, task, None, end_delegation=ends):
            raise Conflict(f"任务已被他人变更，请刷新 / Task {task_id} was changed meanwhile: reload it")
        audit.record(
            session,
            actor=actor,
            action="task.unclaimed",
            at=ctx.now(),
            instance_id=task.instance_id,
            task_id=task_id,
            element_id=task.element_id,
            detail={"previous": task.assignee,
                    **({"delegation": "ended", "owner": task.owner} if ends else {})},
        )
        uow.commit()


def _delegated(session, task: HumanTask, change: str) -> Conflict:
    """The Conflict for a change a delegated (PENDING) task refuses, naming its delegate and owner."""
    names = identity_store.display_names(session, [task.assignee, task.owner])
    delegate = names.get(task.assignee or "", task.assignee or "—")
    owner = names.get(task.owner or "", task.owner or "—")
    verb = {"unclaim": "退回认领", "assign": "改派", "complete": "办结", "claim": "认领",
            "delegate": "再委托"}[change]
    return Conflict(
        f"任务已委托 {delegate} 办理，待其交回 {owner}，不能{verb} / Task {task.id} is delegated "
        f"(delegationState PENDING) to {task.assignee} for its owner {task.owner}: the delegate resolves "
        f"it back; only its owner may take it back, and only a clerk may reassign it"
    )


def set_assignee(ctx: Context, *, task_id: str, user_id: str | None, actor: Actor) -> None:
    """Hand a task to a named user (Camunda's `setAssignee`).

    Only clerks and administrators hand tasks to others, and only to users the task is offered to:
    assigning also lets the assignee see the whole application, so it must never widen who sees it.
    Anyone may take a free task offered to them or give back their own; taking one another user holds
    is a clerk's or an administrator's override (Conflict otherwise, as a claim).

    A delegated task (PENDING) stays consistent: its owner taking it back, or a clerk handing it to
    the owner, ends the delegation; a clerk handing it to someone else makes them the delegate (the
    owner still waits for it); unassigning it is an administrator's and ends the delegation; any
    other change is a Conflict naming the delegation. A task leaving its owner after a resolved
    delegation is an ordinary task again.
    """
    with ctx.unit_of_work() as uow:
        session = uow.session
        task = _for_command(session, task_id, actor)
        # a task offered to nobody: an administrator or a process owner hands it to any active user
        unoffered = actor.has(ADMIN, PROCESS_OWNER) and tasks.offered_to_nobody(session, task)
        handlers = (*CLERKS, "admin", PROCESS_OWNER) if unoffered else (*CLERKS, "admin")
        if user_id not in (None, actor.id) and not actor.has(*handlers):
            raise Forbidden(f"只有经办人员可以转办任务 / Only clerks may hand task {task_id} to another user")
        if user_id is None and task.assignee not in (None, actor.id) and not actor.has(*handlers):
            raise Forbidden(f"无权退回他人的任务 / You may not unassign another user's task {task_id}")
        ends = _ends_delegation(session, task, user_id, actor, handlers)
        if user_id is not None:
            target = identity_store.find_user(session, user_id)
            candidate = identity_store.actor_of(target) if target and target.active else None
            if candidate is None or not (unoffered or tasks.is_candidate(session, task, candidate)):
                raise InvalidInput(
                    "指定的办理人不是该任务的候选人 / The user is not a candidate for this task",
                    {"userId": [f"{user_id} 不是该任务的候选人 / {user_id} is not offered this task"]},
                )
        row = _locked_if_listening(ctx, session, task) if user_id else None
        if not tasks.reassign(session, task, user_id, end_delegation=ends):
            raise Conflict(f"任务已被他人变更，请刷新 / Task {task_id} was changed meanwhile: reload it")
        if user_id:
            instances.grant(session, task.instance_id, "user", user_id)
            _assignment(ctx, session, row, task, user_id, actor)
        delegation = {}
        if task.delegation_state is not None:
            delegation = {"owner": task.owner, "delegation": "ended" if ends else task.delegation_state}
        audit.record(
            session,
            actor=actor,
            action="task.assigned",
            at=ctx.now(),
            instance_id=task.instance_id,
            task_id=task_id,
            element_id=task.element_id,
            detail={"from": task.assignee, "to": user_id, **delegation},
        )
        uow.commit()


def _ends_delegation(session, task: HumanTask, user_id: str | None, actor: Actor, handlers) -> bool:
    """Whether handing `task` to `user_id` ends its delegation (the delegation state and owner cleared),
    after refusing what a task in its state does not allow (Conflict)."""
    supervising = actor.has(*handlers)
    if task.delegation_state == "PENDING":
        if user_id is None:  # nobody would hold it while its owner waits for it
            if not actor.has(ADMIN):
                raise _delegated(session, task, "unclaim")
            return True
        if user_id == task.assignee:
            return False
        if user_id == task.owner and (actor.id == task.owner or supervising):
            return True  # taken back: the owner holds it again, an ordinary task
        if user_id != task.owner and supervising:
            return False  # the new holder is the delegate: the owner still waits for it back
        raise _delegated(session, task, "assign")
    if user_id == actor.id and task.assignee not in (None, actor.id) and not supervising:
        raise Conflict(f"任务已被他人认领 / Task {task.id} is already claimed by another user")
    return task.delegation_state is not None and user_id != task.owner


def delegate_task(ctx: Context, *, task_id: str, user_id: str, actor: Actor) -> None:
    """Delegate the task to `user_id` (Camunda's `delegateTask`, `POST /task/{id}/delegate`): the
    assignee who delegates becomes the owner (kept when the delegate re-delegates), the delegation PENDING
    and the delegate the assignee, until it resolves the task (`resolve_task`) back to the owner.

    Only the task's assignee delegates, and only to an active user the task is offered to within the
    same scope (as claiming): delegating lets the delegate see the application, so it must never widen
    who sees it. The delegate's `assignment` listeners run; audited `task.delegated`.

    Raises:
        NotFound: the task does not exist or the actor may not see it.
        Forbidden: the actor is not the task's assignee.
        InvalidInput (`userId`): the user is the actor (or, re-delegating, the owner, to whom the
            delegate resolves it instead), unknown, inactive or not offered the task.
    """
    with ctx.unit_of_work() as uow:
        session = uow.session
        task = _for_command(session, task_id, actor)
        if task.assignee != actor.id and task.delegation_state == "PENDING" and task.owner == actor.id:
            raise _delegated(session, task, "delegate")
        if task.assignee != actor.id:
            raise Forbidden(
                f"只有任务的办理人可以委托该任务 / Only the assignee of task {task_id} may delegate it"
            )
        pending = task.delegation_state == "PENDING"  # re-delegated by its delegate: the owner is kept
        ours = user_id not in (actor.id, task.owner if pending else None)
        target = identity_store.find_user(session, user_id) if ours else None
        candidate = identity_store.actor_of(target) if target and target.active else None
        if candidate is None or not tasks.is_candidate(session, task, candidate):
            raise InvalidInput(
                "被委托人须为可以办理该任务的其他用户 / The delegate must be another user offered this task",
                {"userId": [f"{user_id} 不能办理该任务 / {user_id} may not take this task"]},
            )
        row = _locked_if_listening(ctx, session, task)
        owner = task.owner if pending and task.owner else actor.id
        tasks.delegate(session, task_id, user_id, actor.id, keep_owner=pending)
        instances.grant(session, task.instance_id, "user", user_id)
        _assignment(ctx, session, row, task, user_id, actor)
        audit.record(
            session,
            actor=actor,
            action="task.delegated",
            at=ctx.now(),
            instance_id=task.instance_id,
            task_id=task_id,
            element_id=task.element_id,
            detail={"from": task.assignee, "to": user_id, "owner": owner},
        )
        uow.commit()


def resolve_task(
    ctx: Context, *, task_id: str, actor: Actor, data: dict[str, Any], form: bool = False
) -> None:
    """Resolve a delegated task (Camunda's `resolveTask`, `POST /task/{id}/resolve`): `data` becomes
    process variables, the delegation RESOLVED and the task goes back to its owner, open, for the owner
    to complete. Audited `task.resolved`.

    What the owner gets back is always a complete, valid form, never an empty hand-back: `form` (the
    task page) checks `data` alone exactly as a completion's (every required field); otherwise (REST,
    where Camunda allows resolving without variables) each field of the task's form not sent counts
    with the value the instance already holds, and only what was sent is stored. A task without a
    known form resolves with the variables sent, as it completes.

    Raises:
        NotFound: the task does not exist or the actor may not see it.
        Conflict: the task is not delegated (its delegation is not PENDING), or its instance is suspended.
        Forbidden: the actor is not the delegate (the task's assignee).
        InvalidInput: the form is invalid or incomplete; `fields` lists every problem and nothing is saved.
    """
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        seen = _for_command(session, task_id, actor, candidates=False)
        row = instances.lock(session, seen.instance_id)
        task = session.get(HumanTask, task_id, populate_existing=True, options=[tasks.WITHOUT_CANDIDATES])
        if task is None:
            raise TaskCompleted(f"任务已办结 / Task {task_id} has already been completed")
        if task.delegation_state != "PENDING":
            raise Conflict(
                f"任务未被委托，无需交回 / Task {task_id} is not delegated: only a delegated task is resolved"
            )
        if task.assignee != actor.id:
            raise Forbidden(f"只有被委托人可以交回该任务 / Only the delegate may resolve task {task_id}")
        if row.suspended:
            raise Conflict(
                f"流程实例已挂起 / Task {task_id} cannot be resolved: its process instance is suspended"
            )
        if not isinstance(data, dict):
            raise InvalidInput("表单数据必须是对象 / Form data must be an object",
                               {"_schema": ["not an object"]})
        variables = _seen_variables(task, row)[0]
        data = personal_data.restore_masked(json.loads(row.variables_json or "{}"), data)
        held = {} if form else _held_form_values(session, row, task, variables)
        clean = _validated(session, row, task, {**held, **data}, variables, actor, form=form)
        if not form:
            clean = {k: v for k, v in clean.items() if k not in held or k in data}
        if clean:
            run_command(ctx, session, row, actor, lambda r, h, n: r.set_variables(clean, [], n), now)
        tasks.resolve(session, task_id)
        audit.record(
            session,
            actor=actor,
            action="task.resolved",
            at=now,
            instance_id=row.id,
            task_id=task_id,
            element_id=task.element_id,
            detail={"to": task.owner, "form": task.form_key, "data": masked(clean)},
        )
        uow.commit()


def complete_task(
    ctx: Context, *, task_id: str, actor: Actor, data: dict[str, Any], form: bool = False,
    with_variables: bool = False,
) -> TypedVariables | None:
    """Validate the form, complete the task and run the process to its next wait state, atomically.

    `form`: the data is a submitted form (the task page, Camunda's `submit-form`): each field is also
    kept as a `formField` historic detail, as Camunda's FormService records it. `with_variables`
    (Camunda's `withVariablesInReturn`): return the instance's variables after the completion as the
    actor may read them (filtered and masked as any read, which costs reads of its own); else None.

    Raises:
        NotFound: the task does not exist or the actor may not see it.
        Conflict: the task was completed (or claimed by someone else) meanwhile.
        InvalidInput: the form is invalid; `fields` lists every problem and nothing is saved.
    """
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        locked = instances.lock_and_read(session, task_id, actor)  # one or two statements (issue 18)
        if locked is None:
            _open_or_completed(session, task_id, actor)  # NotFound, or Conflict for a double submit
            raise TaskCompleted(f"任务已办结 / Task {task_id} has already been completed")
        row, open_tasks = locked
        found = next((t for t in open_tasks if t.row.id == task_id), None)
        if found is None:  # completed by the command we waited for
            _open_or_completed(session, task_id, actor)
            raise TaskCompleted(f"任务已办结 / Task {task_id} has already been completed")
        if not found.visible_to(actor):
            if found.offered and found.row.assignee is not None:  # claimed by another meanwhile
                raise Conflict(_CLAIMED.format(id=task_id))
            raise NotFound(tasks.NOT_FOUND.format(id=task_id))
        task = found.row
        if not found.may_work_on(session, actor):
            if task.delegation_state == "PENDING" and task.owner == actor.id:  # it waits for the delegate
                raise _delegated(session, task, "complete")
            raise Forbidden(f"无权办理该任务 / You may not complete task {task_id}")
        if row.suspended:  # Camunda: a suspended instance's tasks cannot be completed (issue 16)
            raise Conflict(
                f"流程实例已挂起 / Task {task_id} cannot be completed: its process instance is suspended"
            )
        data = personal_data.restore_masked(json.loads(row.variables_json or "{}"), data)  # breakit F16
        clean = _validated(session, row, task, data, _seen_variables(task, row)[0], actor, form=form)
        for hook in ctx.extensions.before_complete:  # the domain's checks (register, round window …)
            hook(session, row, task, clean, actor, now)
        with variable_history.attributed_to(session, task_id):
            running = run_command(
                ctx, session, row, actor, lambda r, h, n: r.complete_task(task_id, clean, h, n), now
            )
        if form:
            dated = {k: "Date" for k, v in clean.items() if isinstance(v, datetime)}
            variable_history.record_form_fields(session, row.id, task_id, clean, dated, now)
        audit.record(
            session,
            actor=actor,
            action="task.completed",
            at=now,
            instance_id=row.id,
            task_id=task_id,
            element_id=task.element_id,
            detail={"form": task.form_key, "data": masked(clean)},
        )
        returned = None
        if with_variables:
            values, types = running.typed_variables()
            values = hooks.filter_variables(ctx.extensions, session, row.id, actor, values)  # as any read
            returned = TypedVariables(values, types)
        uow.commit()
        return returned


def _locked_if_listening(ctx: Context, session, task: HumanTask) -> ProcessInstance | None:
    """The task's instance row, locked (before the task row, as completion does), when its element
    declares `assignment` task listeners; None otherwise (a claim stays a one-row update). Definitions
    are immutable, so the answer is kept per (definition, element)."""
    row = session.get(ProcessInstance, task.instance_id)
    if row is None:
        return None
    key = (row.definition_id, task.process_key, task.element_id)  # a called process may reuse the id
    if key not in _ASSIGNMENT_DECLARED:
        if len(_ASSIGNMENT_DECLARED) > 10_000:
            _ASSIGNMENT_DECLARED.clear()
        _ASSIGNMENT_DECLARED[key] = restore(ctx, session, row).declares_task_listener(task.id, "assignment")
    return instances.lock(session, row.id) if _ASSIGNMENT_DECLARED[key] else None


_ASSIGNMENT_DECLARED: dict[tuple[str, str, str], bool] = {}


def _assignment(ctx: Context, session, row: ProcessInstance | None, task: HumanTask, assignee: str,
                actor: Actor) -> None:
    """Run the task's declared `assignment` listeners through the command path (their variables are
    stored, their refusal undoes the assignment)."""
    if row is None:
        return
    run_command(ctx, session, row, actor,
                lambda r, h, n: r.notify_task(task.id, "assignment", assignee=assignee), ctx.now())


SENSITIVE_SUFFIX = "id_number"


def masked(value: Any) -> Any:
    """A copy fit for the audit trail: identity numbers shown as 1101**********002X (PIPL Art. 28)."""
    if isinstance(value, dict):
        return {
            k: _mask(v) if k.endswith(SENSITIVE_SUFFIX) and isinstance(v, str) else masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def _mask(number: str) -> str:
    return number[:4] + "*" * max(len(number) - 8, 0) + number[-4:] if len(number) > 8 else "*" * len(number)


def _open_or_completed(session, task_id: str, actor: Actor) -> HumanTask:
    """The open task, or Conflict when the actor's instance already completed it (a double submit)."""
    try:
        return tasks.get_visible(session, task_id, actor, candidates=False)
    except NotFound:
        done = audit.find_task_event(session, task_id, "task.completed")
        if done is not None and done.instance_id:
            try:  # the task's own 404 unless the actor may see its instance: never the instance's id
                instances.get_visible(session, done.instance_id, actor)
            except NotFound:
                raise NotFound(tasks.NOT_FOUND.format(id=task_id)) from None
            raise TaskCompleted(
                f"任务已办结（{local_minutes(done.at)}） / "
                f"Task {task_id} has already been completed (at {local_minutes(done.at)}, Beijing time)"
            ) from None
        raise


def _validated(session, row: ProcessInstance, task: HumanTask, data: dict[str, Any],
               variables: dict[str, Any], actor: Actor, form: bool = False) -> dict[str, Any]:
    """The submission checked against the task's form: a built-in one (`forms/`), a Camunda Form or a
    generated one drawn in Modeler (`drawn_forms`); a task without a known form completes with the
    variables sent, as in Camunda (issue 15: an unknown formKey never leaves a task stuck). A built-in
    form's file references must name an upload of the instance or of `actor` (file_refs.py). `form`: a
    form submission, where a generated form's fields left out take their `defaultValue` (Camunda)."""
    if not isinstance(data, dict):
        raise InvalidInput("表单数据必须是对象 / Form data must be an object", {"_schema": ["not an object"]})
    try:
        drawn = drawn_forms.for_task(session, row.definition_id, task.process_key, task.element_id,
                                     task.form_key)
    except InvalidInput:  # its formRef names a form nobody deployed: Camunda completes without fetching it
        drawn = drawn_forms.DrawnForm("none", form_key=task.form_key)
    clean, errors = drawn_forms.validate(drawn, data, dict(variables))
    if not errors and drawn.kind == "builtin":
        errors = file_refs.unknown_files(session, task.form_key, clean, instance_id=row.id, actor=actor)
    if not errors and drawn.kind == "builtin":
        errors = form_registry.process_checks(task.form_key, clean, dict(variables))
    if errors:
        raise InvalidInput("表单校验未通过 / The form has errors", errors)
    return drawn_forms.with_defaults(drawn, data, clean) if form else clean


def drawn_form(ctx: Context, *, task_id: str, actor: Actor) -> drawn_forms.DrawnForm:
    """The form the task was drawn with (built-in, Camunda Form, generated or none), for the task page
    and `GET /task/{id}/form` / `deployed-form`. Raises NotFound for a task the caller may not see,
    InvalidInput when its `camunda:formRef` names a form no deployment holds."""
    with ctx.unit_of_work(write=False) as uow:
        task = tasks.get_visible(uow.session, task_id, actor)
        row = instances.of_visible_task(uow.session, task)
        return drawn_forms.for_task(uow.session, row.definition_id, task.process_key, task.element_id,
                                    task.form_key)


def _held_form_values(session, row: ProcessInstance, task: HumanTask, variables: dict[str, Any]
                      ) -> dict[str, Any]:
    """The values the instance already holds for the fields of the task's form (none for a task
    without a known form), which a resolve over REST need not send again."""
    try:
        drawn = drawn_forms.for_task(session, row.definition_id, task.process_key, task.element_id,
                                     task.form_key)
    except InvalidInput:  # a formRef nobody deployed: no fields to hold
        return {}
    if drawn.kind == "builtin":
        keys = list(form_registry.json_schema(drawn.form_key or "").get("properties", {}))
    else:
        keys = drawn.keys()
    return {k: variables[k] for k in keys if variables.get(k) is not None}
