"""Compact the finished parts of SpiffWorkflow's task tree, so loops run as long as the diagram says
(issue 12, fault 1).

SpiffWorkflow never forgets a task: each element passed becomes the child of the one before, so a
loop deepens the tree by a few tasks per pass, for the instance's whole life. Its TaskIterator stops
at depth 1,000 (`max_depth`), and a task deeper than that is silently ignored: a timer loop was
"completed" on day ~250 with no end event, and each command got slower and each stored state larger.

`prune(workflow)` removes what no later step can consult, in every (sub)process task tree:

* **dead branches**: a finished subtree (every task COMPLETED or CANCELLED) hanging off the live
  part, e.g. a non-interrupting boundary event's finished path, a previous pass's cancelled join
  arrival, a finished multi-instance child once its body has finished;
* **finished chains**: a COMPLETED task between a COMPLETED parent and a COMPLETED child, each with
  that one child, is spliced out (its child is re-attached to its parent).

It keeps what SpiffWorkflow reads later: the root task (the scope marker and start data live there),
every unfinished task with its ancestors and its direct children, the parent of every unfinished
task (joins and boundary events look at it), the tasks a join still waiting for other arrivals
inspects (the other arrivals of that gateway and their parents), a live split that a boundary/start
event join looks for by name, the workflow's `last_task`, and tasks that own a running
sub-process. A finished sub-process whose task is removed is deleted with it. A completed workflow
is left as it is (its end event names the end the instance reached).

History does not depend on the tree: the audit trail records every task, timer and end event as it
happens (service/engine/store/history.py).
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.control import _EndJoin
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

SETTLED = TaskState.COMPLETED | TaskState.CANCELLED
PASSED_KEY = "consortium_passed"
"""Root-task internal-data key of the top workflow: `{"<process key>|<element id>": name}` of every
element a removed task had completed, so the application page still marks it as passed (bounded by
the number of elements in the diagrams)."""
PRUNE_EVERY = 64
"""Engine steps between two compactions inside one command (workflows/instance.py), so that even one
command running a long loop without a wait state never gets near SpiffWorkflow's depth limit."""


def prune(workflow: Any) -> int:
    """Compact every task tree of the top `workflow` (see the module docstring); tasks removed."""
    top = workflow.top_workflow
    if top.is_completed():
        return 0
    removed = 0
    for wf in [top, *list(top.subprocesses.values())]:
        if wf is not top and wf.parent_task_id not in top.subprocesses:
            continue  # deleted with its task earlier in this loop
        removed += _prune_tree(top, wf)
    return removed


def _settled(task: Task) -> bool:
    return task.has_state(SETTLED)


def _protected(top: Any, wf: Any) -> tuple[set[Any], set[Any]]:
    """(keep, pinned): tasks that must stay in the tree, and those among them never spliced out."""
    tasks = wf.tasks
    keep: set[Any] = {wf.task_tree.id}
    pinned: set[Any] = {wf.task_tree.id}
    unfinished = [t for t in tasks.values() if not _settled(t)]
    seeds: list[Task] = []
    waiting_joins: set[Any] = set()
    for task in unfinished:
        seeds.append(task)
        seeds.extend(task.children)  # e.g. a running multi-instance body's finished children
        if task.parent is not None:
            pinned.add(task.parent.id)
        spec = task.task_spec
        if isinstance(spec, Join) and not isinstance(spec, _EndJoin):  # the end join counts no arrivals
            waiting_joins.add(spec)
            split_name = getattr(spec, "split_task", None)
            split = task.find_ancestor(split_name) if split_name else None
            if split is not None:  # a boundary/start-event join looks its split up by name
                pinned.add(split.id)
    for task in _current_arrivals(tasks.values(), waiting_joins):  # a waiting join still counts them
        seeds.append(task)
        if task.parent is not None:
            pinned.add(task.parent.id)
            seeds.append(task.parent)
    for task in tasks.values():
        sub = top.subprocesses.get(task.id)
        if sub is not None and not sub.completed:
            seeds.append(task)
            pinned.add(task.id)
    if wf.last_task is not None and wf.last_task.id in tasks:
        seeds.append(wf.last_task)
        pinned.add(wf.last_task.id)
    for task in seeds:  # keep the seeds and all their ancestors
        while task is not None and task.id not in keep:
            keep.add(task.id)
            task = task.parent
    return keep, pinned


