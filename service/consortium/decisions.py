"""What a completed decision step decided, read from its completion record for the history.

A completion's audit record holds the form key and the submitted data (engine/tasks.complete_task,
reviews/review_steps). A decision form declares its outcome as a closed-list field named `*decision`
(forms/fields.Choice, with Chinese and English labels) and its reasons as `*opinion`, `*reason` or
`*finding` text fields. Only such forms give an outcome: a desk review or a score sheet has no
`*decision` field, so an expert's opinion never reaches the history (casefile.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from forms.fields import Choice
from forms.registry import UnknownForm, get_form

REASON_SUFFIXES = ("opinion", "reason", "finding")
MAX_REASON = 300


@dataclass(frozen=True)
class Outcome:
    """A decision: `value` (e.g. "return"), its (Chinese, English) `label`, and the reason given."""

    value: str
    label: tuple[str, str]
    reason: str | None = None


def decision_outcome(detail_json: str | None) -> Outcome | None:
    """The outcome recorded by one `task.completed` audit record, None when its form decides nothing."""
    try:
        detail: dict[str, Any] = json.loads(detail_json or "{}")
    except ValueError:
        return None
    data, form_key = detail.get("data"), detail.get("form")
    if not isinstance(data, dict) or not form_key:
        return None
    try:
        schema = get_form(form_key)
    except UnknownForm:
        return None
    for name, field in schema.fields.items():
        value = data.get(name)
        if name.endswith("decision") and isinstance(field, Choice) and value in field.choices:
            return Outcome(value, field.choices[value], _reason(schema, data))
    return None


def _reason(schema, data: dict[str, Any]) -> str | None:
    for name in schema.fields:
        text = data.get(name)
        if name.endswith(REASON_SUFFIXES) and isinstance(text, str) and text.strip():
            text = text.strip()
            return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"
    return None


def event_note(action: str, detail_json: str | None, comments: dict[str, str]) -> str | None:
    """What the history says beside a task's comment or hand-over: the comment's text (`comments`
    maps comment ids to messages), or the user the task was handed to; None for other events."""
    try:
        detail: dict[str, Any] = json.loads(detail_json or "{}")
    except ValueError:
        return None
    if action == "task.commented":
        return comments.get(str(detail.get("comment")))
    if action in ("task.assigned", "task.delegated", "task.resolved") and detail.get("to"):
        return str(detail["to"])
    return None
