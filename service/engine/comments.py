"""Comments on tasks: clerks and applicants leave notes for whoever works on the task next."""

from __future__ import annotations

from ..actors import DISTRICT_CLERK, Actor
from ..context import Context
from ..errors import InvalidInput, NotFound
from .store import audit, comments, history, tasks
from .store.models import TaskComment
from .store.visibility import IdentityVisibility


def add_comment(ctx: Context, *, task_id: str, actor: Actor, message: str) -> TaskComment:
    """Comment on an open task the actor can see (a comment on a closed task would reach nobody)."""
    if not isinstance(message, str) or not message.strip():
        raise InvalidInput("评论内容不能为空 / The comment message is empty", {"message": ["required"]})
    if len(message) > 4000:
        raise InvalidInput("评论过长 / The comment is too long", {"message": ["at most 4000 characters"]})
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        task = tasks.get_visible(uow.session, task_id, actor)
        comment = comments.add(
            uow.session,
            task_id=task_id,
            instance_id=task.instance_id,
            user_id=actor.id,
            message=message,
            at=now,
        )
        audit.record(
            uow.session,
            actor=actor,
            action="task.commented",
            at=now,
            instance_id=task.instance_id,
            task_id=task_id,
            element_id=task.element_id,
            detail={"comment": comment.id},
        )
        uow.commit()
        return comment


def list_comments(ctx: Context, *, task_id: str, actor: Actor) -> list[TaskComment]:
    """The task's comments; `user_id` is None where it would name a reviewer the caller may not know."""
    with ctx.unit_of_work(write=False) as uow:
        _check_visible(uow.session, task_id, actor)
        secrecy = IdentityVisibility(uow.session, actor)
        return [_as_seen(c, secrecy) for c in comments.list_for_task(uow.session, task_id)]


def get_comment(ctx: Context, *, task_id: str, comment_id: str, actor: Actor) -> TaskComment:
    """One comment of the task, redacted like `list_comments`."""
    with ctx.unit_of_work(write=False) as uow:
        _check_visible(uow.session, task_id, actor)
        comment = comments.get(uow.session, task_id, comment_id)
        return _as_seen(comment, IdentityVisibility(uow.session, actor))


def _as_seen(row: TaskComment, secrecy: IdentityVisibility) -> TaskComment:
    """A detached copy with the author redacted (the stored row is never changed)."""
    return TaskComment(
        id=row.id,
        task_id=row.task_id,
        instance_id=row.instance_id,
        user_id=secrecy.shown(row.instance_id, row.user_id),
        time=row.time,
        message=row.message,
    )


def _check_visible(session, task_id: str, actor: Actor) -> None:
    """Open tasks by the task scope. Closed ones (comments outlive the task) only for those who worked on
    them or supervise them: a clerk's working note is not the applicant's to read."""
    try:
        tasks.get_visible(session, task_id, actor)
        return
    except NotFound:
        instance_id = history.instance_of_task(session, task_id)
        found = (
            [t for t in history.tasks(session, actor, instance_id=instance_id) if t.id == task_id and t.end]
            if instance_id
            else []
        )
        supervises = actor.sees_everything or actor.has(DISTRICT_CLERK)
        if not found or not (supervises or actor.id in (found[0].assignee, found[0].completed_by)):
            raise
