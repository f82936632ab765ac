"""Liveness and readiness: the database answers and the diagrams are deployed."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from ..engine.store.models import ProcessDefinition
from .auth import context

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    ctx = context()
    with ctx.unit_of_work(write=False) as uow:
        definitions = uow.session.scalar(sa.select(sa.func.count()).select_from(ProcessDefinition))
    return jsonify(status="ok", database=ctx.db.dialect.name, processDefinitions=definitions)
