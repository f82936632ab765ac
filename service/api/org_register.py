"""/api for the register staff keep: the 区（市、功能区） list and organisations (issue 14, items 3–5).

Reading is open to anyone signed in (clerks and lead units pick from both); administrators edit the
district list; clerks register and verify organisations; a city clerk may waive the lead-unit check.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from marshmallow import Schema, fields, validate

from forms.vocabulary import INDUSTRY_CHOICES

from ..consortium import districts, organisations, sub_tracks
from ..errors import InvalidInput
from .auth import context
from .domain import bp, require_actor
from .edge import load_body
from .strict import StrictBoolean, StrictInteger


class DistrictIn(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=16))
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    kind = fields.String(required=True, validate=validate.OneOf(list(districts.KINDS)))
    aliases = fields.List(fields.String(validate=validate.Length(min=1, max=64)), load_default=list)
    sortOrder = StrictInteger(load_default=0, validate=validate.Range(min=0, max=100000))


class DistrictChangeIn(Schema):
    aliases = fields.List(fields.String(validate=validate.Length(min=1, max=64)))
    active = StrictBoolean()
    sortOrder = StrictInteger(validate=validate.Range(min=0, max=100000))


class SubTrackIn(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=16))
    industry = fields.String(required=True, validate=validate.OneOf(list(INDUSTRY_CHOICES)))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    sortOrder = StrictInteger(load_default=0, validate=validate.Range(min=0, max=100000))


class SubTrackChangeIn(Schema):
    active = StrictBoolean()
    sortOrder = StrictInteger(validate=validate.Range(min=0, max=100000))


class OrganisationIn(Schema):
    creditCode = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    category = fields.String(
        required=True, validate=validate.OneOf(["enterprise", "university", "institute", "other"])
    )
    district = fields.String(allow_none=True, validate=validate.Length(max=64))
    confirmationReason = fields.String(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={
            "description": "确认说明：校验位不符的代码或以企业登记的研发机构须填写 / needed for a code "
            "whose check character fails or an institute registered as a company"
        },
    )


class VerificationIn(Schema):
    reason = fields.String(allow_none=True, validate=validate.Length(max=2000))
    district = fields.String(allow_none=True, validate=validate.Length(max=64))
    category = fields.String(
        allow_none=True, validate=validate.OneOf(["enterprise", "university", "institute", "other"])
    )


class OverrideIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


SCHEMAS = {
    cls.__name__: cls
    for cls in (DistrictIn, DistrictChangeIn, SubTrackIn, SubTrackChangeIn, OrganisationIn, VerificationIn,
                OverrideIn)
}




@bp.get("/districts")
def district_list():
    """The 区（市、功能区） list; `?all=true` includes deactivated ones."""
    require_actor()
    include = request.args.get("all") == "true"
    return jsonify(districts.list_districts(context(), include_inactive=include))


@bp.post("/districts")
def district_add():
    """An administrator adds a district or function zone."""
    actor = require_actor()
    body = load_body(DistrictIn)
    added = districts.add_district(
        context(),
        actor=actor,
        code=body["code"],
        name=body["name"],
        kind=body["kind"],
        aliases=body["aliases"],
        sort_order=body["sortOrder"],
    )
    return jsonify(added), 201


@bp.patch("/districts/<code>")
def district_change(code: str):
    """An administrator changes a district's other names, order or whether it is offered."""
    actor = require_actor()
    body = load_body(DistrictChangeIn)
    return jsonify(
        districts.update_district(
            context(),
            actor=actor,
            code=code,
            aliases=body.get("aliases"),
            active=body.get("active"),
            sort_order=body.get("sortOrder"),
        )
    )


@bp.get("/sub-tracks")
def sub_track_list():
    """The 细分赛道 list, optionally of one industry (`?industry=XX-05`); `?all=true` adds withdrawn."""
    require_actor()
    industry = request.args.get("industry") or None
    if industry is not None and industry not in INDUSTRY_CHOICES:
        raise InvalidInput("未知产业 / Unknown industry", {"industry": [f"not a \"10+1\" code: {industry}"]})
    include = request.args.get("all") == "true"
    return jsonify(sub_tracks.list_sub_tracks(context(), industry=industry, include_inactive=include))


@bp.post("/sub-tracks")
def sub_track_add():
    """An administrator adds a sub-track under an industry."""
    actor = require_actor()
    body = load_body(SubTrackIn)
    added = sub_tracks.add_sub_track(
        context(), actor=actor, code=body["code"], industry=body["industry"], name=body["name"],
        sort_order=body["sortOrder"],
    )
    return jsonify(added), 201


