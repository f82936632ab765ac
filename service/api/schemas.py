"""Marshmallow schemas of /api responses: they serialize the records and generate the OpenAPI document,
so the document cannot drift from what the endpoints return."""

from __future__ import annotations

from marshmallow import Schema, fields

from .strict import StrictInteger


class ErrorSchema(Schema):
    error = fields.String(
        required=True, metadata={"description": "NotFound, Forbidden, Conflict, InvalidInput …"}
    )
    message = fields.String(required=True, metadata={"description": "中文 / English"})
    fields_ = fields.Dict(
        data_key="fields", metadata={"description": "field -> messages (InvalidInput only)"}
    )


class OrganisationSchema(Schema):
    creditCode = fields.String(
        required=True,
        attribute="credit_code",
        metadata={"description": "统一社会信用代码 / Unified social credit code"},
    )
    name = fields.String(required=True)
    category = fields.String(
        required=True, metadata={"enum": ["enterprise", "university", "institute", "other"]}
    )
    district = fields.String(allow_none=True)
    verification = fields.String(
        metadata={"enum": ["verified", "pending"], "description": "待核实的单位不计入成员数量要求"}
    )


class MemberSchema(Schema):
    creditCode = fields.String(required=True, attribute="credit_code")
    role = fields.String(required=True, metadata={"enum": ["lead", "core", "general"]})
    category = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["invited", "confirmed", "declined"]})


class FilingSummarySchema(Schema):
    filingNo = fields.String(required=True, attribute="filing_no", metadata={"description": "备案编号"})
    validFrom = fields.Date(required=True, attribute="valid_from")
    validUntil = fields.Date(required=True, attribute="valid_until")
    status = fields.String(required=True, metadata={"enum": ["filed", "expired", "revoked"]})
    filedAt = fields.DateTime(required=True, attribute="filed_at")


class ConsortiumSchema(Schema):
    id = StrictInteger(required=True)
    applicationNo = fields.String(
        required=True, attribute="application_no", metadata={"description": "申请编号"}
    )
    name = fields.String(allow_none=True)
    industry = fields.String(allow_none=True)
    leadCreditCode = fields.String(required=True, attribute="lead_credit_code")
    district = fields.String(allow_none=True)
    status = fields.String(required=True)
    step = fields.String(allow_none=True, metadata={"description": "open BPMN element ids, comma separated"})
    processInstanceId = fields.String(allow_none=True, attribute="instance_id")
    createdAt = fields.DateTime(required=True, attribute="created_at")
    updatedAt = fields.DateTime(required=True, attribute="updated_at")


class ConsortiumDetailSchema(ConsortiumSchema):
    chiefExpert = fields.String(allow_none=True, attribute="chief_expert_name")
    members = fields.List(fields.Nested(MemberSchema), required=True)
    filings = fields.List(fields.Nested(FilingSummarySchema), required=True)


class FilingSchema(FilingSummarySchema):
    consortiumId = StrictInteger(required=True, attribute="consortium_id")
    consortiumName = fields.String(allow_none=True, attribute="consortium_name")
    applicationNo = fields.String(required=True, attribute="application_no")
    leadCreditCode = fields.String(required=True, attribute="lead_credit_code")


class InstanceStateSchema(Schema):
    """Documents `engine.instances.get_instance` (the view returns that dictionary as it is)."""

    id = fields.String(required=True)
    definitionId = fields.String(required=True)
    definitionKey = fields.String(required=True)
    businessKey = fields.String(allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["active", "completed", "incident"]})
    endElementId = fields.String(allow_none=True)
    startedAt = fields.DateTime(required=True)
    endedAt = fields.DateTime(allow_none=True)
    variables = fields.Dict(required=True)
    activities = fields.List(fields.Dict(), required=True)
    tasks = fields.List(fields.Dict(), required=True)
    timers = fields.List(fields.Dict(), required=True)


class NotificationSchema(Schema):
    """An in-app notification: a reminder, an overdue task, an escalation, an invitation."""

    id = StrictInteger()
    kind = fields.String()
    subject = fields.String()
    body = fields.String()
    instance_id = fields.String(data_key="instanceId", allow_none=True)
    task_id = fields.String(data_key="taskId", allow_none=True)
    created_at = fields.DateTime(data_key="createdAt")
    read_at = fields.DateTime(data_key="readAt", allow_none=True)