def _current_arrivals(tasks: Any, joins: set[Any]) -> list[Task]:
    """Settled arrivals at a waiting join that it has not consumed yet: a gateway's earlier arrival is
    cancelled when the next one comes; it is consumed once the gateway has fired (a COMPLETED task
    of the same gateway changed state at or after it). Earlier passes' arrivals are not kept, which
    also stops SpiffWorkflow from counting them for the current pass."""
    if not joins:
        return []
    settled = [t for t in tasks if t.task_spec in joins and _settled(t)]
    fired: dict[Any, float] = {}
    for task in settled:
        if task.state == TaskState.COMPLETED:
            fired[task.task_spec] = max(fired.get(task.task_spec, 0.0), task.last_state_change)
    return [t for t in settled if t.state != TaskState.COMPLETED
            and t.last_state_change > fired.get(t.task_spec, float("-inf"))]


def _prune_tree(top: Any, wf: Any) -> int:
    if wf.completed or wf.task_tree is None:
        return 0
    keep, pinned = _protected(top, wf)
    tasks = wf.tasks
    before = len(tasks)
    # 1. dead branches: children outside `keep` of kept tasks
    for task_id in list(keep):
        task = tasks.get(task_id)
        if task is None:
            continue
        for child in [c for c in task.children if c is not None and c.id not in keep]:
            _drop_subtree(top, wf, child)
    # 2. finished chains
    for task_id in list(keep):
        task = tasks.get(task_id)
        if task is None or task_id in pinned or task.state != TaskState.COMPLETED:
            continue
        parent = task.parent
        if parent is None or parent.state != TaskState.COMPLETED or len(parent._children) != 1:
            continue
        if len(task._children) != 1:
            continue
        child = tasks.get(task._children[0])
        if child is None or child.state != TaskState.COMPLETED:
            continue
        if task.id in top.subprocesses:
            if not top.subprocesses[task.id].completed:
                continue
            _remember(top, top.delete_subprocess(task))
        parent._children = [child.id]
        child._parent = parent.id
        _remember(top, [task])
        del tasks[task.id]
    return before - len(tasks)


def _drop_subtree(top: Any, wf: Any, task: Task) -> None:
    """Remove `task` and its descendants (all settled), with any sub-process they own."""
    stack = [task]
    while stack:
        current = stack.pop()
        if current.id in top.subprocesses:
            _remember(top, top.delete_subprocess(current))
        stack.extend(c for c in current.children if c is not None)
    _detach(wf, task)


def _detach(wf: Any, task: Task) -> None:
    parent = task.parent
    if parent is not None and task.id in parent._children:
        parent._children.remove(task.id)
    stack = [task]
    while stack:
        current = stack.pop()
        stack.extend(c for c in current.children if c is not None)
        _remember(wf.top_workflow, [current])
        wf.tasks.pop(current.id, None)
        wf.top_workflow.event_manager.remove_task(current)


def _remember(top: Any, removed: list[Task]) -> None:
    passed = top.task_tree.internal_data.setdefault(PASSED_KEY, {})
    for task in removed:
        element = getattr(task.task_spec, "bpmn_id", None)
        if element is not None and task.state == TaskState.COMPLETED:
            passed.setdefault(f"{task.workflow.spec.name}|{element}", task.task_spec.bpmn_name)


def note_removed(top: Any, removed: list[Task]) -> None:
    """Remember the completed elements of `removed` tasks (taken out of the tree by another module,
    workflows/migration.py) as passed, as the compaction does."""
    _remember(top, removed)


def passed_elements(top: Any) -> list[tuple[str, str, str | None]]:
    """(process key, element id, name) of the elements completed by tasks the compaction removed."""
    passed = top.task_tree.internal_data.get(PASSED_KEY) or {}
    return [(*key.split("|", 1), name) for key, name in passed.items()]  # type: ignore[misc]
