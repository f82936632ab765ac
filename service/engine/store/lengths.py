"""Strings longer than their column are refused before the flush, the same on SQLite and PostgreSQL.

PostgreSQL refuses an over-long VARCHAR with a DataError deep in a command; SQLite stores it silently.
Checking every new or changed row's String columns before the flush makes both answer the same
InvalidInput naming the field (issue 11, fault 11), and no edge sees a storage error for it.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ...errors import InvalidInput


@event.listens_for(Session, "before_flush")
def _check_lengths(session: Session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        for key, limit in _limits(type(obj)):
            _check(key, limit, getattr(obj, key, None))


def check_rows(model: type, rows: list[dict]) -> None:
    """The same check for rows written with a Core (bulk) statement, which the flush never sees:
    `rows` are dicts by attribute name of `model`'s columns. Raises InvalidInput naming the field."""
    limits = _limits(model)
    for row in rows:
        for key, limit in limits:
            if key in row:
                _check(key, limit, row[key])


@functools.cache  # one entry per mapped class: bounded by the schema
def _limits(model: type) -> tuple[tuple[str, int], ...]:
    """(attribute name, length) of `model`'s String columns with a length: the only ones checked."""
    found = []
    for attr in inspect(model).column_attrs:
        column_type = attr.columns[0].type
        if isinstance(column_type, sa.String) and getattr(column_type, "length", None):
            found.append((attr.key, column_type.length))
    return tuple(found)


def _check(key: str, limit: int, value: object) -> None:
    if isinstance(value, str) and len(value) > limit:
        raise InvalidInput(
            f"{key} 最长 {limit} 个字符 / {key}: at most {limit} characters",
            {key: [f"最长 {limit} 个字符 / at most {limit} characters ({len(value)} given)"]},
        )
