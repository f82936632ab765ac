"""PostgreSQL: consortium_audit_tail(stream, lock_key), the audit stream's advisory lock and its tail in
one round trip (issue 18: fewer statements per completion; store/audit.py `_read_tail`).

VOLATILE, so its query takes a fresh snapshot after the lock is granted (PostgreSQL: "VOLATILE functions
obtain a fresh snapshot at the start of each query they execute"): a transaction that waited for the
stream sees the events the one before it appended. One statement could not do both: its snapshot is
taken before it waits. SQLite has no such function and needs none (its writer holds the database).

Revision ID: 0016_h18audit_tail
Revises: 0016_h18recycle
"""

from alembic import op

revision = "0016_h18audit_tail"
down_revision = "0016_h18recycle"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION consortium_audit_tail(p_stream varchar, p_lock_key bigint)
RETURNS TABLE (tail_hash varchar, tail_seq integer)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(p_lock_key);
    RETURN QUERY
        SELECT a.hash, a.seq FROM audit_event a WHERE a.stream = p_stream ORDER BY a.seq DESC LIMIT 1;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS consortium_audit_tail(varchar, bigint)")
