"""The organisation register (单位登记): units that may lead, join or be named by users' accounts.

`register_organisation` records a unit; `organisation_problem` is the domain's `organisation_checks`
hook (domain_plugin.py): the generic user administration (engine/identities.py) asks it whether a new
user's organisation exists, without knowing the register.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..actors import Actor
from ..context import Context
from ..engine.store import audit
from .store import consortia


def register_organisation(
    ctx: Context,
    *,
    credit_code: str,
    name: str,
    category: str,
    district: str | None = None,
    actor: Actor | None = None,
) -> None:
    """Record the unit (or update its name, category and district), audited."""
    with ctx.unit_of_work() as uow:
        consortia.ensure_organisation(
            uow.session, credit_code=credit_code, name=name, category=category, district=district
        )
        audit.record(
            uow.session,
            actor=actor,
            action="organisation.registered",
            at=ctx.now(),
            detail={"credit_code": credit_code, "name": name},
        )
        uow.commit()


def organisation_problem(session: Session, credit_code: str) -> str | None:
    """Why a user may not belong to `credit_code` (no such registered unit), or None."""
    if consortia.find_organisation(session, credit_code) is None:
        return f"单位未登记 / No organisation with credit code {credit_code}"
    return None
