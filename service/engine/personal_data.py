"""Personal identifiers in process variables: masked for whoever is not entitled to them (breakit F16).

What counts as a personal identifier: a string stored under a key ending in `id_number` (resident ID
and other identity document numbers, e.g. `chief_expert.id_number`) or in `phone`/`mobile` (a person's
phone number, e.g. `consortium_head.phone`, `contact_phone`), at any depth of a variable's value, and a
top-level variable of such a name. Masked as the case file and the audit trail show them
(1101**********002X; PIPL Art. 28: sensitive personal information only to whom it is necessary).

Who is entitled to the full value (the pages' rule: the case file masks the number for every reader;
only the one who entered it and the supervising authority work with it): the city clerks and
administrators (they check it against the credit register, 科研信用档案), the lead unit that owns the
instance (it entered the data and corrects it) and the user who started the instance. Every other
reader (member units, district clerks, experts, process owners) gets the masked copy, on every variable
read path of the engine (extension_runtime.filter_variables applies `for_reader` last).

A write can never replace a stored identifier by its masked copy (`restore_masked`): a value sent back
as read keeps the stored number; a masked-looking value that is not the stored one's mask is refused.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..actors import ADMIN, APPLICANT, CITY_CLERK, Actor
from ..errors import InvalidInput
from .store.models import ProcessInstance

SUFFIXES = ("id_number", "phone", "mobile")
MASK_CHAR = "*"


def is_identifier(key: str) -> bool:
    """True for a key whose string value is a personal identifier (see the module docstring)."""
    return isinstance(key, str) and key.lower().endswith(SUFFIXES)


def mask(number: str) -> str:
    """'11010519491231002X' -> '1101**********002X'; 8 characters or fewer are masked whole."""
    if len(number) > 8:
        return number[:4] + MASK_CHAR * (len(number) - 8) + number[-4:]
    return MASK_CHAR * len(number)


def masked_value(value: Any) -> Any:
    """A copy of `value` with every identifier under an identifier key masked (dicts and lists, any depth)."""
    if isinstance(value, dict):
        return {
            k: mask(v) if is_identifier(k) and isinstance(v, str) else masked_value(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [masked_value(v) for v in value]
    return value


def masked_variables(variables: dict[str, Any]) -> dict[str, Any]:
    """`{name: value}` with identifiers masked, including a top-level variable named like one."""
    return {
        name: mask(value) if is_identifier(name) and isinstance(value, str) else masked_value(value)
        for name, value in variables.items()
    }


def entitled(session: Session, instance_id: str, actor: Actor) -> bool:
    """Whether `actor` may read the instance's personal identifiers in full (see the module docstring)."""
    if actor.has(CITY_CLERK, ADMIN):
        return True
    row = session.get(ProcessInstance, instance_id)
    if row is None:
        return False
    if row.started_by is not None and row.started_by == actor.id:
        return True
    return bool(
        actor.has(APPLICANT) and actor.org_credit_code and row.lead_credit_code
        and actor.org_credit_code == row.lead_credit_code
    )


def for_reader(session: Session, instance_id: str, actor: Actor, variables: dict[str, Any]) -> dict[str, Any]:
    """The variables as `actor` may read them: unchanged when entitled, else masked."""
    if entitled(session, instance_id, actor):
        return variables
    return masked_variables(variables)


def restore_masked(stored: dict[str, Any], modifications: dict[str, Any]) -> dict[str, Any]:
    """`modifications` with every masked identifier replaced by the stored value it masks.

    Raises:
        InvalidInput: `{variable name: [message]}` for an identifier containing '*' that is not the
            mask of the stored value at the same place (it would corrupt or forge the number).
    """
    out: dict[str, Any] = {}
    for name, value in modifications.items():
        problem: list[str] = []
        if is_identifier(name) and isinstance(value, str):
            out[name] = _restore_one(stored.get(name), value, name, problem)
        else:
            out[name] = _restore(stored.get(name), value, name, problem)
        if problem:
            raise InvalidInput(
                f"{name}: 个人身份信息不能写入遮蔽值 / a masked personal identifier cannot be written "
                f"({problem[0]})",
                {name: [f"个人身份信息不能写入遮蔽值 / masked identifier at {problem[0]}"]},
            )
    return out


def _restore(stored: Any, value: Any, path: str, problem: list[str]) -> Any:
    if isinstance(value, dict):
        base = stored if isinstance(stored, dict) else {}
        return {
            k: _restore_one(base.get(k), v, f"{path}.{k}", problem)
            if is_identifier(k) and isinstance(v, str) else _restore(base.get(k), v, f"{path}.{k}", problem)
            for k, v in value.items()
        }
    if isinstance(value, list):
        base = stored if isinstance(stored, list) else []
        return [
            _restore(base[i] if i < len(base) else None, v, f"{path}[{i}]", problem)
            for i, v in enumerate(value)
        ]
    return value


def _restore_one(stored: Any, value: str, path: str, problem: list[str]) -> str:
    if MASK_CHAR not in value:
        return value
    if isinstance(stored, str) and mask(stored) == value:
        return stored
    problem.append(path)
    return value
