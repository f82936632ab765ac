"""What a use case can refuse, mapped once per edge (API, pages, CLI).

ServiceError            a use case refused; str(e) is safe to show to the caller
├── NotFound            404; also for anything outside the caller's scope (it "does not exist" for them)
├── Forbidden           403; the caller sees the object but may not do this to it
├── Conflict            409; task no longer open, claimed by someone else, stale version
│   └── TaskCompleted   the task a command names was completed (a double submit)
├── InvalidInput        400/422; .fields = {"members": ["..."]}, every field error at once
└── ProcessFailed       an expression or handler in the diagram failed; the command was rolled back
    └── DiagramFailed   diagram code (script, condition, expression, sandbox limit, engine step budget)
                        failed on a caller's command: 400 on /engine-rest, 422 on /api, nothing saved
"""

from __future__ import annotations

import re
from typing import Any

ECHO_LIMIT = 64  # characters of a caller's id repeated in a message
_LONG_WORD = re.compile(rf"\S{{{ECHO_LIMIT + 1},}}")


def shown(value: object, limit: int = ECHO_LIMIT) -> str:
    """`value` as it may be echoed in a message: its first `limit` characters and "…" when longer (a
    5000-character path parameter is not repeated in full, report-users finding 8)."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def shortened(message: str) -> str:
    """`message` with every run of more than ECHO_LIMIT non-blank characters cut by `shown`: the ids a
    404 echoes are such runs, and no sentence of ours is one."""
    return _LONG_WORD.sub(lambda m: shown(m.group(0)), message)


class ServiceError(Exception):
    """A use case refused; str(e) is safe to show."""


class NotFound(ServiceError):
    """Unknown id, or an object the caller may not see. An id echoed in the message is cut to ECHO_LIMIT
    characters (`shortened`), wherever the 404 is raised."""

    def __init__(self, message: str = "", *args: Any) -> None:
        super().__init__(shortened(str(message)), *args)


class Forbidden(ServiceError):
    """The caller may see the object but not perform this action."""


class Conflict(ServiceError):
    """The state changed under the caller: the task is no longer open or is someone else's."""


class TaskCompleted(Conflict):
    """The task a command names is no longer open because it was completed: an edge may restate it
    with who completed it and when, as far as the caller may know (/engine-rest's `open_task`)."""


class InvalidInput(ServiceError):
    """Bad input; `fields` maps each field to its messages (bilingual, Chinese first)."""

    def __init__(self, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class ProcessFailed(ServiceError):
    """The diagram could not proceed (a failing script, condition or handler); nothing was saved."""


class DiagramFailed(ProcessFailed):
    """Diagram code failed on a caller's command (a script, condition or expression error, a sandbox
    limit, the engine step budget of workflows/budget.py); names the element. The caller's data or the
    deployed diagram caused it, so it is a 4xx, never a 500 (issue 11); nothing was saved."""
