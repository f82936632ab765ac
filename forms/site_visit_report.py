"""Task_SiteVisitReport: the city clerk records the site visit (现场考察)."""

from __future__ import annotations

from marshmallow import fields, validate

from .base import FormSchema, label
from .fields import IsoDate, StrictBoolean, Text
from .messages import Msg


class SiteVisitReportForm(FormSchema):
    form_key = "site_visit_report"
    title_zh = "现场考察报告"
    title_en = "Site visit report"

    visit_date = IsoDate(required=True, metadata=label("考察日期", "Visit date"))
    location = Text(required=True, max_length=200, metadata=label("考察地点", "Location"))
    participants = fields.List(
        Text(required=True, max_length=100),
        required=True,
        validate=validate.Length(min=1, error=Msg("请列出参加人员", "List the participants.")),
        metadata=label("参加人员", "Participants"),
    )
    findings = Text(required=True, max_length=20000, metadata=label("考察情况", "Findings"))
    passed = StrictBoolean(required=True, metadata=label("是否通过", "Passed"))
