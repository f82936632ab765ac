"""The message subscription table (issue 12 fault 10): what waits for a message, as Camunda 7's
`ACT_RU_EVENT_SUBSCR` rows of type message.

Two kinds of row: a running instance's waiting element (catch event, receive task, boundary event,
event-based gateway; `instance_id` and `task_id` set), rewritten from the instance's state with every
save (store/messages.py `sync`), and a definition's message start event (`instance_id` None), written
at deploy for the newest version of its key only (a new version takes the subscription over, as in
Camunda). `POST /engine-rest/message` finds what a message correlates to here.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UtcDateTime


class MessageSubscription(Base):
    """One element waiting for message `message_name`; `id` is `{task id or definition id}:{name}`."""

    __tablename__ = "message_subscription"
    id: Mapped[str] = mapped_column(sa.String(400), primary_key=True)
    message_name: Mapped[str] = mapped_column(sa.String(255), index=True)
    definition_id: Mapped[str] = mapped_column(
        sa.ForeignKey("process_definition.id", ondelete="CASCADE"), index=True
    )
    definition_key: Mapped[str] = mapped_column(sa.String(100))
    instance_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("process_instance.id", ondelete="CASCADE"), index=True, nullable=True
    )
    task_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    element_id: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
