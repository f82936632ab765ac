"""`consortium supervision …`: supervision after filing from a terminal (issue 14, items 9–12).

The same use cases as the pages and /api, acting as the named user (`--as`, required: the audit trail
names who acted, and the use case checks what that user may do and see): open an evaluation round, make a
credit-record entry, open a lead-unit failure case; support measures (六: `support`, `support-measure`,
`project`, `project-complete`) and progress reports (七（一）: `progress`, `progress-report`).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click

from .bootstrap import build_context
from .errors import ServiceError

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _clerk(login: str):
    """The active user named `login` as an actor (exit 2 when there is none)."""
    from .engine.identities import actor_for

    found = actor_for(build_context(), login)
    if found is None:
        click.echo(f"error: no active user {login}", err=True)
        sys.exit(2)
    return found


def _fail(exc: ServiceError) -> None:
    click.echo(f"error: {exc}", err=True)
    for field, messages in getattr(exc, "fields", {}).items():
        click.echo(f"  {field}: {messages}", err=True)
    sys.exit(2)


def _show(found: Any) -> None:
    """Print what a listing use case returned as indented JSON (the /api operation's answer)."""
    click.echo(json.dumps(found, ensure_ascii=False, indent=2))


def _day(value) -> date | None:
    return value.date() if value is not None else None


@click.group("supervision")
def supervision_group() -> None:
    """Supervision after filing (绩效评价, 科研信用档案, 牵头单位履约失职处理)."""


@supervision_group.command("open-round")
@click.argument("title")
@click.option("--data-from", type=DATE, required=True, help="First day of the data period (YYYY-MM-DD).")
@click.option("--data-until", type=DATE, required=True, help="Last day of the data period (YYYY-MM-DD).")
@click.option("--hearing-days", type=int, default=None, help="Working days to state its case (陈述申辩).")
@click.option("--as", "login", required=True, help="The city clerk who opens it (audited under this name).")
def open_round(title: str, data_from, data_until, hearing_days: int | None, login: str) -> None:
    """Open evaluation round TITLE: one evaluation per consortium in force."""
    from .consortium.supervision.evaluations import RoundSettings, open_evaluation_round

    extra = {"hearing_working_days": hearing_days} if hearing_days is not None else {}
    settings = RoundSettings(title=title, data_from=_day(data_from), data_until=_day(data_until), **extra)
    try:
        opened = open_evaluation_round(build_context(), actor=_clerk(login), settings=settings)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"evaluation round {opened['roundNo']} opened: {len(opened['instances'])} evaluations started")


@supervision_group.command("credit-entry")
@click.argument("subject_id")
@click.argument("subject_name")
@click.option("--kind", "subject_kind", type=click.Choice(["org", "person"]), default="org")
@click.option("--type", "record_type", required=True, help="dishonesty|falsification|judicial_referral|other")
@click.option("--description", required=True)
@click.option("--document", "decision_document", required=True, help="The decision's document number.")
@click.option("--decided-on", type=DATE, required=True)
@click.option("--until", "restriction_until", type=DATE, default=None, help="Restricted until (inclusive).")
@click.option("--permanent", is_flag=True, help="A restriction without an end date.")
@click.option("--restricts", is_flag=True, help="No leading or core membership (needs --until/--permanent).")
@click.option("--referred-to", "referral_authority", default=None, help="Authority (judicial_referral).")
@click.option("--referred-on", type=DATE, default=None)
@click.option("--consortium", "consortium_id", type=int, default=None, help="The consortium it concerns.")
@click.option("--as", "login", required=True, help="The city clerk who enters it (audited under this name).")
def credit_entry(subject_id: str, subject_name: str, subject_kind: str, record_type: str, description: str,
                 decision_document: str, decided_on, restriction_until, permanent: bool, restricts: bool,
                 referral_authority: str | None, referred_on, consortium_id: int | None, login: str) -> None:
    """Enter SUBJECT_ID (credit code or ID number) named SUBJECT_NAME in the research credit record."""
    from .consortium.supervision.integrity import IntegrityEvent, record_integrity_event

    event = IntegrityEvent(
        subject_kind=subject_kind, subject_id=subject_id, subject_name=subject_name, record_type=record_type,
        description=description, decision_document=decision_document, decided_on=_day(decided_on),
        restriction_until=_day(restriction_until), restricts=restricts, permanent=permanent,
        referral_authority=referral_authority, referred_on=_day(referred_on), consortium_id=consortium_id,
    )
    try:
        entry_id = record_integrity_event(build_context(), actor=_clerk(login), event=event)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"credit-record entry {entry_id} made for {subject_id.strip().upper()}")


