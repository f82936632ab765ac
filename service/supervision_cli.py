"""`consortium supervision …`: the city clerk's supervision actions from a terminal (issue 14, item 9).

The same use cases as the pages and /api, acting as the named clerk (`--as`, required: the audit trail
names who decided): open an evaluation round, make a credit-record entry, open a lead-unit failure case.
"""

from __future__ import annotations

import sys
from datetime import date

import click

from .bootstrap import build_context
from .errors import ServiceError

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _clerk(login: str):
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
