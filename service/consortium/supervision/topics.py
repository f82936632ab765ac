"""Every service-task topic of the supervision diagrams, for `consortia.handlers` to merge in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ...actors import Actor
from ...engine.store.models import ProcessInstance
from . import evaluations, lead_failure, member_changes, standing
from .standing import Handler


def handlers(session: Session, row: ProcessInstance, actor: Actor, now: datetime) -> dict[str, Handler]:
    topics: dict[str, Handler] = {}
    for module in (standing, evaluations, member_changes, lead_failure):
        mine = module.topics(session, row, actor, now)
        clash = topics.keys() & mine.keys()
        if clash:  # two modules answering one topic would silently shadow each other
            raise RuntimeError(f"topics defined twice: {sorted(clash)}")
        topics.update(mine)
    return topics
