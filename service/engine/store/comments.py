"""Named queries over task comments (Camunda's `/task/{id}/comment`)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...errors import NotFound
from .models import TaskComment


def add(session: Session, *, task_id: str, instance_id: str, user_id: str, message: str, at: datetime):
    comment = TaskComment(
        id=str(uuid.uuid4()),
        task_id=task_id,
        instance_id=instance_id,
        user_id=user_id,
        time=at,
        message=message,
    )
    session.add(comment)
    return comment


def list_for_task(session: Session, task_id: str) -> list[TaskComment]:
    return list(
        session.scalars(
            sa.select(TaskComment)
            .where(TaskComment.task_id == task_id)
            .order_by(TaskComment.time, TaskComment.id)
        )
    )


def get(session: Session, task_id: str, comment_id: str) -> TaskComment:
    comment = session.get(TaskComment, comment_id)
    if comment is None or comment.task_id != task_id:
        raise NotFound(f"评论不存在 / Task {task_id} has no comment {comment_id}")
    return comment