@bp.patch("/sub-tracks/<code>")
def sub_track_change(code: str):
    """An administrator offers or withdraws a sub-track, or changes its order."""
    actor = require_actor()
    body = load_body(SubTrackChangeIn)
    return jsonify(sub_tracks.update_sub_track(
        context(), actor=actor, code=code, active=body.get("active"), sort_order=body.get("sortOrder")
    ))


@bp.post("/organisations")
def organisation_register():
    """A clerk registers an organisation (checked against its credit code)."""
    actor = require_actor()
    body = load_body(OrganisationIn)
    registered = organisations.register_organisation(
        context(),
        actor=actor,
        credit_code=body["creditCode"],
        name=body["name"],
        category=body["category"],
        district=body.get("district"),
        confirmation_reason=body.get("confirmationReason"),
    )
    return jsonify(registered), 201


@bp.post("/organisations/<credit_code>/verification")
def organisation_verify(credit_code: str):
    """A clerk verifies a pending organisation or confirms a category its code does not show."""
    actor = require_actor()
    body = load_body(VerificationIn)
    return jsonify(
        organisations.confirm_organisation(
            context(),
            actor=actor,
            credit_code=credit_code,
            reason=body.get("reason"),
            district=body.get("district"),
            category=body.get("category"),
        )
    )


@bp.post("/organisations/<credit_code>/lead-check-override")
def organisation_lead_override(credit_code: str):
    """A city clerk lets the organisation lead although its code fails 四（一）1, with a reason (audited)."""
    actor = require_actor()
    body = load_body(OverrideIn)
    return jsonify(
        organisations.override_lead_check(
            context(), actor=actor, credit_code=credit_code, reason=body["reason"]
        )
    )


def _op(summary: str, body: str | None, status: int, params: list[str], *, array: bool = False) -> dict:
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    shape = {"type": "array", "items": {"type": "object"}} if array else {"type": "object"}
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": ["register"],
        "parameters": [
            {"in": "path", "name": p, "required": True, "schema": {"type": "string"}} for p in params
        ],
        "responses": {
            status: {"description": "OK", "content": {"application/json": {"schema": shape}}},
            400: {"description": "Malformed request (a query value outside its enum …)", **error},
            401: {"description": "Not signed in", **error},
            403: {"description": "Not allowed", **error},
            404: {"description": "Absent", **error},
            409: {"description": "Already registered / name taken", **error},
            422: {"description": "Invalid input, with field errors", **error},
        },
    }
    if body:
        schema = {"$ref": f"#/components/schemas/{body}"}
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    return operation


PATHS = {
    "/api/districts": {
        "get": {
            **_op("区（市、功能区）列表 / Districts", None, 200, [], array=True),
            "parameters": [
                {
                    "in": "query",
                    "name": "all",
                    "required": False,
                    "schema": {"type": "string", "enum": ["true", "false"]},
                }
            ],
        },
        "post": _op("新增区（市、功能区） / Add a district (admin)", "DistrictIn", 201, []),
    },
    "/api/districts/{code}": {
        "patch": _op("修改区（市、功能区） / Change a district (admin)", "DistrictChangeIn", 200, ["code"]),
    },
    "/api/sub-tracks": {
        "get": {
            **_op("细分赛道列表 / Sub-tracks", None, 200, [], array=True),
            "parameters": [
                {"in": "query", "name": "industry", "required": False,
                 "schema": {"type": "string", "enum": list(INDUSTRY_CHOICES)}},
                {"in": "query", "name": "all", "required": False,
                 "schema": {"type": "string", "enum": ["true", "false"]}},
            ],
        },
        "post": _op("新增细分赛道 / Add a sub-track (admin)", "SubTrackIn", 201, []),
    },
    "/api/sub-tracks/{code}": {
        "patch": _op("修改细分赛道 / Change a sub-track (admin)", "SubTrackChangeIn", 200, ["code"]),
    },
    "/api/organisations/{credit_code}/verification": {
        "post": _op("核实单位 / Verify an organisation (clerk)", "VerificationIn", 200, ["credit_code"]),
    },
    "/api/organisations/{credit_code}/lead-check-override": {
        "post": _op(
            "牵头单位条件例外 / Override the lead-unit check (city clerk)", "OverrideIn", 200, ["credit_code"]
        ),
    },
}
REGISTER_POST = _op("登记单位 / Register an organisation (clerk)", "OrganisationIn", 201, [])
