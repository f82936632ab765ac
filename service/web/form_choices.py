"""Choices a form takes from a list kept in the database (`x-choices-from` in a field's JSON Schema).

`forms/` is pure (no database), so a field whose values come from a table names the list
(`metadata={"choices_from": "sub_tracks"}`) and the page fills in its current rows as a `oneOf`, which
the field renderer draws as a select. The server-side check stays with the use case (for 细分赛道 the
`${subTrackCheck}` task listener: an unknown or withdrawn code is refused, 422 naming `sub_track`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..consortium import sub_tracks
from ..consortium.supervision import agencies
from ..context import Context

Option = dict[str, str]


def _sub_track_options(ctx: Context) -> list[Option]:
    """Active sub-tracks, each labelled with its industry: "智能装备 · ZB-01 工业母机"."""
    options = []
    for track in sub_tracks.list_sub_tracks(ctx):
        zh, en = track["industryName"].split(" / ", 1)
        options.append({
            "const": track["code"],
            "title": f"{zh} · {track['code']} {track['name']}",
            "x-title-en": f"{en} · {track['code']} {track['name']}",
        })
    return options


def _agency_options(ctx: Context) -> list[Option]:
    """Active third-party evaluation agencies: "青岛衡信科技评估有限公司（9137…）"."""
    return [
        {"const": a["creditCode"], "title": f"{a['name']}（{a['creditCode']}）",
         "x-title-en": f"{a['name']} ({a['creditCode']})"}
        for a in agencies.list_agencies(ctx)
    ]


SOURCES: dict[str, Callable[[Context], list[Option]]] = {
    "sub_tracks": _sub_track_options,
    "evaluation_agencies": _agency_options,
}


def with_choices(ctx: Context, schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` whose `x-choices-from` fields (top level) list their source's current options."""
    properties = schema.get("properties") or {}
    wanted = {k for k, prop in properties.items() if prop.get("x-choices-from") in SOURCES}
    if not wanted:
        return schema
    out = copy.deepcopy(schema)
    for key in wanted:
        prop = out["properties"][key]
        prop["oneOf"] = SOURCES[prop["x-choices-from"]](ctx)
    return out
