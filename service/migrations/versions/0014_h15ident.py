"""Groups as data (issue 15 item 2): app_group (id, name, type, scope) seeded with the seven roles and
every group a membership already names; app_user.first_name / last_name for Camunda's user profile

Revision ID: 0014_h15ident
Revises: 0001 (created app_user and user_group)
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_h15ident"
down_revision = "0001"
branch_labels = None
depends_on = None

ROLES = (
    ("applicant", "牵头单位 / Lead unit", "organisation"),
    ("member", "成员单位 / Member unit", "organisation"),
    ("district_clerk", "区（市、功能区）科技主管部门 / District clerk", "district"),
    ("city_clerk", "市科技局 / City bureau", None),
    ("expert", "评审专家 / Expert", None),
    ("process_owner", "流程管理员 / Process owner", None),
    ("admin", "系统管理员 / Administrator", None),
)


def upgrade() -> None:
    group = op.create_table(
        "app_group",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=True),
        sa.Column("scope", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_group")),
    )
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("first_name", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("last_name", sa.String(length=100), nullable=True))
    op.bulk_insert(group, [{"id": i, "name": n, "type": "SYSTEM", "scope": s} for i, n, s in ROLES])
    known = {i for i, _, _ in ROLES}
    named = op.get_bind().execute(sa.text("SELECT DISTINCT group_id FROM user_group")).scalars()
    extra = sorted(set(named) - known)
    if extra:
        op.bulk_insert(group, [{"id": g, "name": g, "type": "WORKFLOW", "scope": None} for g in extra])


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("last_name")
        batch.drop_column("first_name")
    op.drop_table("app_group")
