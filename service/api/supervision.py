"""/api for supervision after filing: a consortium's supervision record, evaluation results, the register.

Routes live on the domain blueprint, so errors map once ({"error","message","fields"}).
"""

from __future__ import annotations

from flask import jsonify, request

from ..consortium.supervision import evaluations, integrity, overview
from .auth import context
from .domain import bp, require_actor
from .edge import int_arg


@bp.get("/consortia/<int:consortium_id>/supervision")
def supervision_record(consortium_id: int):
    """Standing (filed, under_rectification, revoked, expired, renewed), history, evaluations, changes."""
    return jsonify(overview.supervision_record(context(), actor=require_actor(), consortium_id=consortium_id))


@bp.get("/evaluation-results")
def evaluation_results():
    """Published like a publicity notice: readable by anyone signed in."""
    require_actor()
    round_id, consortium_id = int_arg("roundId"), int_arg("consortiumId")  # 422 naming a bad one
    return jsonify(evaluations.list_results(context(), round_id=round_id, consortium_id=consortium_id))


@bp.get("/integrity-records")
def integrity_records():
    subject = request.args.get("subjectId")
    return jsonify(integrity.list_integrity_records(context(), actor=require_actor(), subject_id=subject))
