"""Camunda's four routes on one variable scope, registered once for each scope that has them.

For a scope at `base` (e.g. `/task/<owner_id>/variables`), Camunda 7.21 has `GET|PUT|DELETE {base}/{varName}`
(one variable: its typed value; set it; remove it) and `POST {base}` (a batch of `modifications` and
`deletions`). Process instances, tasks and task-local variables differ only in how they read and write,
so each passes those two functions here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, jsonify

from ...errors import NotFound
from .params import query_params
from .variables import patch_body, typed_value, variable_body

Read = Callable[[str], Mapping[str, Any]]
"""owner id → the scope's variables (the typed mapping `typed_value` reads); raises NotFound when unseen."""

Write = Callable[[str, dict[str, Any], list[str]], None]
"""(owner id, modifications {name: value}, deletions [name]) → None; the use case checks and audits."""


def add_variable_routes(
    bp: Blueprint, base: str, endpoint: str, *, read: Read, write: Write, missing: str
) -> None:
    """Register the scope's four routes on `bp`; `base` has the `<owner_id>` placeholder, `endpoint` prefixes
    the endpoint names, `missing` is the 404 message with `{name}` for an absent variable."""

    def read_one(owner_id: str, name: str):
        query_params({"deserializeValue"}).flag("deserializeValue")
        values = read(owner_id)
        if name not in values:
            raise NotFound(missing.format(name=name))
        return jsonify(typed_value(values, name))

    def put_one(owner_id: str, name: str):
        write(owner_id, {name: variable_body(name)}, [])
        return "", 204

    def delete_one(owner_id: str, name: str):
        write(owner_id, {}, [name])
        return "", 204

    def modify(owner_id: str):
        modifications, deletions = patch_body()
        write(owner_id, modifications, deletions)
        return "", 204

    bp.add_url_rule(f"{base}/<name>", f"{endpoint}_get", read_one, methods=["GET"])
    bp.add_url_rule(f"{base}/<name>", f"{endpoint}_put", put_one, methods=["PUT"])
    bp.add_url_rule(f"{base}/<name>", f"{endpoint}_delete", delete_one, methods=["DELETE"])
    bp.add_url_rule(base, f"{endpoint}_modify", modify, methods=["POST"])
