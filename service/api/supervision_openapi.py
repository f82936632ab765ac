"""OpenAPI description of the supervision actions (supervision.py, issue 14 item 9), merged into
/api/openapi.json; the request schemas are the ones the views load with (lengths fit the columns).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from ..consortium.supervision.integrity import RECORD_TYPES
from ..consortium.supervision.progress import MAX_SUMMARY, MIN_SUMMARY
from ..consortium.supervision.projects import LEVELS, MAX_AMOUNT_WAN, MODES
from ..consortium.supervision.support_measures import KINDS as MEASURE_KINDS
from .strict import StrictBoolean, StrictInteger

DATE = {"description": "YYYY-MM-DD"}


class EvaluationRoundIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    dataFrom = fields.Date(required=True, metadata=DATE)
    dataUntil = fields.Date(required=True, metadata=DATE)
    publicityDays = StrictInteger(allow_none=True, validate=validate.Range(min=1, max=365))
    rectificationMonths = StrictInteger(allow_none=True, validate=validate.Range(min=1, max=120))
    hearingWorkingDays = StrictInteger(
        allow_none=True,
        validate=validate.Range(min=1, max=60),
        metadata={"description": "陈述申辩期限（工作日） / working days to state its case"},
    )
    rectificationEnabled = StrictBoolean(allow_none=True)


class ProjectIn(Schema):
    projectNo = fields.String(required=True, validate=validate.Length(min=1, max=60))
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    level = fields.String(required=True, validate=validate.OneOf(list(LEVELS)))
    startedOn = fields.Date(required=True, metadata=DATE)
    endsOn = fields.Date(allow_none=True, metadata=DATE)
    mode = fields.String(  # 六: 公开竞争 | 专项组织 | 揭榜挂帅 (issue 14 item 10)
        allow_none=True, validate=validate.OneOf(list(MODES)),
        metadata={"description": "open=公开竞争, special=专项组织, challenge=揭榜挂帅"},
    )
    amountWan = fields.Float(
        allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=MAX_AMOUNT_WAN),
        metadata={"description": "金额（万元） / amount in 10,000 yuan"},
    )


class SupportMeasureIn(Schema):
    kind = fields.String(
        required=True, validate=validate.OneOf(list(MEASURE_KINDS)),
        metadata={"description": "platform=平台, talent=人才计划, scenario=应用场景"},
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    grantedOn = fields.Date(required=True, metadata=DATE)
    level = fields.String(allow_none=True, validate=validate.OneOf(list(LEVELS)))
    amountWan = fields.Float(
        allow_none=True, allow_nan=False, validate=validate.Range(min=0, max=MAX_AMOUNT_WAN),
        metadata={"description": "金额（万元） / amount in 10,000 yuan"},
    )
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))


class ProgressReportIn(Schema):
    summary = fields.String(
        required=True, validate=validate.Length(min=MIN_SUMMARY, max=MAX_SUMMARY),
        metadata={"description": "建设进展 / progress in the period"},
    )


class DissolutionIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


def not_blank(value: str) -> None:
    """Marshmallow validator: refuses a text of whitespace only."""
    if not value.strip():
        raise ValidationError("此项为必填项 / Required")


class MemberChangeIn(Schema):
    """Why the membership changes (breakit F22: a change is not started without a word)."""

    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), not_blank])


class IntegrityEventIn(Schema):
    subjectKind = fields.String(required=True, validate=validate.OneOf(["org", "person"]))
    subjectId = fields.String(
        required=True,
        validate=validate.Length(min=1, max=18),
        metadata={"description": "统一社会信用代码或身份证号 / credit code or personal ID"},
    )
    subjectName = fields.String(required=True, validate=validate.Length(min=1, max=200))
    type = fields.String(required=True, validate=validate.OneOf(list(RECORD_TYPES)))
    description = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    decisionDocument = fields.String(required=True, validate=validate.Length(min=1, max=200))
    decidedOn = fields.Date(required=True, metadata=DATE)
    restrictionUntil = fields.Date(allow_none=True, metadata=DATE)
    restricts = StrictBoolean(allow_none=True)
    permanent = StrictBoolean(allow_none=True)
    referralAuthority = fields.String(allow_none=True, validate=validate.Length(max=200))
    referredOn = fields.Date(allow_none=True, metadata=DATE)
    consortiumId = StrictInteger(allow_none=True, validate=validate.Range(min=0, max=2**31 - 1))


class EvaluationAgencyIn(Schema):
    """A third-party evaluation agency to register (七（二）); name, category and district register the unit
    in the organisation register when it is not there yet."""

    creditCode = fields.String(required=True, validate=validate.Length(min=1, max=18))
    qualification = fields.String(required=True, validate=validate.Length(min=1, max=5000),
                                  metadata={"description": "资质和评估业绩 / qualification and track record"})
    name = fields.String(allow_none=True, validate=validate.Length(max=200))
    category = fields.String(allow_none=True, validate=validate.OneOf(["enterprise", "institute", "other"]))
    district = fields.String(allow_none=True, validate=validate.Length(max=64))
    contact = fields.String(allow_none=True, validate=validate.Length(max=200))


class EvaluationAgencyChange(Schema):
    active = StrictBoolean(required=True)


class AgencyAssignmentIn(Schema):
    agency = fields.String(required=True, validate=validate.Length(min=1, max=18),
                           metadata={"description": "在册第三方评估机构的统一社会信用代码"})


SCHEMAS = {
    cls.__name__: cls
    for cls in (
        EvaluationRoundIn, ProjectIn, DissolutionIn, MemberChangeIn, IntegrityEventIn, SupportMeasureIn,
        ProgressReportIn, EvaluationAgencyIn, EvaluationAgencyChange, AgencyAssignmentIn,
    )
}
ID = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def _op(summary: str, body: str | None, status: int, params: dict[str, dict], *, array: bool = False) -> dict:
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    shape = {"type": "array", "items": {"type": "object"}} if array else {"type": "object"}
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": ["supervision"],
        "parameters": [
            {"in": "path", "name": name, "required": True, "schema": schema}
            for name, schema in params.items()
        ],
        "responses": {
            status: {"description": "OK", "content": {"application/json": {"schema": shape}}},
            400: {"description": "Malformed request", **error},
            401: {"description": "Not signed in", **error},
            403: {"description": "Not allowed for the caller's role", **error},
            404: {"description": "Absent or outside the caller's scope", **error},
            409: {"description": "State conflict (not filed, active project, already renewed …)", **error},
            422: {"description": "Invalid input, with field errors", **error},
        },
    }
    if body:
        schema = {"$ref": f"#/components/schemas/{body}"}
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    return operation


CONSORTIUM = {"consortium_id": ID}
PATHS: dict[str, dict[str, Any]] = {
    "/api/evaluation-rounds": {
        "post": _op("开启绩效评价 / Open an evaluation round (city clerk)", "EvaluationRoundIn", 201, {}),
    },
    "/api/consortia/{consortium_id}/projects": {
        "post": _op(
            "登记承担项目 / Record a project (lead unit or city clerk)", "ProjectIn", 201, CONSORTIUM
        ),
    },
    "/api/consortia/{consortium_id}/support": {
        "get": _op(
            "支持措施 / Projects, support measures and the increased-support flag", None, 200, CONSORTIUM
        ),
    },
    "/api/consortia/{consortium_id}/support-measures": {
        "post": _op(
            "登记支持措施（平台、人才、应用场景） / Record a support measure (city clerk)",
            "SupportMeasureIn", 201, CONSORTIUM,
        ),
    },
    "/api/consortia/{consortium_id}/progress-reports": {
        "get": _op("建设进展报告 / Progress reports and the next due date", None, 200, CONSORTIUM),
        "post": _op(
            "报送建设进展 / Submit a progress report (lead unit)", "ProgressReportIn", 201, CONSORTIUM
        ),
    },
    "/api/projects/{project_id}/completion": {
        "post": _op("项目结题 / Close a project (city clerk)", None, 200, {"project_id": ID}),
    },
    "/api/consortia/{consortium_id}/dissolution": {
        "post": _op("申请解散 / Dissolve the consortium (lead unit)", "DissolutionIn", 200, CONSORTIUM),
    },
    "/api/consortia/{consortium_id}/member-changes": {
        "post": _op("发起成员变更 / Start a member change (lead unit; 409 while one is open)",
                    "MemberChangeIn", 201, CONSORTIUM),
    },
    "/api/consortia/{consortium_id}/lead-failure-cases": {
        "post": _op(
            "牵头单位履约失职处理 / Open a lead-unit failure case (city clerk)", None, 201, CONSORTIUM
        ),
    },
    "/api/renewal-invitations": {
        "get": _op("重新申报邀请 / My invitations to apply again", None, 200, {}, array=True),
    },
    "/api/filings/{filing_no}/renewal": {
        "post": _op(
            "重新申报 / Apply again from an expired filing (lead unit)",
            None,
            201,
            {"filing_no": {"type": "string"}},
        ),
    },
}
_ALL = {"in": "query", "name": "all", "required": False, "description": "true: withdrawn agencies too",
        "schema": {"type": "string", "enum": ["true", "false"]}}
PATHS["/api/evaluation-agencies"] = {
    "get": {**_op("第三方评估机构 / Registered evaluation agencies", None, 200, {}, array=True),
            "parameters": [_ALL]},
    "post": _op("登记第三方评估机构 / Register an evaluation agency (city clerk)",
                "EvaluationAgencyIn", 201, {}),
}
PATHS["/api/evaluation-agencies/{credit_code}"] = {
    "patch": _op("停用或恢复评估机构 / Withdraw or reinstate an agency (city clerk)",
                 "EvaluationAgencyChange", 200, {"credit_code": {"type": "string", "maxLength": 18}}),
}
PATHS["/api/evaluations/{instance_id}/agency"] = {
    "post": _op("委托第三方评估机构评价 / Entrust an evaluation to an agency (city clerk)",
                "AgencyAssignmentIn", 200, {"instance_id": {"type": "string", "maxLength": 36}}),
}
PATHS["/api/agency-evaluations"] = {
    "get": _op("受托评价 / Evaluations entrusted to agencies (an agency: its own; the city: all)",
               None, 200, {}, array=True),
}

#: POST beside the existing GET /api/integrity-records (openapi.py adds it to that path).
INTEGRITY_POST = _op(
    "记入科研信用档案 / Make a credit-record entry (city clerk)", "IntegrityEventIn", 201, {}
)
