"""A built-in form's file reference must name a file that was uploaded (users' report finding 2).

A form field of type `FileRefSchema` ({"file_id", "sha256", "name"}) stands for an uploaded document
(a signed agreement, an agency's evaluation report …). The form schema checks only its shape, so over
/engine-rest anyone could complete a task with a reference to a file that never existed. Every
completion and resolution (the task page, `complete`, `submit-form`, `resolve`) therefore checks each
reference: the file exists as a task upload (uploads.store_for_task) of the task's instance or of the
caller, and its SHA-256 and name are the ones referred to. Otherwise the field is named in a 422.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields
from sqlalchemy.orm import Session

from forms import registry as form_registry
from forms.fields import FileRefSchema

from ..actors import Actor
from .store.models import StoredFile

PROBLEM = ("文件引用无效：须为本案已上传的文件，且编号、SHA-256 摘要与文件名一致 / Unknown file: refer to a "
           "document uploaded for this case, with its id, SHA-256 digest and name")


def _nested_schema(field: fields.Field) -> Schema | None:
    if isinstance(field, fields.Nested):
        schema = field.schema
        return schema if isinstance(schema, Schema) else None
    return None


def _problems(schema: Schema, value: Any, check) -> dict[str, Any]:
    """{field: [problem]} (nested as marshmallow nests its messages) for each bad reference in `value`."""
    found: dict[str, Any] = {}
    if not isinstance(value, dict):
        return found
    for name, field in schema.fields.items():
        key = field.data_key or name
        item = value.get(name, value.get(key))
        if item is None:
            continue
        inner = field.inner if isinstance(field, fields.List) else None
        nested = _nested_schema(inner if inner is not None else field)
        if nested is None:
            continue
        items = list(enumerate(item)) if inner is not None and isinstance(item, list) else [(None, item)]
        for index, element in items:
            if isinstance(nested, FileRefSchema):
                problem = [PROBLEM] if not check(element) else None
            else:
                problem = _problems(nested, element, check) or None
            if problem is None:
                continue
            if index is None:
                found[key] = problem
            else:
                found.setdefault(key, {})[index] = problem
    return found


def unknown_files(session: Session, form_key: str | None, data: dict[str, Any], *, instance_id: str,
                  actor: Actor) -> dict[str, Any]:
    """The file-reference fields of built-in form `form_key` in `data` that name no matching upload of
    the instance `instance_id` or of `actor`, as form errors ({} when every reference holds)."""
    try:
        schema = form_registry.shared_form(form_key or "")
    except form_registry.UnknownForm:
        return {}

    def known(ref: Any) -> bool:
        if not isinstance(ref, dict) or not isinstance(ref.get("file_id"), str):
            return False
        row = session.get(StoredFile, ref["file_id"])
        return (
            row is not None
            and row.purpose == "task"
            and (row.instance_id == instance_id or row.uploaded_by == actor.id)
            and row.sha256 == ref.get("sha256")
            and row.name == ref.get("name")
        )

    return _problems(schema, data, known)
