"""Personal identifiers in process variables: masked for whoever is not entitled to them (breakit F16).

What counts as a personal identifier: any value stored under a key ending in `id_number` (resident ID
and other identity document numbers, e.g. `chief_expert.id_number`) or in `phone`/`mobile` (a person's
phone number, e.g. `consortium_head.phone`, `contact_phone`), at any depth of a variable's value, and a
top-level variable of such a name, whatever its type: a string, a number (a Long `mobile`: masked as its
digits, read as a String), every element of a list or object under such a key, and JSON text (a Json
variable, a value read with deserializeValues=false) walked as its data. Masked as the case file and the
audit trail show them (1101**********002X; PIPL Art. 28: sensitive personal information only to whom it
is necessary).

Copies: any other value, text or number, that contains one of the instance's identifiers (of MIN_SECRET
characters or more; separators such as spaces or dashes between its characters ignored) is masked where
it contains it, and so are the messages of its incidents, failed jobs and job log (`text_for_reader`):
a script that copies `id_number` into `copy`, or fails with the number in its error, does not reveal it.
This is a safeguard, not a boundary: a process owner's deployed scripts run with the data and can always
encode it otherwise (reversed, hashed, spelt out); deploying is a trusted capability (README).

Who is entitled to the full value (the pages' rule: the case file masks the number for every reader;
only the one who entered it and the supervising authority work with it): the city clerks and
administrators (they check it against the credit register, 科研信用档案), the lead unit that owns the
instance (it entered the data and corrects it) and the user who started the instance. Every other
reader (member units, district clerks, experts, process owners) gets the masked copy, on every variable
read path of the engine (extension_runtime.filter_variables applies `for_reader` last).

A write can never replace a stored identifier by its masked copy (`restore_masked`): a value sent back
as read keeps the stored value (a masked Long `mobile` stays the number); a masked-looking identifier
that is not the stored one's mask is refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..actors import ADMIN, APPLICANT, CITY_CLERK, Actor
from ..errors import InvalidInput
from .store.models import ProcessInstance
from .store.variable_history_models import HistoricDetail

SUFFIXES = ("id_number", "phone", "mobile")
MASK_CHAR = "*"
MIN_SECRET = 6
"""Identifiers shorter than this (letters and digits) are masked under their key but not searched for
inside other values and messages (a 3-digit 'phone' would mask every '110' in every text)."""
CACHE = "personal_data.secrets"
"""`session.info` key: {instance id: (variables_json, secrets)} for one unit of work."""


def is_identifier(key: str) -> bool:
    """True for a key whose value is a personal identifier (see the module docstring)."""
    return isinstance(key, str) and key.lower().endswith(SUFFIXES)


def mask(number: str) -> str:
    """'11010519491231002X' -> '1101**********002X'; 8 characters or fewer are masked whole."""
    if len(number) > 8:
        return number[:4] + MASK_CHAR * (len(number) - 8) + number[-4:]
    return MASK_CHAR * len(number)


def _number_text(value: int | float) -> str:
    """A number as its digits read: 13800138000 and 13800138000.0 both '13800138000'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json_text(value: str) -> Any:
    """The object or array a string holds as JSON text (a Json variable read serialized), else None."""
    text = value.strip()
    if not text or text[0] not in "[{":
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict | list) else None


def _normal(text: str) -> tuple[str, list[int]]:
    """`text`'s letters and digits, upper-cased, with each one's index in `text` (separators dropped, so
    '1 1 0 1 …' and '1101-…' are found as well as '1101…')."""
    index = [i for i, ch in enumerate(text) if ch.isalnum()]
    return "".join(text[i] for i in index).upper(), index


# --- which values are identifiers ---------------------------------------------------------------------


def secrets_in(variables: dict[str, Any]) -> set[str]:
    """The identifiers `variables` hold (normalised: letters and digits, upper case), at any depth and of
    any type: every scalar under an identifier key, inside JSON text too; only those of MIN_SECRET
    characters or more (the ones searched for in other values and in messages)."""
    out: set[str] = set()
    for name, value in variables.items():
        _collect(value, is_identifier(name), out)
    return out


