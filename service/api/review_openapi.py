"""OpenAPI description of the expert-review endpoints (reviews.py), merged into /api/openapi.json.

Request bodies are marshmallow schemas; responses are described as objects (their shapes are the
use cases' `describe_*` dictionaries).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from ..consortium.reviews.scheduling import SLOT_MINUTES
from .strict import AwareTime, StrictBoolean, StrictInteger

AWARE = {"format": "date-time", "description": "ISO 8601 with offset, e.g. 2026-03-20T09:00:00+08:00"}


class RoundIn(Schema):
    name = fields.String(required=True)
    opensAt = fields.DateTime(required=True, metadata=AWARE)
    closesAt = fields.DateTime(required=True, metadata=AWARE)
    rubric = fields.List(
        fields.Dict(), metadata={"description": '[{"key","zh","en","max"}], maxima sum to 100'}
    )
    passingScore = fields.Float(load_default=60)
    panelSize = StrictInteger(load_default=5)
    panelReserves = StrictInteger(load_default=2)


class DrawIn(Schema):
    applicationNo = fields.String(required=True)
    seed = fields.String(metadata={"description": "omit for a random seed; it is recorded either way"})


class DeclarationIn(Schema):
    noConflict = StrictBoolean(required=True)
    statement = fields.String(required=True)
    signature = fields.String(required=True)


class ConflictIn(Schema):
    expertId = fields.String(required=True)
    reason = fields.String(required=True)


class ScoreSheetIn(Schema):
    scores = fields.Dict(
        required=True, metadata={"description": '{dimension: {"score": n, "comment": text}}'}
    )
    dissent = fields.String()


class SignatureIn(Schema):
    signature = fields.String(required=True)


class ExpertIn(Schema):
    userId = fields.String(required=True)
    name = fields.String(required=True)
    fields_ = fields.List(fields.String(), required=True, data_key="fields", metadata={"description": "10+1"})
    email = fields.String()
    idNumber = fields.String()
    title = fields.String()
    active = StrictBoolean(load_default=True)


class AffiliationIn(Schema):
    creditCode = fields.String(required=True)
    unitName = fields.String()
    since = fields.Date()
    until = fields.Date(metadata={"description": "omit for the current unit"})


class RelationshipIn(Schema):
    creditCode = fields.String(required=True)
    kind = fields.String(required=True)
    note = fields.String()


class WindowIn(Schema):
    startsAt = fields.DateTime(required=True, metadata=AWARE)
    endsAt = fields.DateTime(required=True, metadata=AWARE)


ADDRESS = validate.Length(min=1, max=300)  # site_visit.address is VARCHAR(300)
PARTICIPANTS = {
    "validate": validate.Length(max=50),
    "metadata": {"description": "user ids of pool experts or city bureau users (default: the seated "
                                "experts and the clerk)"},
}


class SiteVisitIn(Schema):
    """POST /api/site-visits, loaded as documented: every field's error at once (hostile report A
    finding 9)."""

    applicationNo = fields.String(required=True, validate=validate.Length(min=1, max=64))
    startsAt = AwareTime(required=True, metadata=AWARE)
    endsAt = AwareTime(required=True, metadata=AWARE)
    address = fields.String(
        allow_none=True, validate=ADDRESS,
        metadata={"description": "defaults to the lead unit's registered address"},
    )
    participants = fields.List(fields.String(validate=validate.Length(min=1, max=64)), allow_none=True,
                               **PARTICIPANTS)


class SiteVisitChangeIn(Schema):
    startsAt = AwareTime(allow_none=True, metadata=AWARE)
    endsAt = AwareTime(allow_none=True, metadata=AWARE)
    address = fields.String(allow_none=True, validate=ADDRESS)
    participants = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)), allow_none=True,
        validate=validate.Length(min=1, max=50),
        metadata={"description": "those left out get a CANCEL; " + PARTICIPANTS["metadata"]["description"]},
    )


class CancellationIn(Schema):
    reason = fields.String()


class SlotIn(WindowIn):
    applicationNo = fields.String(required=True)


class SessionIn(WindowIn):
    roundId = StrictInteger(required=True)
    room = fields.String(required=True)
    slots = fields.List(fields.Nested(SlotIn), required=True)


class SelectionIn(Schema):
    threshold = fields.Float(metadata={"description": "default: the round's passing score"})
    opinion = fields.String()
    excluded = fields.Dict(metadata={"description": "{applicationNo: reason}"})


class ApplicationSelectionIn(Schema):
    threshold = fields.Float(metadata={"description": "default: the round's passing score"})
    opinion = fields.String()
    excludeReason = fields.String(
        metadata={"description": "not selected whatever the score, for this reason"}
    )


SCHEMAS = {
    cls.__name__: cls
    for cls in (
        RoundIn,
        DrawIn,
        DeclarationIn,
        ConflictIn,
        ScoreSheetIn,
        SignatureIn,
        ExpertIn,
        AffiliationIn,
        RelationshipIn,
        WindowIn,
        SiteVisitIn,
        SiteVisitChangeIn,
        CancellationIn,
        SlotIn,
        SessionIn,
        SelectionIn,
        ApplicationSelectionIn,
    )
}

# (path, method, summary, request schema, success status)
OPERATIONS = [
    ("/api/rounds", "get", "申报批次 / Rounds", None, 200),
    ("/api/rounds", "post", "开放申报批次 / Open a round", "RoundIn", 201),
    ("/api/rounds/{round_id}", "get", "批次详情 / Round", None, 200),
    (
        "/api/rounds/{round_id}/applications/{application_no}",
        "put",
        "选择申报批次 / Enter a round",
        None,
        200,
    ),
    ("/api/rounds/{round_id}/panels", "get", "批次专家组 / Panels of a round", None, 200),
    ("/api/rounds/{round_id}/panels", "post", "随机抽取专家 / Draw a panel", "DrawIn", 201),
    ("/api/rounds/{round_id}/ranking", "get", "评分排名 / Ranking", None, 200),
    (
        "/api/rounds/{round_id}/selection",
        "post",
        "择优确定拟备案名单 / Decide the selection",
        "SelectionIn",
        200,
    ),
    (
        "/api/applications/{application_no}/selection",
        "post",
        "单个申请择优（成熟一个、支持一个） / Decide one application's selection",
        "ApplicationSelectionIn",
        200,
    ),
    ("/api/rounds/{round_id}/publicity", "get", "批次公示 / The round's publicity notice", None, 200),
    ("/api/panels/{panel_id}", "get", "评审专家组 / Panel", None, 200),
    ("/api/panels/{panel_id}/verification", "get", "复核抽取 / Re-check the draw", None, 200),
    ("/api/panels/{panel_id}/declaration", "post", "无利益冲突声明 / Declaration", "DeclarationIn", 200),
    ("/api/panels/{panel_id}/conflicts", "post", "报告回避情形 / Report a conflict", "ConflictIn", 200),
    ("/api/panels/{panel_id}/score-sheet", "get", "我的评分表 / My score sheet", None, 200),
    ("/api/panels/{panel_id}/score-sheet", "put", "保存评分 / Save scores", "ScoreSheetIn", 200),
    ("/api/panels/{panel_id}/score-sheet/signature", "post", "签名锁定 / Sign and lock", "SignatureIn", 200),
    ("/api/applications/{application_no}/review-file", "get", "评审材料 / Review file", None, 200),
    ("/api/experts", "get", "专家库 / Expert pool", None, 200),
    ("/api/experts", "post", "登记专家 / Register an expert", "ExpertIn", 201),
    ("/api/experts/{expert_id}", "get", "专家 / Expert", None, 200),
    ("/api/experts/{expert_id}/affiliations", "post", "任职单位 / Affiliation", "AffiliationIn", 201),
    ("/api/experts/{expert_id}/relationships", "post", "申报关系 / Relationship", "RelationshipIn", 201),
    ("/api/experts/{expert_id}/availability", "post", "可参会时间 / Availability", "WindowIn", 201),
    ("/api/site-visits", "post", "安排现场考察 / Schedule a site visit", "SiteVisitIn", 201),
    ("/api/site-visits/{visit_id}", "patch", "调整现场考察 / Change a site visit", "SiteVisitChangeIn", 200),
    (
        "/api/site-visits/{visit_id}/cancellation",
        "post",
        "取消现场考察 / Cancel a site visit",
        "CancellationIn",
        200,
    ),
    ("/api/site-visits/{visit_id}/invitation.ics", "get", "考察日历邀请 / Invitation (.ics)", None, 200),
    ("/api/sessions", "post", "安排答辩会 / Schedule a defense session", "SessionIn", 201),
    ("/api/sessions/{session_id}", "patch", "调整答辩会 / Change a session", "SessionIn", 200),
    ("/api/sessions/{session_id}/cancellation", "post", "取消答辩会 / Cancel a session", None, 200),
    ("/api/sessions/{session_id}/invitation.ics", "get", "答辩日历邀请 / Invitation (.ics)", None, 200),
    ("/api/sessions/free-slots", "get", "空闲时段 / Free slots (day, minutes, experts, room)", None, 200),
]


# operations answering a JSON array (of the objects their use cases describe)
LISTS = {
    ("/api/rounds", "get"),
    ("/api/rounds/{round_id}/panels", "get"),
    ("/api/rounds/{round_id}/ranking", "get"),
    ("/api/experts", "get"),
    ("/api/sessions/free-slots", "get"),
}


ID = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}  # every *_id is an INTEGER column
QUERIES = {
    ("/api/sessions/free-slots", "get"): [
        {"in": "query", "name": "day", "required": True, "schema": {"type": "string", "format": "date"}},
        {"in": "query", "name": "minutes", "schema": {"type": "integer", "minimum": SLOT_MINUTES[0],
                                                      "maximum": SLOT_MINUTES[1]},
         "description": "length of the slot (default 60)"},
        {"in": "query", "name": "experts", "schema": {"type": "string", "maxLength": 2000},
         "description": "user ids, comma separated"},
        {"in": "query", "name": "room", "schema": {"type": "string", "maxLength": 100}},
    ],
}


def _path_schema(name: str) -> dict[str, Any]:
    return dict(ID) if name.endswith("_id") and name != "expert_id" else {"type": "string"}


def _operation(path: str, method: str, summary: str, body: str | None, status: int) -> dict[str, Any]:
    params = [
        {"in": "path", "name": part[1:-1], "required": True, "schema": _path_schema(part[1:-1])}
        for part in path.split("/")
        if part.startswith("{")
    ] + QUERIES.get((path, method), [])
    media = "text/calendar" if path.endswith(".ics") else "application/json"
    shape = {"type": "array", "items": {"type": "object"}} if (path, method) in LISTS else {"type": "object"}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": ["expert review"],
        "parameters": params,
        "responses": {
            status: {"description": "OK", "content": {media: {"schema": shape}}},
            400: {"description": "Malformed request: a path or query parameter outside its schema", **error},
            401: {"description": "Not signed in", **error},
            403: {"description": "Not allowed", **error},
            404: {"description": "Absent or outside the caller's scope", **error},
            409: {"description": "State conflict (locked sheet, decided round …)", **error},
            422: {"description": "Invalid input, with field errors", **error},
        },
    }
    if body:
        schema = {"$ref": f"#/components/schemas/{body}"}
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    return operation


PATHS: dict[str, dict[str, Any]] = {}
for _path, _method, _summary, _body, _status in OPERATIONS:
    PATHS.setdefault(_path, {})[_method] = _operation(_path, _method, _summary, _body, _status)
