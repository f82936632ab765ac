"""serial-number counters: one row-locked counter per number series (issue 11, fault 5)

Application, objection-receipt, filing, evaluation-round and supervision numbers were COUNT(*)+1 and
definition versions max+1: concurrent transactions drew the same number and the unique constraint
answered the loser with a 500. The `counter` table holds the next value per (series, scope); this
revision seeds it from the numbers already stored, so none is handed out twice.

Revision ID: 0008_counters
Revises: 0007
"""

import re
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0008_counters"
down_revision = "0007"
branch_labels = None
depends_on = ("0003",)  # reads evaluation_round (0003 is on another branch)

# (counter name, table, column, pattern whose groups are (scope, number))
SERIES = [
    ("application", "process_instance", "business_key", r"CXLHT-(\d{4})-(\d+)"),
    ("objection_receipt", "objection", "receipt_no", r"YY-(\d{4})-(\d+)"),
    ("filing", "filing", "filing_no", r"QDCXLHT-(\d{4})-(\d+)"),
    ("evaluation_round", "evaluation_round", "round_no", r"JXPJ-(\d{4})-(\d+)"),
    ("supervision", "process_instance", "business_key", r"((?:BCXY|QTSZ)-.+-)(\d+)"),
]


def upgrade() -> None:
    counter = op.create_table(
        "counter",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("next_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", "scope", name=op.f("pk_counter")),
    )
    rows = seed_rows(op.get_bind())
    if rows:
        op.bulk_insert(counter, rows)


def seed_rows(bind) -> list[dict]:
    """One counter row per (series, scope) already in use, its next value after the highest stored."""
    highest: dict[tuple[str, str], int] = defaultdict(int)
    for name, table, column, pattern in SERIES:
        regex = re.compile(pattern)
        for (value,) in bind.execute(sa.text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")):
            match = regex.fullmatch(value)
            if match:
                scope, number = match.group(1), int(match.group(2))
                highest[(name, scope)] = max(highest[(name, scope)], number)
    versions = bind.execute(sa.text("SELECT key, MAX(version) FROM process_definition GROUP BY key"))
    for key, version in versions:
        highest[("definition_version", key)] = version or 0
    return [{"name": n, "scope": s, "next_value": v + 1} for (n, s), v in sorted(highest.items())]


def downgrade() -> None:
    op.drop_table("counter")
