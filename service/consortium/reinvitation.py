"""The lead unit's invitation after a member unit declined (issue 17 item 10).

When a member declines, the procedure goes back to Task_InviteMembers; the form then says who declined and
why, and opens prefilled with the other invited units so the lead only replaces the one that left.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from forms import registry as form_registry

FORM_KEY = "invite_members"


def declined(variables: Mapping[str, Any]) -> list[dict[str, str]]:
    """[{"credit_code", "name", "reason"}] of the invited units whose decision is `decline`, in invitation
    order; empty on a first invitation."""
    return [
        {key: m.get(key) or "" for key in ("credit_code", "name", "reason")}
        for m in variables.get("invited_members") or []
        if isinstance(m, Mapping) and m.get("decision") == "decline"
    ]


def prefill(variables: Mapping[str, Any]) -> dict[str, Any]:
    """The invitation form's values: the units that did not decline (only the form's own fields, so no
    decision or reason is sent back) and the threshold justification as it was."""
    member = form_registry.json_schema(FORM_KEY)["properties"]["invited_members"]["items"]
    member_keys = set(member["properties"])
    values: dict[str, Any] = {
        "invited_members": [
            {k: copy.deepcopy(v) for k, v in m.items() if k in member_keys}
            for m in variables.get("invited_members") or []
            if isinstance(m, Mapping) and m.get("decision") != "decline"
        ]
    }
    if variables.get("threshold_justification"):
        values["threshold_justification"] = variables["threshold_justification"]
    return values
