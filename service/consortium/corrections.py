"""Corrections that correct (issue 13, item 2): the returned sections, the correction form built from them,
each submitted version and the per-field difference the reviewer reads.

A review's return names sections with reasons (`returned_sections`, forms/correct_application.py). The
correction task's page shows exactly those sections, prefilled with the current values, each with its
reason (`correction_form`). On completion (`record_correction`, a `before_complete` hook) the corrected
plan sections are merged into the whole plan, the member list keeps what the procedure recorded on each
unit that stays, and the submission carries `correction_record` = {"returned", "before", "after"}: the
audit trail's `task.completed` entry of every correction keeps that version, so the history holds every
version and the case file shows old → new per field (`correction_history`).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from forms import registry as form_registry
from forms.messages import Msg

from ..actors import Actor
from ..engine.store.models import HumanTask, ProcessInstance

FORM_KEY = "correct_application"
RECORD = "correction_record"


def returned(variables: Mapping[str, Any]) -> list[dict[str, str]]:
    """[{"section", "reason", "label_zh", "label_en"}] of the last return, in the order the reviewer named."""
    labels = form_registry.RETURN_SECTIONS
    return [
        {**item, "label_zh": labels[item["section"]][0], "label_en": labels[item["section"]][1]}
        for item in form_registry.returned_of(variables)
    ]


def _covered(variables: Mapping[str, Any]) -> dict[str, str]:
    """dotted field -> the reason of the returned section covering it."""
    found: dict[str, str] = {}
    for item in form_registry.returned_of(variables):
        covered, _ = form_registry.SECTION_FIELDS[item["section"]]
        for name in covered:
            found[name] = item["reason"]
    return found


def correction_form(schema: dict[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
    """The correction form's JSON schema cut down to the returned sections (plus the note), each field
    of a returned section required as its section requires and described by the return's reason."""
    covered = _covered(variables)
    needed = {
        n for item in form_registry.returned_of(variables)
        for n in form_registry.SECTION_FIELDS[item["section"]][1]
    }
    out = copy.deepcopy(schema)
    out.pop("allOf", None)
    props: dict[str, Any] = {}
    for key, prop in schema.get("properties", {}).items():
        if key == "plan":
            inner = {k: p for k, p in prop.get("properties", {}).items() if f"plan.{k}" in covered}
            if inner:
                plan = copy.deepcopy(prop)
                plan["properties"] = {k: _with_reason(p, covered[f"plan.{k}"]) for k, p in inner.items()}
                plan["required"] = [k for k in inner if f"plan.{k}" in needed]
                plan["description"] = "、".join(
                    dict.fromkeys(covered[f"plan.{k}"] for k in inner)
                )
                props[key] = plan
        elif key in covered:
            props[key] = _with_reason(copy.deepcopy(prop), covered[key])
        elif key == "correction_note":
            props[key] = copy.deepcopy(prop)
    out["properties"] = props
    out["required"] = [k for k in props if k in needed]
    return out


def _with_reason(prop: dict[str, Any], reason: str) -> dict[str, Any]:
    prop["description"] = Msg(f"退回理由：{reason}", f"Reason for return: {reason}")
    return prop


def prefill(variables: Mapping[str, Any]) -> dict[str, Any]:
    """The current values of the returned sections, in the correction form's shape."""
    covered = _covered(variables)
    member_schema = form_registry.json_schema(FORM_KEY)["properties"]["invited_members"]["items"]
    member_keys = set(member_schema["properties"])
    values: dict[str, Any] = {}
    for name in covered:
        head, _, tail = name.partition(".")
        current = variables.get(head)
        if tail:
            value = (current or {}).get(tail) if isinstance(current, Mapping) else None
            if value is not None:
                values.setdefault(head, {})[tail] = copy.deepcopy(value)
        elif head == "invited_members" and isinstance(current, list):
            values[head] = [{k: v for k, v in m.items() if k in member_keys} for m in current]
        elif current not in (None, ""):
            values[head] = copy.deepcopy(current)
    return values


def record_correction(
    session: Session, row: ProcessInstance, task: HumanTask, data: dict[str, Any], actor: Actor, now: datetime
) -> None:
    """A `before_complete` hook for the correction form: merge the corrected sections into the current
    values (the plan stays whole, members keep their confirmations) and attach the version record."""
    if task.form_key != FORM_KEY:
        return
    variables = json.loads(row.variables_json or "{}")
    sections = returned(variables)
    before = {s["section"]: _section_values(variables, s["section"]) for s in sections}
    if isinstance(data.get("plan"), Mapping):
        data["plan"] = {**(variables.get("plan") or {}), **data["plan"]}
    if isinstance(data.get("invited_members"), list):
        data["invited_members"] = form_registry.carried_members(data["invited_members"], variables)
    after_view = {**variables, **data}
    data[RECORD] = {
        "returned": [{"section": s["section"], "reason": s["reason"]} for s in sections],
        "before": before,
        "after": {s["section"]: _section_values(after_view, s["section"]) for s in sections},
    }


