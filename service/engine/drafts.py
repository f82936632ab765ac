"""Drafts of task forms: what a user typed, kept until the task is completed, visible to that user only."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from ..actors import Actor
from ..context import Context
from .store import tasks
from .store.models import TaskDraft


def save_draft(ctx: Context, *, task_id: str, actor: Actor, data: dict[str, Any]) -> None:
    """Keep the unvalidated form: a draft may be incomplete, that is what it is for."""
    with ctx.unit_of_work() as uow:
        tasks.get_visible(uow.session, task_id, actor)  # NotFound outside the caller's scope
        draft = uow.session.get(TaskDraft, (task_id, actor.id))
        if draft is None:
            draft = TaskDraft(task_id=task_id, user_id=actor.id)
            uow.session.add(draft)
        draft.data_json = json.dumps(data, ensure_ascii=False)
        draft.saved_at = ctx.now()
        uow.commit()


def load_draft(ctx: Context, *, task_id: str, actor: Actor) -> dict[str, Any] | None:
    with ctx.unit_of_work(write=False) as uow:
        draft = uow.session.get(TaskDraft, (task_id, actor.id))
        return json.loads(draft.data_json) if draft else None


def discard_drafts(ctx: Context, *, task_id: str) -> None:
    """Once a task is completed its drafts are stale for everyone."""
    with ctx.unit_of_work() as uow:
        uow.session.execute(sa.delete(TaskDraft).where(TaskDraft.task_id == task_id))
        uow.commit()
