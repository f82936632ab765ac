"""Liveness and readiness: the database answers and the diagrams are deployed."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request

from ..engine.store.models import ProcessDefinition
from .auth import context
from .engine_rest.parking import PARKED_COUNT

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    ctx = context()
    with ctx.unit_of_work(write=False) as uow:
        definitions = uow.session.scalar(sa.select(sa.func.count()).select_from(ProcessDefinition))
    body = {"status": "ok", "database": ctx.db.dialect.name, "processDefinitions": definitions}
    parked = request.environ.get(PARKED_COUNT)
    if parked is not None:  # under the ASGI server: external-task long polls waiting without a thread
        body["parkedLongPolls"] = parked
    return jsonify(body)
