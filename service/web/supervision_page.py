"""Supervision after filing, where staff look for it (issue 14, item 9): the "监管" section of a consortium's
page offers each action to the role that does it, and the city clerk opens evaluation rounds on a page of
its own. The same use cases as /api (service/api/supervision.py); each is audited there.

- city clerk: open an evaluation round (`/evaluation-rounds`), a credit-record entry, a lead-unit failure
  case, record and close projects;
- the consortium's lead unit: record a project, request dissolution, start a member change, and, once the
  filing expired, apply again (重新申报, `/registry/<id>/renewal`, the page the expiry notice names).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..actors import CITY_CLERK
from ..clock import local_today
from ..consortium import registry_list
from ..consortium.casefile import read_casefile
from ..consortium.supervision import (
    evaluations,
    integrity,
    lead_failure,
    member_changes,
    overview,
    progress,
    projects,
    renewals,
    support_measures,
)
from ..consortium.supervision.standing import SUPERVISED
from ..engine.inbox import next_task
from ..errors import Forbidden, InvalidInput
from .common import actor, context, login_required
from .i18n import bilingual, t

bp = Blueprint("web_supervision", __name__)


def consortium_page(
    consortium_id: int, *, form: str | None = None, values: dict | None = None, errors: dict | None = None,
    status: int = 200,
):
    """The consortium's page (`/registry/<id>`: members, filings, supervision, history); a refused
    supervision form (`form`) is shown again with its `values` and `errors`. NotFound outside the scope."""
    found = registry_list.read_detail(context(), consortium_id=consortium_id, actor=actor())
    history = (
        read_casefile(context(), instance_id=found.record.instance_id, actor=actor()).timeline
        if found.record.instance_id
        else []
    )
    supervision = section(consortium_id, found.record.lead_credit_code, found.record.status)
    supervision["lead_name"] = next(
        (name for code, name, *_ in found.members if code == found.record.lead_credit_code), ""
    )
    return render_template(
        "registry_detail.html", detail=found, history=history, sup=supervision, form=form,
        values=values or {}, errors=errors or {},
    ), status


def section(consortium_id: int, lead_credit_code: str, status: str) -> dict[str, Any]:
    """What the consortium page's supervision section shows and offers to the signed-in user."""
    me = actor()
    record = overview.supervision_record(context(), actor=me, consortium_id=consortium_id)
    lead = bool(me.org_credit_code) and me.org_credit_code == lead_credit_code
    return {
        "record": record,
        "lead": lead,
        "city": me.has(CITY_CLERK),
        "supervised": status in SUPERVISED,
        "renewable": lead and status == "expired",
        "levels": projects.LEVELS,
        "record_types": integrity.RECORD_TYPES,
        "today": local_today(context().now()).isoformat(),
        # 六 support measures and 七（一） progress reports (issue 14 items 10, 11: _support_progress.html)
        "modes": projects.MODES,
        "measure_kinds": support_measures.KINDS,
        "support": support_measures.list_support(context(), actor=me, consortium_id=consortium_id),
        "progress": progress.list_reports(context(), actor=me, consortium_id=consortium_id),
    }


def _values() -> dict[str, str]:
    return {k: (request.form.get(k) or "").strip() for k in request.form if k not in ("csrf_token", "idem")}


def _date(values: dict[str, str], name: str, *, required: bool = True) -> date | None:
    raw = values.get(name) or ""
    if not raw:
        if required:
            raise InvalidInput("请填写日期 / Give a date", {name: ["此项为必填项 / Required"]})
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            "日期格式应为 YYYY-MM-DD / Dates are YYYY-MM-DD", {name: ["日期格式有误 / YYYY-MM-DD expected"]}
        ) from None


