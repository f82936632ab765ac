"""The experts' findings count (issue 13 item 4; guideline 五（六）: 专家审查、现场考察、答辩评审).

A failed site visit (`passed` false on the site-visit report), or a majority of the desk reviews
returned marking the application "not recommended" (`recommend` false in `desk_reviews`), keeps the
application out of the round's selection (`selection.decide_selection`) unless the city clerk overrides
the findings with a written reason (`override_findings`: stored on the round entry, audited, and shown
in the case file through `casefile.read_casefile`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from ...actors import CITY_CLERK, Actor
from ...context import Context
from ...engine.store import audit
from ...engine.store.models import ProcessInstance
from ...errors import Conflict, Forbidden, InvalidInput, NotFound
from ..store import consortia, reviews
from ..store.review_models import RoundEntry

MIN_REASON = 10  # characters: a written reason, not a tick


@dataclass(frozen=True)
class Findings:
    """What the experts found: `site_visit_failed`, desk reviews `not_recommended` of `desk_reviewed`;
    `blocking` lists why the application may not be selected (bilingual), empty when nothing blocks."""

    site_visit_failed: bool
    not_recommended: int
    desk_reviewed: int
    blocking: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "siteVisitFailed": self.site_visit_failed,
            "notRecommended": self.not_recommended,
            "deskReviewed": self.desk_reviewed,
            "blocking": list(self.blocking),
        }


def findings_of(variables: dict[str, Any]) -> Findings:
    """The findings in an application's process variables (`passed`, `desk_reviews`)."""
    reviewed = [d for d in variables.get("desk_reviews") or [] if isinstance(d, dict) and "recommend" in d]
    against = sum(1 for d in reviewed if d.get("recommend") is False)
    failed = variables.get("passed") is False
    blocking = []
    if failed:
        blocking.append("现场考察未通过 / the site visit failed")
    if reviewed and against * 2 > len(reviewed):
        blocking.append(
            f"专家审查多数不推荐（{against}/{len(reviewed)}） / most desk reviews do not recommend it "
            f"({against} of {len(reviewed)})"
        )
    return Findings(failed, against, len(reviewed), tuple(blocking))


def findings_for(session: Session, instance_id: str) -> Findings:
    """The findings of the application whose recommendation instance is `instance_id`."""
    row = session.get(ProcessInstance, instance_id)
    return findings_of(json.loads(row.variables_json or "{}") if row else {})


def override_of(entry: RoundEntry | None) -> dict[str, Any] | None:
    """The clerk's override on a round entry as {"reason", "by", "at"}, or None."""
    if entry is None or not entry.findings_override_reason:
        return None
    return {
        "reason": entry.findings_override_reason,
        "by": entry.findings_override_by,
        "at": entry.findings_override_at.isoformat() if entry.findings_override_at else None,
    }


def selectable(session: Session, entry: RoundEntry) -> tuple[bool, Findings]:
    """(may be selected, the findings): blocked findings count unless overridden."""
    found = findings_for(session, entry.instance_id)
    return (not found.blocking or override_of(entry) is not None), found


def override_findings(ctx: Context, *, application_no: str, actor: Actor, reason: str) -> dict[str, Any]:
    """The city clerk lets an application the experts' findings block be selected, with a written reason.

    Returns {"applicationNo", "findings", "override": {"reason", "by", "at"}}.

    Raises:
        Forbidden: not a city clerk.
        InvalidInput: `reason` missing or shorter than MIN_REASON characters.
        NotFound: no such application in a round.
        Conflict: nothing blocks it, or its round's selection was already decided.
    """
    if not actor.has(CITY_CLERK):
        raise Forbidden("只有市科技局可以另行裁量专家结论 / Only the city bureau may override the findings")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise InvalidInput(
            "须书面说明理由 / A written reason is required",
            {"reason": [f"至少 {MIN_REASON} 字 / at least {MIN_REASON} characters"]},
        )
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        record = consortia.find_by_application(session, application_no)
        entry = reviews.find_entry(session, record.instance_id) if record and record.instance_id else None
        if entry is None:
            raise NotFound(
                f"未找到批次中的申请 {application_no} / No application {application_no} in a round"
            )
        if entry.outcome is not None or reviews.get_round(session, entry.round_id).status == "decided":
            raise Conflict("本批次已确定拟备案名单 / The round's selection was already decided")
        found = findings_for(session, entry.instance_id)
        if not found.blocking:
            raise Conflict("专家结论不妨碍遴选，无须另行裁量 / Nothing in the findings blocks the selection")
        entry.findings_override_reason = reason
        entry.findings_override_by = actor.id
        entry.findings_override_at = now
        audit.record(
            session,
            actor=actor,
            action="selection.findings_overridden",
            at=now,
            instance_id=entry.instance_id,
            detail={"reason": reason, "findings": list(found.blocking)},
        )
        uow.commit()
        return {"applicationNo": application_no, "findings": found.as_dict(), "override": override_of(entry)}
