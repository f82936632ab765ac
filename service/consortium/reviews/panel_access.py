"""Who sees a panel and the application behind it.

Clerks see everything. An expert sees the parties of an application it was drawn for (to judge a
conflict), and the material only after signing its declaration; a conflicted or replaced expert gets
NotFound, as if the application did not exist. Applicants do not learn who reviews them until the
round's results are published.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from ...actors import CITY_CLERK, EXPERT, Actor
from ...context import Context
from ...engine.store import instances
from ...engine.store.models import ProcessInstance
from ...errors import NotFound
from ..store import consortia, reviews
from ..store.inbox import organisation_names
from ..store.review_models import PanelOpinion
from ..store.reviewer_secrecy import ReviewerSecrecy
from .panels import parties_of, seated_experts

CHINESE_NUMERALS = "一二三四五六七八九十"


def expert_label(n: int) -> str:
    """专家一、专家二 …: how an expert is named to whoever may not know who it is (breakit F15); the
    numbering of expert review documents, the same in either language."""
    zh = CHINESE_NUMERALS[n - 1] if 1 <= n <= 10 else (
        f"十{CHINESE_NUMERALS[n - 11]}" if 11 <= n <= 19 else str(n))
    return f"专家{zh}"


# Variables naming who reviews (whole values dropped for applicants, members and districts): the drawn
# panel, the multi-instance collections of the expert review and of a panel-run performance evaluation,
# and their element variables (`desk`, `sheet`: {"expert": user id}).
PANEL_VARIABLES = (
    "panel", "panel_id", "desk_reviews", "defense_sheets", "evaluation_sheets", "desk", "sheet",
)
# Lists of user ids in which each expert is replaced by its label (专家一…) for whoever may not know it:
# the site-visit report's 参加人员 (forms/site_visit_report.py); clerks among them stay named.
NAMED_VARIABLES = ("participants",)
MATERIAL = (
    "consortium_name",
    "industry",
    "key_technology",
    "market_need",
    "invited_members",
    "threshold_justification",
    "agreement",
    "chief_expert",
    "plan",
)


def grant_panel(session: Session, instance_id: str) -> None:
    """Let the declared experts of a confirmed panel see the instance (called on every save)."""
    panel = reviews.find_panel_of(session, instance_id)
    if panel is None or panel.confirmed_at is None:
        return
    for expert_id in seated_experts(session, instance_id):
        instances.grant(session, instance_id, "user", expert_id)


def results_published(session: Session, instance_id: str) -> bool:
    entry = reviews.find_entry(session, instance_id)
    if entry is None:
        return False
    # its own selection (rolling intake) or its round's decision
    published = reviews.get_round(session, entry.round_id).results_published_at
    return entry.outcome is not None or published is not None


def redact_variables(session: Session, instance_id: str, actor: Actor, variables: dict) -> dict:
    """Drop who-reviews-whom from what applicants, members and district clerks see (always: breakit F15);
    an expert keeps the panel variables with itself only until the results are published
    (store/reviewer_secrecy.py). The site-visit participants stay, each hidden expert by its label."""
    if not any(name in variables for name in (*PANEL_VARIABLES, *NAMED_VARIABLES)):  # nothing to hide
        return variables
    secrecy = ReviewerSecrecy(session, actor)
    if secrecy.sees_panel(instance_id):
        return variables
    seen = dict(variables)
    for key in NAMED_VARIABLES:
        if isinstance(seen.get(key), list):
            seen[key] = anonymised(session, secrecy, instance_id, seen[key])
    if not actor.has(EXPERT):
        return {k: v for k, v in seen.items() if k not in PANEL_VARIABLES}
    if isinstance(seen.get("panel"), list):
        seen["panel"] = [e for e in seen["panel"] if secrecy.shows(instance_id, e)]
    for key in ("desk_reviews", "defense_sheets", "evaluation_sheets"):
        if isinstance(seen.get(key), list):
            seen[key] = [
                item
                for item in seen[key]
                if not isinstance(item, dict) or secrecy.shows(instance_id, item.get("expert"))
            ]
    for key in ("desk", "sheet"):
        if isinstance(seen.get(key), dict) and not secrecy.shows(instance_id, seen[key].get("expert")):
            del seen[key]
    return seen


def panel_order(session: Session, instance_id: str) -> list[str]:
    """The application's experts in the order their labels number them: the panel opinion's order
    (panel_opinion.generate: the seated experts, sorted) once generated, else the seated experts sorted,
    so 专家二 is the same person in the opinion and in the site-visit report."""
    panel = reviews.find_panel_of(session, instance_id)
    opinion = session.get(PanelOpinion, panel.id) if panel is not None else None
    if opinion is not None:
        experts = json.loads(opinion.content_json or "{}").get("experts") or []
        return [e for e in experts if isinstance(e, str)]
    return sorted(seated_experts(session, instance_id))


def anonymised(session: Session, secrecy: ReviewerSecrecy, instance_id: str,
               user_ids: list[Any]) -> list[Any]:
    """`user_ids` with each expert the viewer may not know replaced by its label (专家一、专家二…; an
    expert outside the panel's order, e.g. one replaced later, numbered after it); other ids unchanged."""
    order: list[str] | None = None
    shown = []
    for user_id in user_ids:
        if not isinstance(user_id, str) or secrecy.shows(instance_id, user_id):
            shown.append(user_id)
            continue
        if order is None:
            order = panel_order(session, instance_id)
        if user_id not in order:
            order.append(user_id)
        shown.append(expert_label(order.index(user_id) + 1))
    return shown


def describe_panel(ctx: Context, *, panel_id: int, actor: Actor) -> dict[str, Any]:
    """The panel as the caller may see it (clerk: all; seated expert: its seat and the parties)."""
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        panel = reviews.get_panel(session, panel_id)
        row = session.get(ProcessInstance, panel.instance_id)
        record = consortia.find_by_instance(session, row.id)
        view = {
            "panelId": panel.id,
            "roundId": panel.round_id,
            "applicationNo": panel.application_no,
            "consortiumName": record.name,
            "field": panel.field,
            "confirmed": panel.confirmed_at is not None,
        }
        if actor.has(CITY_CLERK, "admin"):
            view["seats"] = [_seat_view(s) for s in reviews.seats_of(session, panel.id)]
            view["seed"] = panel.seed
            return view
        seat = reviews.seat_of(session, panel.id, actor.id)
        if actor.has(EXPERT) and seat is not None and seat.role == "member" and seat.status != "removed":
            parties = parties_of(session, row)
            names = organisation_names(session, set(parties.credit_codes))
            view["parties"] = {
                "creditCodes": sorted(parties.credit_codes),
                "organisations": [  # the lead unit first, then the members by code (issue 17 item 12)
                    {"creditCode": code, "name": names.get(code)}
                    for code in sorted(parties.credit_codes, key=lambda c: (c != record.lead_credit_code, c))
                ],
                "chiefExpert": parties.chief_name,
            }
            view["seat"] = _seat_view(seat)
            return view
        if results_published(session, row.id) and visible(session, row.id, actor):
            # applicants, members and districts learn how many sat, never who (breakit F15)
            view["members"] = [expert_label(n) for n, _ in
                               enumerate(reviews.members_of(session, panel.id), start=1)]
            return view
        # the same answer as for a panel that does not exist: never the instance id (report-a finding 11)
        raise NotFound(reviews.PANEL_NOT_FOUND.format(id=panel_id))


def visible(session: Session, instance_id: str, actor: Actor) -> bool:
    """Whether `actor` may see the instance; for resources found by another id (a panel, an application
    number), which answer their own "does not exist" rather than the instance's (report-a finding 11)."""
    try:
        instances.get_visible(session, instance_id, actor)
    except NotFound:
        return False
    return True


def _seat_view(seat) -> dict[str, Any]:
    return {
        "expert": seat.expert_id,
        "position": seat.position,
        "role": seat.role,
        "status": seat.status,
        "declaredAt": seat.declared_at.isoformat() if seat.declared_at else None,
        "removedReason": seat.removed_reason,
        "replacedBy": seat.replaced_by,
    }


def panels_of_round(ctx: Context, *, round_id: int, actor: Actor) -> list[dict[str, Any]]:
    """Clerks: every panel of the round; experts: the panels they hold a seat on."""
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        reviews.get_round(session, round_id)
        found = []
        for entry in reviews.entries_of(session, round_id):
            panel = reviews.find_panel_of(session, entry.instance_id)
            if panel is None:
                continue
            seat = reviews.seat_of(session, panel.id, actor.id)
            if actor.has(CITY_CLERK, "admin") or (
                seat and seat.role == "member" and seat.status != "removed"
            ):
                found.append({"panelId": panel.id, "applicationNo": panel.application_no})
        return found


def review_file(ctx: Context, *, application_no: str, actor: Actor) -> dict[str, Any]:
    """The application's material for its reviewers (NotFound for anyone not seated and declared)."""
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        record = consortia.find_by_application(session, application_no)
        missing = NotFound(f"申请不存在 / Application {application_no} does not exist")
        if record is None or record.instance_id is None:
            raise missing
        if not actor.has(CITY_CLERK, "admin") and actor.id not in seated_experts(session, record.instance_id):
            raise missing
        if not visible(session, record.instance_id, actor):
            raise missing
        row = session.get(ProcessInstance, record.instance_id)
        variables = json.loads(row.variables_json or "{}")
        return {
            "applicationNo": application_no,
            "leadCreditCode": record.lead_credit_code,
            "members": [{"creditCode": m.credit_code, "category": m.category} for m in record.members],
            **{key: variables.get(key) for key in MATERIAL},
        }
