"""Task forms drawn from the form's JSON Schema (the same marshmallow schema validates them), and the
posted fields turned back into the nested data the schema expects.

Field names are dotted paths (`plan.goals`, `invited_members.2.name`), so a plain HTML form without
JavaScript can carry nested objects and tables, and errors map back onto the field that caused them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

FILE_REF = {"file_id", "sha256", "name"}
EXTRA_ROWS = 2
MIN_ROWS = 6  # a consortium has at least five members in practice


@dataclass
class FieldView:
    name: str
    label: str
    label_en: str
    kind: str  # text textarea number date select yesno tick lines file group table
    required: bool = False
    help: str | None = None
    options: list[tuple[str, str, str]] = field(default_factory=list)  # value, zh, en
    children: list[FieldView] = field(default_factory=list)  # group members or table columns
    min_items: int = 0


def describe(schema: dict[str, Any], prefix: str = "") -> list[FieldView]:
    """The fields of an object schema, in declaration order."""
    required = set(schema.get("required", []))
    for rule in schema.get("allOf", []):  # conditionally required: shown as optional, checked on submit
        required -= set(rule.get("then", {}).get("required", []))
    properties = schema.get("properties", {})
    return [_field(f"{prefix}{key}", prop, key in required) for key, prop in properties.items()]


def _field(name: str, prop: dict[str, Any], required: bool) -> FieldView:
    view = FieldView(
        name=name, label=prop.get("title", name), label_en=prop.get("x-title-en", name), kind="text",
        required=required, help=prop.get("description"),
    )
    types = prop.get("type")
    kind = types[0] if isinstance(types, list) else types
    if kind == "object" and FILE_REF <= set(prop.get("properties", {})):
        view.kind = "file"
    elif kind == "object":
        view.kind, view.children = "group", describe(prop, f"{name}.")
    elif kind == "array" and prop.get("items", {}).get("type") == "object":
        view.kind, view.children = "table", describe(prop["items"])
        view.min_items = prop.get("minItems", 0)
    elif kind == "array":
        view.kind = "lines"
    elif "oneOf" in prop:
        view.kind = "select"
        view.options = [
            (o["const"], o.get("title", o["const"]), o.get("x-title-en", o["const"])) for o in prop["oneOf"]
        ]
    elif kind == "boolean":
        view.kind = "tick" if prop.get("const") is True else "yesno"
    elif kind in ("number", "integer"):
        view.kind = "number"
    elif prop.get("format") == "date":
        view.kind = "date"
    elif prop.get("maxLength", 0) > 200 or prop.get("minLength", 0) >= 20:
        view.kind = "textarea"
    return view


def parse(views: list[FieldView], form: MultiDict, prefix: str = "") -> dict[str, Any]:
    """Posted fields to nested data; blanks are left out so the schema reports required fields itself."""
    data: dict[str, Any] = {}
    for view in views:
        key = view.name.rsplit(".", 1)[-1]
        name = f"{prefix}{key}" if prefix else view.name
        value = _parse_one(view, name, form)
        if value is not None:
            data[key] = value
    return data


def _parse_one(view: FieldView, name: str, form: MultiDict) -> Any:
    raw = (form.get(name) or "").strip()
    if view.kind == "group":
        return parse(view.children, form, f"{name}.") or None
    if view.kind == "table":
        rows = []
        index = 0
        while any(k.startswith(f"{name}.{index}.") for k in form):
            row = parse(view.children, form, f"{name}.{index}.")
            if row:
                rows.append(row)
            index += 1
        return rows or None
    if view.kind == "file":
        ref = {k: (form.get(f"{name}.{k}") or "").strip() for k in sorted(FILE_REF)}
        return ref if all(ref.values()) else None
    if view.kind == "lines":
        items = [line.strip() for line in raw.splitlines() if line.strip()]
        return items or None
    if view.kind == "tick":
        return raw in ("on", "true", "1")
    if view.kind == "yesno":
        return {"true": True, "false": False}.get(raw)
    return raw or None


def flatten_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages keyed by the dotted field names the page uses."""
    if isinstance(errors, list):
        messages = [m for m in errors if isinstance(m, str)]
        out = {prefix.rstrip("."): messages} if messages else {}
        for item in errors:
            if isinstance(item, dict):
                out.update(flatten_errors(item, prefix))
        return out
    out: dict[str, list[str]] = {}
    for key, value in (errors or {}).items():
        out.update(flatten_errors(value, f"{prefix}{key}."))
    return out


def lookup(values: dict[str, Any] | None, name: str) -> Any:
    """The value at a dotted path, or None."""
    current: Any = values or {}
    for part in name.split("."):
        if isinstance(current, list) and part.isascii() and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        elif isinstance(current, dict):
            current = current.get(part)
        else:
            return None
    return current


def label_for(views: list[FieldView], name: str, english: bool = False) -> str:
    """A readable label for an error path: "成员单位 #2 单位名称" rather than `invited_members.1.name`;
    whole-submission errors (`_schema`: a failing diagram, an invalid timer) read "提交 / Submission"."""
    if name == "_schema":
        return "Submission" if english else "提交"
    parts, words, current = name.split("."), [], views
    for part in parts:
        if part.isascii() and part.isdigit():
            words.append(f"#{int(part) + 1}")
            continue
        found = next((v for v in current if v.name.rsplit(".", 1)[-1] == part), None)
        if found is None:
            break
        words.append(found.label_en if english else found.label)
        current = found.children
    return " ".join(words) or name


def row_count(view: FieldView, values: dict[str, Any] | None) -> int:
    present = lookup(values, view.name)
    have = len(present) if isinstance(present, list) else 0
    return max(have + EXTRA_ROWS, view.min_items, MIN_ROWS)


def file_fields(views: list[FieldView]) -> list[FieldView]:
    found = []
    for view in views:
        if view.kind == "file":
            found.append(view)
        elif view.kind == "group":
            found.extend(file_fields(view.children))
    return found


def put(values: dict[str, Any], name: str, value: Any) -> None:
    """Set a dotted path in nested data (used to attach an uploaded file's reference)."""
    *parents, last = name.split(".")
    current = values
    for part in parents:
        current = current.setdefault(part, {})
    current[last] = value
