"""The decision definition table (issue 15 item 6): one row per version of a DMN decision, as Camunda 7's
`ACT_RE_DECISION_DEF`. The `.dmn` file itself is a resource of the deployment (byte for byte); the row
keeps the decision table compiled at deploy (`workflows.dmn`), which business-rule tasks evaluate.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class DecisionDefinition(Base):
    """Version `version` of decision `key`; `id` is `{key}:{version}:{uuid}` as Camunda writes it."""

    __tablename__ = "decision_definition"
    __table_args__ = (sa.UniqueConstraint("key", "version", name="uq_decision_definition_key_version"),)
    id: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), index=True)
    version: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    deployment_id: Mapped[str] = mapped_column(sa.ForeignKey("deployment.id"), index=True)
    resource_name: Mapped[str] = mapped_column(sa.String(300))
    content_hash: Mapped[str] = mapped_column(sa.String(64))  # of the .dmn file it came from
    table_json: Mapped[str] = mapped_column(sa.Text)
    version_tag: Mapped[str | None] = mapped_column(sa.String(255))  # camunda:versionTag (0016_hb3vtagdmn)
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime())