def _amount(values: dict[str, str], name: str = "amount_wan") -> float | None:
    """The optional amount in 万元 typed in field `name`; InvalidInput naming it when not a number."""
    raw = values.get(name) or ""
    if not raw:
        return None
    try:
        amount = float(raw)
    except ValueError:
        amount = float("nan")
    if amount != amount:  # NaN: not a number
        raise InvalidInput("金额应为数字 / The amount must be a number", {name: ["应为数字 / A number"]})
    return amount


def _refused(consortium_id: int, form: str, values: dict[str, str], exc: InvalidInput):
    errors = {**(exc.fields or {}), "_": [bilingual(str(exc))]}
    if form == "project" and "name" in errors:  # labelled 项目名称 here, not an organisation's 单位名称
        errors["project_name"] = errors.pop("name")
    return consortium_page(consortium_id, form=form, values=values, errors=errors, status=422)


def _back(consortium_id: int, message: str):
    flash(message, "ok")
    return redirect(url_for("web_registry.detail", consortium_id=consortium_id) + "#supervision", code=303)


def _to_first_task(instance_id: str):
    following = next_task(context(), actor=actor(), instance_id=instance_id)
    if following:
        return redirect(url_for("web_task.show", task_id=following), code=303)
    return redirect(url_for("web_applications.show", instance_id=instance_id), code=303)


@bp.post("/registry/<int:consortium_id>/projects")
@login_required
def project_record(consortium_id: int):
    values = _values()
    try:
        projects.record_project(
            context(), actor=actor(), consortium_id=consortium_id, project_no=values.get("project_no", ""),
            name=values.get("name", ""), level=values.get("level", ""),
            started_on=_date(values, "started_on"), ends_on=_date(values, "ends_on", required=False),
            mode=values.get("mode") or None, amount_wan=_amount(values),
        )
    except InvalidInput as exc:
        return _refused(consortium_id, "project", values, exc)
    return _back(consortium_id, t("sup.project_recorded"))


@bp.post("/registry/<int:consortium_id>/projects/<int:project_id>/completion")
@login_required
def project_complete(consortium_id: int, project_id: int):
    projects.complete_project(context(), actor=actor(), project_id=project_id)
    return _back(consortium_id, t("sup.project_completed"))


@bp.post("/registry/<int:consortium_id>/support-measures")
@login_required
def support_measure_record(consortium_id: int):
    """The city clerk records a platform, talent programme or application scenario (六)."""
    values = _values()
    try:
        measure = support_measures.Measure(
            kind=values.get("kind", ""), name=values.get("name", ""), granted_on=_date(values, "granted_on"),
            level=values.get("level") or None, amount_wan=_amount(values), note=values.get("note") or None,
        )
        support_measures.record_measure(
            context(), actor=actor(), consortium_id=consortium_id, measure=measure
        )
    except InvalidInput as exc:
        errors = {**(exc.fields or {}), "_": [bilingual(str(exc))]}
        if "name" in errors:
            errors["measure_name"] = errors.pop("name")
        return consortium_page(consortium_id, form="measure", values=values, errors=errors, status=422)
    return _back(consortium_id, t("sup.measure_recorded"))


@bp.post("/registry/<int:consortium_id>/progress-reports")
@login_required
def progress_report(consortium_id: int):
    """The lead unit submits its progress report (七（一）)."""
    values = _values()
    try:
        progress.submit_report(context(), actor=actor(), consortium_id=consortium_id,
                               summary=values.get("summary", ""))
    except InvalidInput as exc:
        return _refused(consortium_id, "progress", values, exc)
    return _back(consortium_id, t("sup.progress_submitted"))


@bp.post("/registry/<int:consortium_id>/dissolution")
@login_required
def dissolution(consortium_id: int):
    values = _values()
    try:
        projects.request_dissolution(
            context(), actor=actor(), consortium_id=consortium_id, reason=values.get("reason", "")
        )
    except InvalidInput as exc:
        return _refused(consortium_id, "dissolution", values, exc)
    return _back(consortium_id, t("sup.dissolved"))