def _section_values(variables: Mapping[str, Any], section: str) -> dict[str, Any]:
    covered, _ = form_registry.SECTION_FIELDS[section]
    values: dict[str, Any] = {}
    for name in covered:
        head, _, tail = name.partition(".")
        current = variables.get(head)
        if tail:
            value = current.get(tail) if isinstance(current, Mapping) else None
        else:
            value = current
        values[name] = copy.deepcopy(value)
    return values


def diff(before: Any, after: Any, path: str = "") -> list[tuple[str, Any, Any]]:
    """[(dotted path, old, new)] of every leaf that differs; member lists are matched by credit code
    (`invited_members[91370200…].name`), other lists by position (`plan.milestones[2].due`)."""
    if isinstance(before, Mapping) or isinstance(after, Mapping):
        b, a = before if isinstance(before, Mapping) else {}, after if isinstance(after, Mapping) else {}
        out: list[tuple[str, Any, Any]] = []
        for key in dict.fromkeys([*b, *a]):
            out += diff(b.get(key), a.get(key), f"{path}.{key}" if path else str(key))
        return out
    if isinstance(before, list) or isinstance(after, list):
        b, a = before or [], after or []
        if all(isinstance(x, Mapping) and x.get("credit_code") for x in [*b, *a]) and (b or a):
            keyed_b = {x["credit_code"]: x for x in b}
            keyed_a = {x["credit_code"]: x for x in a}
            out = []
            for code in dict.fromkeys([*keyed_b, *keyed_a]):
                out += diff(keyed_b.get(code), keyed_a.get(code), f"{path}[{code}]")
            return out
        out = []
        for index in range(max(len(b), len(a))):
            out += diff(b[index] if index < len(b) else None, a[index] if index < len(a) else None,
                        f"{path}[{index + 1}]")
        return out
    return [] if before == after else [(path, before, after)]


_TOKEN = re.compile(r"([^.\[\]]+)|\[([^\]]+)\]")


def _describer(schema: dict[str, Any]):
    """path -> (label, {choice value: title}) from the correction form's JSON schema."""

    def describe(path: str) -> tuple[str, dict[Any, str]]:
        props, prop, words = schema.get("properties", {}), {}, []
        for name, key in _TOKEN.findall(path):
            if key:
                words.append(f"#{key}" if key.isdigit() else key)
                continue
            prop = props.get(name, {})
            words.append(prop.get("title", name))
            props = (prop.get("items") or prop).get("properties", {})
        choices = {c.get("const"): c.get("title", c.get("const")) for c in prop.get("oneOf") or []}
        return " ".join(words), choices

    return describe


def _rows(changes: list[tuple[str, Any, Any]], describe) -> list[dict[str, Any]]:
    rows = []
    for path, old, new in changes:
        label, choices = describe(path)
        shown_old, shown_new = choices.get(old, old), choices.get(new, new)
        rows.append({"path": path, "label": label, "old": shown_old, "new": shown_new})
    return rows


def correction_history(events: list[tuple[Any, str | None, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every correction so far, oldest first: {"at", "by", "note", "sections": [{"section", "label_zh",
    "label_en", "reason", "changes": [(path, old, new)], "rows": [{"path", "label", "old", "new"}] (the
    changes as people read them: field titles, choice titles)}]}, from the audit trail's completions
    ((at, actor, data) of each `correct_application` completion)."""
    labels = form_registry.RETURN_SECTIONS
    describe = _describer(form_registry.json_schema(FORM_KEY))
    history = []
    for at, by, data in events:
        record = data.get(RECORD) or {}
        sections = []
        for item in record.get("returned") or []:
            section = item.get("section")
            if section not in labels:
                continue
            before, after = record.get("before") or {}, record.get("after") or {}
            changes = diff(before.get(section), after.get(section))
            sections.append({
                "section": section, "label_zh": labels[section][0], "label_en": labels[section][1],
                "reason": item.get("reason"), "changes": changes, "rows": _rows(changes, describe),
            })
        history.append({"at": at, "by": by, "note": data.get("correction_note"), "sections": sections})
    return history