@supervision_group.command("lead-failure")
@click.argument("consortium_id", type=int)
@click.option("--as", "login", required=True, help="The city clerk who opens it (audited under this name).")
def lead_failure(consortium_id: int, login: str) -> None:
    """Open a lead-unit failure case against CONSORTIUM_ID; the decision is then the clerk's task."""
    from .consortium.supervision.lead_failure import open_lead_failure_case

    try:
        started = open_lead_failure_case(build_context(), actor=_clerk(login), consortium_id=consortium_id)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"lead-unit failure case {started.business_key} opened ({started.id})")


# --- support measures (六) and progress reports (七（一）), issue 14 items 10 and 11 -------------------


@supervision_group.command("support")
@click.argument("consortium_id", type=int)
@click.option("--as", "login", required=True, help="Who reads it (anyone who sees the consortium).")
def support(consortium_id: int, login: str) -> None:
    """List CONSORTIUM_ID's projects and support measures (GET /api/consortia/{id}/support)."""
    from .consortium.supervision.support_measures import list_support

    try:
        found = list_support(build_context(), actor=_clerk(login), consortium_id=consortium_id)
    except ServiceError as exc:
        _fail(exc)
    _show(found)


@supervision_group.command("support-measure")
@click.argument("consortium_id", type=int)
@click.option("--kind", required=True, help="platform (平台) | talent (人才计划) | scenario (应用场景)")
@click.option("--name", required=True)
@click.option("--granted-on", type=DATE, required=True)
@click.option("--level", default=None, help="national | provincial | city | other")
@click.option("--amount", "amount_wan", type=float, default=None, help="Amount in 万元.")
@click.option("--note", default=None)
@click.option("--as", "login", required=True, help="The city clerk who records it (audited under this name).")
def support_measure(consortium_id: int, kind: str, name: str, granted_on, level: str | None,
                    amount_wan: float | None, note: str | None, login: str) -> None:
    """Record a support measure for CONSORTIUM_ID (POST /api/consortia/{id}/support-measures)."""
    from .consortium.supervision.support_measures import Measure, record_measure

    measure = Measure(kind=kind, name=name, granted_on=_day(granted_on), level=level, amount_wan=amount_wan,
                      note=note)
    try:
        measure_id = record_measure(build_context(), actor=_clerk(login), consortium_id=consortium_id,
                                    measure=measure)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"support measure {measure_id} recorded")


@supervision_group.command("project")
@click.argument("consortium_id", type=int)
@click.argument("project_no")
@click.argument("name")
@click.option("--level", required=True, help="national | provincial | city | other")
@click.option("--started-on", type=DATE, required=True)
@click.option("--ends-on", type=DATE, default=None)
@click.option("--mode", default=None, help="open (公开竞争) | special (专项组织) | challenge (揭榜挂帅)")
@click.option("--amount", "amount_wan", type=float, default=None, help="Amount in 万元.")
@click.option("--as", "login", required=True, help="A city clerk or the lead unit's user.")
def project(consortium_id: int, project_no: str, name: str, level: str, started_on, ends_on,
            mode: str | None, amount_wan: float | None, login: str) -> None:
    """Record project PROJECT_NO named NAME for CONSORTIUM_ID (POST /api/consortia/{id}/projects)."""
    from .consortium.supervision.projects import record_project

    try:
        project_id = record_project(
            build_context(), actor=_clerk(login), consortium_id=consortium_id, project_no=project_no,
            name=name, level=level, started_on=_day(started_on), ends_on=_day(ends_on), mode=mode,
            amount_wan=amount_wan,
        )
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"project {project_id} recorded")


@supervision_group.command("project-complete")
@click.argument("project_id", type=int)
@click.option("--as", "login", required=True, help="The city clerk who records it (audited under this name).")
def project_complete(project_id: int, login: str) -> None:
    """Record that PROJECT_ID ended (结题; POST /api/projects/{id}/completion)."""
    from .consortium.supervision.projects import complete_project

    try:
        complete_project(build_context(), actor=_clerk(login), project_id=project_id)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"project {project_id} completed")