@bp.post("/registry/<int:consortium_id>/integrity-records")
@login_required
def integrity_record(consortium_id: int):
    values = _values()
    try:
        event = integrity.IntegrityEvent(
            subject_kind=values.get("subject_kind", ""), subject_id=values.get("subject_id", ""),
            subject_name=values.get("subject_name", ""), record_type=values.get("record_type", ""),
            description=values.get("description", ""), decision_document=values.get("decision_document", ""),
            decided_on=_date(values, "decided_on"),
            restriction_until=_date(values, "restriction_until", required=False),
            restricts=values.get("restricts") == "1", permanent=values.get("permanent") == "1",
            referral_authority=values.get("referral_authority") or None,
            referred_on=_date(values, "referred_on", required=False), consortium_id=consortium_id,
        )
        integrity.record_integrity_event(context(), actor=actor(), event=event)
    except InvalidInput as exc:
        return _refused(consortium_id, "integrity", values, exc)
    return _back(consortium_id, t("sup.integrity_recorded"))


@bp.post("/registry/<int:consortium_id>/member-changes")
@login_required
def member_change(consortium_id: int):
    reason = (request.form.get("reason") or "").strip()
    if not reason or len(reason) > 2000:
        exc = InvalidInput("请说明变更理由 / Give the reason for the change",
                           {"reason": ["此项为必填项，最长 2000 字 / Required, at most 2000 characters"]})
        return _refused(consortium_id, "member_change", dict(request.form), exc)
    started = member_changes.start_member_change(context(), actor=actor(), consortium_id=consortium_id,
                                                 reason=reason)
    return _to_first_task(started.id)


@bp.post("/registry/<int:consortium_id>/lead-failure-cases")
@login_required
def lead_failure_case(consortium_id: int):
    started = lead_failure.open_lead_failure_case(context(), actor=actor(), consortium_id=consortium_id)
    return _to_first_task(started.id)


@bp.get("/registry/<int:consortium_id>/renewal")
@login_required
def renewal(consortium_id: int):
    preview = renewals.renewal_preview(context(), actor=actor(), consortium_id=consortium_id)
    return render_template("renewal.html", consortium_id=consortium_id, preview=preview)


@bp.post("/registry/<int:consortium_id>/renewal")
@login_required
def renewal_start(consortium_id: int):
    preview = renewals.renewal_preview(context(), actor=actor(), consortium_id=consortium_id)
    started = renewals.start_renewal(context(), actor=actor(), filing_id=preview["filingId"])
    return _to_first_task(started.id)


def _round_page(values: dict[str, str], errors: dict, status: int = 200):
    if not actor().has(CITY_CLERK):
        raise Forbidden("只有市科技局可以开启绩效评价 / Only the city bureau opens evaluation rounds")
    return render_template("evaluation_round.html", values=values, errors=errors), status


@bp.get("/evaluation-rounds")
@login_required
def evaluation_round_form():
    return _round_page({}, {})


@bp.post("/evaluation-rounds")
@login_required
def evaluation_round_open():
    values = _values()
    try:
        days = values.get("hearing_working_days") or ""
        if days and not (days.isascii() and days.isdigit() and len(days) <= 4):
            problem = {"hearing_working_days": ["须为整数 / integer"]}
            raise InvalidInput("请填写整数 / A whole number", problem)
        extra = {"hearing_working_days": int(days)} if days else {}
        settings = evaluations.RoundSettings(
            title=values.get("title", ""), data_from=_date(values, "data_from"),
            data_until=_date(values, "data_until"), **extra,
        )
        opened = evaluations.open_evaluation_round(context(), actor=actor(), settings=settings)
    except InvalidInput as exc:
        return _round_page(values, {**(exc.fields or {}), "_": [bilingual(str(exc))]}, 422)
    flash(t("sup.round_opened", round_no=opened["roundNo"], count=len(opened["instances"])), "ok")
    return redirect(url_for("web_supervision.evaluation_round_form"), code=303)
