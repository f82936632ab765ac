"""Task comments (`/task/{id}/comment`): notes clerks and applicants leave on a task."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from ...engine import comments
from ...engine.store.models import TaskComment
from ..auth import context
from .blueprint import actor, bp
from .params import format_date, json_body, link


def comment_dto(row: TaskComment) -> dict[str, Any]:
    return {
        "id": row.id,
        "userId": row.user_id,
        "taskId": row.task_id,
        "processInstanceId": row.instance_id,
        "time": format_date(row.time),
        "message": row.message,
        "removalTime": None,
        "rootProcessInstanceId": row.instance_id,
        "links": [link("self", f"/task/{row.task_id}/comment/{row.id}")],
    }


@bp.get("/task/<task_id>/comment")
def list_comments(task_id: str):
    return jsonify(
        [comment_dto(c) for c in comments.list_comments(context(), task_id=task_id, actor=actor())]
    )


@bp.get("/task/<task_id>/comment/<comment_id>")
def get_comment(task_id: str, comment_id: str):
    return jsonify(
        comment_dto(comments.get_comment(context(), task_id=task_id, comment_id=comment_id, actor=actor()))
    )


@bp.post("/task/<task_id>/comment/create")
def create_comment(task_id: str):
    body = json_body()
    row = comments.add_comment(context(), task_id=task_id, actor=actor(), message=body.get("message"))
    return jsonify(comment_dto(row))
