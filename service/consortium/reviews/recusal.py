"""Recusal (回避): which experts may not review an application, and why.

Pure functions over plain values, so the rule reads in one place (DOMAIN-NOTES §4.3): an expert is
conflicted when its current unit, or a unit it left within the last 3 years, is the lead unit or a
member; when it is the consortium's chief expert; or when it declared a relationship with a party.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...engine.calendar import add_years
from ..store.review_models import Expert, ExpertAffiliation, ExpertRelationship

LOOKBACK_YEARS = 3


@dataclass(frozen=True)
class Parties:
    """Who is on the other side: the lead unit, the member units, the chief expert."""

    application_no: str
    credit_codes: frozenset[str]
    chief_name: str | None = None
    chief_id_number: str | None = None


def parties_of(application_no: str, lead: str, members: list[str], chief: dict | None) -> Parties:
    chief = chief or {}
    return Parties(
        application_no=application_no,
        credit_codes=frozenset([lead, *members]),
        chief_name=(chief.get("name") or "").strip() or None,
        chief_id_number=(chief.get("id_number") or "").strip().upper() or None,
    )


def conflicts(
    expert: Expert,
    affiliations: list[ExpertAffiliation],
    relationships: list[ExpertRelationship],
    parties: Parties,
    today: date,
) -> list[str]:
    """The reasons `expert` must step aside for `parties` (empty: no conflict), bilingual."""
    reasons = []
    horizon = add_years(today, -LOOKBACK_YEARS)
    for a in affiliations:
        if a.credit_code not in parties.credit_codes:
            continue
        if a.until is None:
            reasons.append(f"现任职单位为申报方 / current unit {a.credit_code} is a party")
        elif a.until >= horizon:
            reasons.append(
                f"近三年内曾任职于申报方（至 {a.until.isoformat()}） / "
                f"worked for party {a.credit_code} until {a.until.isoformat()}, within 3 years"
            )
    if _is_chief(expert, parties):
        reasons.append("本人为该联合体首席专家 / the expert is the consortium's chief expert")
    for r in relationships:
        if r.credit_code in parties.credit_codes:
            reasons.append(
                f"申报了与申报方的关系（{r.kind}） / declared relationship ({r.kind}) with {r.credit_code}"
            )
    return reasons


def _is_chief(expert: Expert, parties: Parties) -> bool:
    """By identity number when both are known; by name only when one side has no number."""
    mine = (expert.id_number or "").strip().upper() or None
    if mine and parties.chief_id_number:
        return mine == parties.chief_id_number
    return bool(parties.chief_name) and expert.name.strip() == parties.chief_name
