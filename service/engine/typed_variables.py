"""Variables as a use case hands them to an edge: plain JSON values plus the Camunda type of those
whose JSON value does not tell it (issue 12 fault 7: a `Date` stays a `Date`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from workflows.data import Long, Short

__all__ = ["INT64", "SHORT", "Long", "Short", "TypedVariables", "kept_types", "stored_types"]
SHORT = (-(2**15), 2**15 - 1)
INT64 = (-(2**63), 2**63 - 1)
WIDTHS = {"Short": SHORT, "Long": INT64}
"""The declared integer types kept while the value still fits them."""


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
    """The types to store after a command: `computed` from the values in memory, plus a `Short` or
    `Long` kept from `prior` while its variable is still a whole number in that type's range (a restored
    instance holds plain ints, so the declaration would otherwise be lost on its next save)."""
    out = dict(computed)
    for name, kind in prior.items():
        value, width = values.get(name), WIDTHS.get(kind)
        if (width and name not in out and isinstance(value, int) and not isinstance(value, bool)
                and width[0] <= value <= width[1]):
            out[name] = kind
    return out