@supervision_group.command("progress")
@click.argument("consortium_id", type=int)
@click.option("--as", "login", required=True, help="Who reads them (the units, the district, the city).")
def progress_list(consortium_id: int, login: str) -> None:
    """List CONSORTIUM_ID's progress reports and the next due date (GET …/progress-reports)."""
    from .consortium.supervision.progress import list_reports

    try:
        found = list_reports(build_context(), actor=_clerk(login), consortium_id=consortium_id)
    except ServiceError as exc:
        _fail(exc)
    _show(found)


@supervision_group.command("progress-report")
@click.argument("consortium_id", type=int)
@click.option("--summary", required=True, help="The report (10–20000 characters).")
@click.option("--as", "login", required=True, help="The lead unit's user who submits it.")
def progress_report(consortium_id: int, summary: str, login: str) -> None:
    """Submit the lead unit's progress report for the earliest unanswered period (POST …/progress-reports)."""
    from .consortium.supervision.progress import submit_report

    try:
        done = submit_report(build_context(), actor=_clerk(login), consortium_id=consortium_id,
                             summary=summary)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"progress report {done['id']} submitted for the period ending {done['dueOn']}")


# --- third-party evaluation agencies (七（二）), issue 14 item 12 -------------------------------------------


@supervision_group.command("agencies")
@click.option("--all", "include_inactive", is_flag=True, help="Withdrawn agencies too.")
def agency_list(include_inactive: bool) -> None:
    """List the registered third-party evaluation agencies (GET /api/evaluation-agencies)."""
    from .consortium.supervision.agencies import list_agencies

    _show(list_agencies(build_context(), include_inactive=include_inactive))


@supervision_group.command("agency-register")
@click.argument("credit_code")
@click.option("--qualification", required=True, help="Its qualification and track record.")
@click.option("--name", default=None, help="Needed when the unit is not in the organisation register.")
@click.option("--category", default="other", help="enterprise | institute | other (for the register).")
@click.option("--district", default=None, help="Its 区（市、功能区） (for the register).")
@click.option("--contact", default=None)
@click.option("--as", "login", required=True, help="The city clerk who registers it (audited).")
def agency_register(credit_code: str, qualification: str, name: str | None, category: str,
                    district: str | None, contact: str | None, login: str) -> None:
    """Register CREDIT_CODE as a third-party evaluation agency (POST /api/evaluation-agencies)."""
    from .consortium.supervision.agencies import register_agency

    try:
        made = register_agency(build_context(), actor=_clerk(login), credit_code=credit_code,
                               qualification=qualification, name=name, category=category,
                               district=district, contact=contact)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"evaluation agency {made['creditCode']} {made['name']} registered")


@supervision_group.command("agency-active")
@click.argument("credit_code")
@click.option("--active/--withdrawn", required=True, help="Reinstate it or withdraw it from evaluations.")
@click.option("--as", "login", required=True, help="The city clerk (audited under this name).")
def agency_active(credit_code: str, active: bool, login: str) -> None:
    """Withdraw or reinstate agency CREDIT_CODE (PATCH /api/evaluation-agencies/{credit_code})."""
    from .consortium.supervision.agencies import set_agency_active

    try:
        found = set_agency_active(build_context(), actor=_clerk(login), credit_code=credit_code,
                                  active=active)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"evaluation agency {found['creditCode']} {'active' if found['active'] else 'withdrawn'}")


@supervision_group.command("assign-agency")
@click.argument("instance_id")
@click.argument("credit_code")
@click.option("--as", "login", required=True, help="The city clerk who entrusts it (audited).")
def assign_agency(instance_id: str, credit_code: str, login: str) -> None:
    """Entrust evaluation INSTANCE_ID to agency CREDIT_CODE (POST /api/evaluations/{id}/agency)."""
    from .consortium.supervision.agencies import assign_agency as entrust

    try:
        done = entrust(build_context(), actor=_clerk(login), instance_id=instance_id, credit_code=credit_code)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"evaluation {instance_id} entrusted to {done['agency']} (task {done['taskId']})")


@supervision_group.command("agency-evaluations")
@click.option("--as", "login", required=True, help="An agency's user (its own) or a city clerk (all).")
def agency_evaluations(login: str) -> None:
    """List the evaluations entrusted to agencies, as LOGIN may see them (GET /api/agency-evaluations)."""
    from .consortium.supervision.agencies import list_assignments

    try:
        found = list_assignments(build_context(), actor=_clerk(login))
    except ServiceError as exc:
        _fail(exc)
    _show(found)
