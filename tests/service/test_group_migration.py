"""0014_h15ident on a database that already has users: every group a membership names becomes a row of
app_group beside the seven seeded roles, and the migration goes down again cleanly."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from service.engine.store import schema


def test_existing_memberships_become_groups_and_the_roles_carry_their_scope(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    config = schema.alembic_config(url)
    command.upgrade(config, "heads")
    command.downgrade(config, "0014_h15ident-1")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        assert not sa.inspect(connection).has_table("app_group")
        connection.execute(sa.text(
            "INSERT INTO app_user (id, display_name, password_hash, active) "
            "VALUES ('bob', 'Bob', 'x', true)"))
        connection.execute(sa.text(
            "INSERT INTO user_group (user_id, group_id) VALUES ('bob', 'manager'), ('bob', 'city_clerk')"))
    command.upgrade(config, "heads")
    with engine.begin() as connection:
        rows = {r.id: (r.type, r.scope) for r in connection.execute(sa.text("SELECT * FROM app_group"))}
    engine.dispose()
    assert rows == {
        "applicant": ("SYSTEM", "organisation"), "member": ("SYSTEM", "organisation"),
        "district_clerk": ("SYSTEM", "district"), "city_clerk": ("SYSTEM", None), "expert": ("SYSTEM", None),
        "process_owner": ("SYSTEM", None), "admin": ("SYSTEM", None), "manager": ("WORKFLOW", None),
        "evaluation_agency": ("SYSTEM", "organisation"),  # 0016_h14eval: third-party evaluation agencies
    }
