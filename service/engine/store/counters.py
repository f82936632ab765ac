"""Serial numbers (application, receipt, filing, round, supervision numbers; definition versions).

One mechanism for every number a record shows to people: a row per (counter, scope), e.g.
("application", "2026") -> next value, advanced by `UPDATE ... RETURNING` in the caller's transaction.
The update locks the row until that transaction ends, so two concurrent commands queue on it and never
draw the same number (PostgreSQL row lock; on SQLite the write transaction is already exclusive, see
db.py). `COUNT(*)+1` read the table instead: two transactions counted the same rows, the unique
constraint refused the loser, and the caller got a 500 (issue 11, fault 5).

A number drawn by a transaction that rolls back is not reused (numbers may have gaps; they are never
duplicated). The first draw in a new scope starts after the highest number already stored there
(`seed`), so numbers given by hand or before this table existed are never handed out again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base


class Counter(Base):
    __tablename__ = "counter"
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)  # application | receipt | filing …
    scope: Mapped[str] = mapped_column(sa.String(120), primary_key=True)  # a year, a key, an application
    next_value: Mapped[int] = mapped_column(sa.BigInteger)


def next_value(session: Session, name: str, scope: str, *, seed: Callable[[], int] | None = None) -> int:
    """Draw the next number of counter `name` in `scope` (1, 2, 3 …), row-locked until commit.

    `seed()` returns the highest number already used in the scope; it is called only when the scope has
    no row yet (its first draw), so existing numbers are skipped.
    """
    table = Counter.__table__
    drawn = session.execute(
        sa.update(table)
        .where(table.c.name == name, table.c.scope == scope)
        .values(next_value=table.c.next_value + 1)
        .returning(table.c.next_value)
    ).scalar()
    if drawn is not None:
        return drawn - 1
    first = (seed() if seed else 0) + 1
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).values(name=name, scope=scope, next_value=first + 1)
    statement = statement.on_conflict_do_update(  # a concurrent first draw won the insert: take the next
        index_elements=[table.c.name, table.c.scope],
        set_={"next_value": table.c.next_value + 1},
    ).returning(table.c.next_value)
    return session.execute(statement).scalar_one() - 1


def highest_suffix(values: Iterable[str | None], prefix: str) -> int:
    """The highest number ending a value that starts with `prefix` (`CXLHT-2026-0042` -> 42), or 0."""
    pattern = re.compile(re.escape(prefix) + r"(\d+)$")
    found = [int(m.group(1)) for v in values if v and (m := pattern.match(v))]
    return max(found, default=0)


def next_number(
    session: Session,
    name: str,
    scope: str,
    column,
    prefix: str,
    *,
    width: int = 4,
) -> str:
    """The next `prefix`NNNN for `column` (a string column), skipping numbers already stored.

    Values like CXLHT-2026-0001 (applications), YY-2026-0001 (objection receipts), QDCXLHT-2026-0001
    (filings). A number someone stored by hand ahead of the counter is skipped, not duplicated.
    """

    def seed() -> int:
        return highest_suffix(session.scalars(sa.select(column).where(column.like(f"{prefix}%"))), prefix)

    while True:
        candidate = f"{prefix}{next_value(session, name, scope, seed=seed):0{width}d}"
        if session.scalar(sa.select(sa.literal(1)).where(column == candidate).limit(1)) is None:
            return candidate
