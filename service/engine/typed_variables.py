"""Variables as a use case hands them to an edge: plain JSON values plus the Camunda type of those
whose JSON value does not tell it (issue 12 fault 7: a `Date` stays a `Date`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from workflows.data import Short

__all__ = ["SHORT", "Short", "TypedVariables", "kept_types", "stored_types"]
SHORT = (-(2**15), 2**15 - 1)


class TypedVariables(dict[str, Any]):
    """A dict of plain variable values; `types` maps a name to its Camunda type where JSON loses it
    (`{"deadline": "Date"}`, the value being its ISO string)."""

    def __init__(self, values: Mapping[str, Any], types: Mapping[str, str] | None = None) -> None:
        super().__init__(values)
        self.types = {name: kind for name, kind in (types or {}).items() if name in self}


def stored_types(variable_types_json: str | None) -> dict[str, str]:
    """The instance row's `variable_types_json` as a dict (NULL: none)."""
    return json.loads(variable_types_json) if variable_types_json else {}


def kept_types(prior: Mapping[str, str], values: Mapping[str, Any], computed: Mapping[str, str]
               ) -> dict[str, str]:
    """The types to store after a command: `computed` from the values in memory, plus a `Short` kept
    from `prior` while its variable is still a whole number in the short range (a restored instance
    holds plain ints, so the declaration would otherwise be lost on its next save)."""
    out = dict(computed)
    for name, kind in prior.items():
        value = values.get(name)
        if (kind == "Short" and name not in out and isinstance(value, int) and not isinstance(value, bool)
                and SHORT[0] <= value <= SHORT[1]):
            out[name] = kind
    return out
