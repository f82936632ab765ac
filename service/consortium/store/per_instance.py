"""A domain record found by its application instance once per session (issue 18): every save's
projections and checks ask for the consortium and the panel of the instance they handle, so the first
lookup's primary key is kept in `session.info` and later ones come from the identity map (no query)."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

Record = TypeVar("Record")


def find_by_instance(session: Session, model: type[Record], instance_id: str) -> Record | None:
    """The `model` row whose `instance_id` is `instance_id`, None if there is none yet (not remembered:
    it may be created later in the same session). `model` has an `id` primary key and `instance_id`."""
    known: dict[str, Any] = session.info.setdefault(f"{model.__name__}_of_instance", {})
    if instance_id in known:
        found = session.get(model, known[instance_id])
        if found is not None and found.instance_id == instance_id:
            return found
    found = session.scalars(sa.select(model).where(model.instance_id == instance_id)).first()
    if found is not None:
        known[instance_id] = found.id
    return found
