"""/api registry endpoints: consortia, organisations, filings (list and detail), scoped to the caller."""

from __future__ import annotations

from flask import jsonify, request

from ..consortium import registry
from .auth import context
from .domain import bp, require_actor
from .schemas import ConsortiumDetailSchema, ConsortiumSchema, FilingSchema, OrganisationSchema


def _filing_view(filing, consortium) -> dict:
    return {
        "filing_no": filing.filing_no,
        "valid_from": filing.valid_from,
        "valid_until": filing.valid_until,
        "status": filing.status,
        "filed_at": filing.filed_at,
        "consortium_id": consortium.id,
        "consortium_name": consortium.name,
        "application_no": consortium.application_no,
        "lead_credit_code": consortium.lead_credit_code,
    }


@bp.get("/consortia")
def consortia():
    """Consortia the caller may see."""
    actor = require_actor()
    rows = registry.list_consortia(
        context(), actor=actor, status=request.args.get("status"), industry=request.args.get("industry")
    )
    return jsonify(ConsortiumSchema(many=True).dump(rows))


@bp.get("/consortia/<int:consortium_id>")
def consortium(consortium_id: int):
    """One consortium with its members and filings."""
    view = registry.get_consortium(context(), consortium_id=consortium_id, actor=require_actor())
    data = ConsortiumDetailSchema().dump(
        {**_attrs(view.record), "members": view.record.members, "filings": view.filings}
    )
    return jsonify(data)


def _attrs(record) -> dict:
    return {c: getattr(record, c) for c in record.__table__.columns.keys()}


@bp.get("/organisations")
def organisations():
    """The organisation register."""
    rows = registry.list_organisations(context(), actor=require_actor())
    return jsonify(OrganisationSchema(many=True).dump(rows))


@bp.get("/organisations/<credit_code>")
def organisation(credit_code: str):
    """One organisation by unified social credit code."""
    org = registry.get_organisation(context(), credit_code=credit_code, actor=require_actor())
    return jsonify(OrganisationSchema().dump(org))


@bp.get("/filings")
def filings():
    """Filings of consortia the caller may see."""
    rows = registry.list_filings(context(), actor=require_actor(), status=request.args.get("status"))
    return jsonify(FilingSchema(many=True).dump([_filing_view(f, c) for f, c in rows]))


@bp.get("/filings/<filing_no>")
def filing(filing_no: str):
    """One filing by its number."""
    found, record = registry.get_filing(context(), filing_no=filing_no, actor=require_actor())
    return jsonify(FilingSchema().dump(_filing_view(found, record)))
