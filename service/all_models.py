"""Every table module, imported in one place, so `Base.metadata` describes the whole schema.

Table modules import `Base` from `service.engine.store.base` and never one another's modules for
registration, so no model module imports this one back. Alembic's env and the app factory import it.
"""

from __future__ import annotations

from .consortium.store import document_models, review_models, supervision_models
from .consortium.store import models as consortium_models
from .engine.store import (
    activity_models,
    audit_checkpoints,
    counters,
    deadline_models,
    decision_models,
    external_task_models,
    message_models,
    reliability_models,
    variable_history_models,
    websec_models,
)
from .engine.store import models as engine_models
from .engine.store.base import Base

MODULES = (
    engine_models,
    activity_models,
    audit_checkpoints,
    counters,
    deadline_models,
    decision_models,
    external_task_models,
    message_models,
    reliability_models,
    variable_history_models,
    websec_models,
    consortium_models,
    review_models,
    supervision_models,
    document_models,
)
metadata = Base.metadata

__all__ = ["MODULES", "metadata"]
