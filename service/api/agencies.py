"""/api for third-party evaluation agencies (guideline 七（二）; issue 14 item 12): the register of agencies,
entrusting an evaluation to one, and the evaluations entrusted (an agency reads its own only). Routes live
on the domain blueprint, so errors map once; documented in supervision_openapi.py."""

from __future__ import annotations

from flask import jsonify, request

from ..consortium.supervision import agencies
from . import supervision_openapi as api_schemas
from .auth import context
from .domain import bp, require_actor
from .edge import load_body


@bp.get("/evaluation-agencies")
def agency_list():
    """Who may be entrusted: readable by anyone signed in; `?all=true` adds withdrawn agencies."""
    require_actor()
    include = request.args.get("all") == "true"
    return jsonify(agencies.list_agencies(context(), include_inactive=include))


@bp.post("/evaluation-agencies")
def agency_register():
    """A city clerk registers an agency (and its unit in the organisation register when missing)."""
    actor = require_actor()
    body = load_body(api_schemas.EvaluationAgencyIn)
    made = agencies.register_agency(
        context(), actor=actor, credit_code=body["creditCode"], qualification=body["qualification"],
        name=body.get("name"), category=body.get("category") or "other", district=body.get("district"),
        contact=body.get("contact"),
    )
    return jsonify(made), 201


@bp.patch("/evaluation-agencies/<credit_code>")
def agency_change(credit_code: str):
    """A city clerk withdraws an agency (no new evaluations entrusted to it) or reinstates it."""
    actor = require_actor()
    body = load_body(api_schemas.EvaluationAgencyChange)
    return jsonify(agencies.set_agency_active(context(), actor=actor, credit_code=credit_code,
                                              active=body["active"]))


@bp.post("/evaluations/<instance_id>/agency")
def agency_assign(instance_id: str):
    """A city clerk entrusts an evaluation waiting for its evaluators to a registered agency."""
    actor = require_actor()
    body = load_body(api_schemas.AgencyAssignmentIn)
    return jsonify(agencies.assign_agency(context(), actor=actor, instance_id=instance_id,
                                          credit_code=body["agency"]))


@bp.get("/agency-evaluations")
def agency_evaluations():
    """The evaluations entrusted to the caller's agency (the city: all of them)."""
    return jsonify(agencies.list_assignments(context(), actor=require_actor()))
