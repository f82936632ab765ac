"""rules: the district list (区（市、功能区）), organisation verification and category confirmation

Districts were free text, so "火星区" was accepted and a typo routed the district review to nobody
(issue 14, item 5). The list is seeded here; administrators edit it (`consortium district …`,
/api/districts). Organisations get a verification state (a lead unit's unknown member is registered
`pending` and counts for nothing until staff confirm it) and the clerk's confirmation of a category
the credit code does not show (issue 14, item 4).

Revision ID: 0009_rules
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_rules"
down_revision = "0001"
branch_labels = None
depends_on = None

# (code, name, kind, aliases, sort order). Codes are the GB/T 2260 division codes; a function zone has
# none, so it gets a code of our own. 黄岛区 and 青岛西海岸新区 are one area under one administration
# (the 新区 has administered 黄岛区 since 2014); the guideline addresses "西海岸新区科技主管部门", so the
# list names it 西海岸新区 and takes 黄岛区 as another name for it.
DISTRICTS = [
    ("370202", "市南区", "district", None, 10),
    ("370203", "市北区", "district", None, 20),
    ("370211", "西海岸新区", "district", "黄岛区,青岛西海岸新区", 30),
    ("370212", "崂山区", "district", None, 40),
    ("370213", "李沧区", "district", None, 50),
    ("370214", "城阳区", "district", None, 60),
    ("370215", "即墨区", "district", None, 70),
    ("370281", "胶州市", "county_city", None, 80),
    ("370283", "平度市", "county_city", None, 90),
    ("370285", "莱西市", "county_city", None, 100),
    ("QD-GXQ", "高新区", "function_zone", "青岛高新区,青岛高新技术产业开发区", 110),
]


def upgrade() -> None:
    district = op.create_table(
        "district",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("aliases", sa.String(length=200), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("sort_order", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_district")),
        sa.UniqueConstraint("name", name=op.f("uq_district_name")),
    )
    op.bulk_insert(
        district,
        [
            {"code": c, "name": n, "kind": k, "aliases": a, "active": True, "sort_order": o}
            for c, n, k, a, o in DISTRICTS
        ],
    )
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(
            sa.Column("verification", sa.String(length=20), server_default="verified", nullable=False)
        )
        batch.add_column(sa.Column("category_confirmed_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("category_confirmation_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("registered_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("registered_by")
        batch.drop_column("category_confirmation_reason")
        batch.drop_column("category_confirmed_by")
        batch.drop_column("verification")
    op.drop_table("district")
