"""Variables as a use case hands them to an edge: plain JSON values plus the Camunda type of those
whose JSON value does not tell it (issue 12 fault 7: a `Date` stays a `Date`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class TypedVariables(dict[str, Any]):
    """A dict of plain variable values; `types` maps a name to its Camunda type where JSON loses it
    (`{"deadline": "Date"}`, the value being its ISO string)."""

    def __init__(self, values: Mapping[str, Any], types: Mapping[str, str] | None = None) -> None:
        super().__init__(values)
        self.types = {name: kind for name, kind in (types or {}).items() if name in self}


def stored_types(variable_types_json: str | None) -> dict[str, str]:
    """The instance row's `variable_types_json` as a dict (NULL: none)."""
    return json.loads(variable_types_json) if variable_types_json else {}