def _collect(value: Any, under: bool, out: set[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _collect(item, under or is_identifier(key), out)
    elif isinstance(value, list):
        for item in value:
            _collect(item, under, out)
    elif isinstance(value, str):
        parsed = _json_text(value)
        if parsed is not None:
            _collect(parsed, under, out)
        elif under:
            _add(value, out)
    elif under and isinstance(value, int | float) and not isinstance(value, bool):
        _add(_number_text(value), out)


def _add(text: str, out: set[str]) -> None:
    normal, _ = _normal(text)
    if len(normal) >= MIN_SECRET and len(set(normal)) > 1:  # not a placeholder such as '000000'
        out.add(normal)


# --- masking ------------------------------------------------------------------------------------------


def mask_text(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of an identifier in `secrets` masked in place, separators between
    its characters ignored ('KeyError: 11010519491231002X' -> 'KeyError: 1101**********002X')."""
    found = [s for s in secrets if s]
    if not found or not text:
        return text
    normal, index = _normal(text)
    chars = list(text)
    changed = False
    for secret in found:
        shown = mask(secret)
        start = normal.find(secret)
        while start >= 0:
            for offset, ch in enumerate(shown):
                if ch == MASK_CHAR:
                    chars[index[start + offset]] = MASK_CHAR
                    changed = True
            start = normal.find(secret, start + 1)
    return "".join(chars) if changed else text


def masked_value(value: Any, secrets: Iterable[str] = (), under: bool = False) -> Any:
    """A copy of `value` as a reader not entitled sees it (dicts and lists, any depth): every scalar
    under an identifier key masked whatever its type (a number becomes the string of its masked digits),
    JSON text walked as its data, and any other text or number containing one of `secrets` masked
    where it does."""
    secrets = tuple(secrets)
    if isinstance(value, dict):
        return {k: masked_value(v, secrets, under or is_identifier(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked_value(v, secrets, under) for v in value]
    if isinstance(value, str):
        parsed = _json_text(value)
        if parsed is not None:
            shown = masked_value(parsed, secrets, under)
            return value if shown == parsed else json.dumps(shown, ensure_ascii=False)
        return mask(value) if under else mask_text(value, secrets)
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = _number_text(value)
        if under:
            return mask(text)
        shown = mask_text(text, secrets)
        return value if shown == text else shown
    return value


def masked_variables(variables: dict[str, Any], secrets: Iterable[str] | None = None) -> dict[str, Any]:
    """`{name: value}` as a reader not entitled sees it (`masked_value`), including a top-level
    variable named like an identifier; `secrets` default to the identifiers `variables` hold."""
    found = tuple(secrets_in(variables) if secrets is None else secrets)
    return {name: masked_value(value, found, is_identifier(name)) for name, value in variables.items()}


# --- who reads what -----------------------------------------------------------------------------------


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


def instance_secrets(session: Session, instance_id: str | None) -> set[str]:
    """The identifiers instance `instance_id` holds or held: in its variables now and in every value its
    variable history recorded (cached for the unit of work while the variables are unchanged)."""
    if not instance_id:
        return set()
    row = session.get(ProcessInstance, instance_id)
    if row is None:
        return set()
    cache: dict[str, tuple[str, set[str]]] = session.info.setdefault(CACHE, {})
    cached = cache.get(instance_id)
    if cached is not None and cached[0] == row.variables_json:
        return cached[1]
    found = secrets_in(json.loads(row.variables_json or "{}"))
    history = sa.select(HistoricDetail.name, HistoricDetail.value_json).where(
        HistoricDetail.instance_id == instance_id, HistoricDetail.value_json.is_not(None)
    )
    for name, value_json in session.execute(history):
        try:
            found |= secrets_in({name: json.loads(value_json)})
        except ValueError:
            continue
    cache[instance_id] = (row.variables_json, found)
    return found


def for_reader(session: Session, instance_id: str, actor: Actor, variables: dict[str, Any]) -> dict[str, Any]:
    """The variables as `actor` may read them: unchanged when entitled, else masked, with any value that
    contains one of the instance's identifiers (copied into another variable) masked where it does."""
    if entitled(session, instance_id, actor):
        return variables
    return masked_variables(variables, instance_secrets(session, instance_id) | secrets_in(variables))


def value_for_reader(session: Session, instance_id: str | None, actor: Actor, value: Any) -> Any:
    """Any data about instance `instance_id` (an audit entry's detail) as `actor` may read it: every
    identifier the instance holds or held masked wherever it appears, unless the reader is entitled."""
    if not instance_id or entitled(session, instance_id, actor):
        return value
    return masked_value(value, instance_secrets(session, instance_id))


def text_for_reader(session: Session, instance_id: str | None, actor: Actor, text: str | None) -> str | None:
    """A message about instance `instance_id` (an incident's, a failed job's, a stack trace) as `actor` may
    read it: every identifier the instance holds or held masked in it unless the reader is entitled."""
    if not text or not instance_id or entitled(session, instance_id, actor):
        return text
    return mask_text(text, instance_secrets(session, instance_id))


# --- writing back what was read -----------------------------------------------------------------------


def restore_masked(stored: dict[str, Any], modifications: dict[str, Any]) -> dict[str, Any]:
    """`modifications` with every value sent back as it reads masked replaced by the stored value it
    masks (an identifier, a number under an identifier key, a text holding a copy of one).

    Raises:
        InvalidInput: `{variable name: [message]}` for an identifier containing '*' that is not the
            mask of the stored value at the same place (it would corrupt or forge the number).
    """
    secrets = tuple(secrets_in(stored))
    out: dict[str, Any] = {}
    for name, value in modifications.items():
        problem: list[str] = []
        out[name] = _restore(stored.get(name), value, name, is_identifier(name), secrets, problem)
        if problem:
            raise InvalidInput(
                f"{name}: 个人身份信息不能写入遮蔽值 / a masked personal identifier cannot be written "
                f"({problem[0]})",
                {name: [f"个人身份信息不能写入遮蔽值 / masked identifier at {problem[0]}"]},
            )
    return out


def _restore(stored: Any, value: Any, path: str, under: bool, secrets: tuple[str, ...],
             problem: list[str]) -> Any:
    if value == stored:
        return value
    if stored is not None and value == masked_value(stored, secrets, under):
        return stored  # sent back as read: the stored value it masks
    if isinstance(value, dict):
        base = stored if isinstance(stored, dict) else {}
        return {
            k: _restore(base.get(k), v, f"{path}.{k}", under or is_identifier(k), secrets, problem)
            for k, v in value.items()
        }
    if isinstance(value, list):
        base = stored if isinstance(stored, list) else []
        return [
            _restore(base[i] if i < len(base) else None, v, f"{path}[{i}]", under, secrets, problem)
            for i, v in enumerate(value)
        ]
    if under and isinstance(value, str) and MASK_CHAR in value:
        problem.append(path)
    return value
