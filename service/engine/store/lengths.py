"""Strings longer than their column are refused before the flush, the same on SQLite and PostgreSQL.

PostgreSQL refuses an over-long VARCHAR with a DataError deep in a command; SQLite stores it silently.
Checking every new or changed row's String columns before the flush makes both answer the same
InvalidInput naming the field (issue 11, fault 11), and no edge sees a storage error for it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ...errors import InvalidInput


@event.listens_for(Session, "before_flush")
def _check_lengths(session: Session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        mapper = inspect(obj).mapper
        for attr in mapper.column_attrs:
            _check(attr.key, attr.columns[0], getattr(obj, attr.key, None))


def check_rows(model: type, rows: list[dict]) -> None:
    """The same check for rows written with a Core (bulk) statement, which the flush never sees:
    `rows` are dicts by attribute name of `model`'s columns. Raises InvalidInput naming the field."""
    attrs = inspect(model).column_attrs
    for row in rows:
        for attr in attrs:
            if attr.key in row:
                _check(attr.key, attr.columns[0], row[attr.key])


def _check(key: str, column: sa.Column, value: object) -> None:
    limit = getattr(column.type, "length", None)
    if not isinstance(column.type, sa.String) or not limit:
        return
    if isinstance(value, str) and len(value) > limit:
        raise InvalidInput(
            f"{key} 最长 {limit} 个字符 / {key}: at most {limit} characters",
            {key: [f"最长 {limit} 个字符 / at most {limit} characters ({len(value)} given)"]},
        )
