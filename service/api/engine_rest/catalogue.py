"""The /engine-rest operations this server answers, read from the app's routes, and those it refuses on
purpose with the reason: the README's table is generated from here (`python
scripts/engine_rest_catalogue.py`), and tests/integrators/test_readme_catalogue.py fails when the README
and the routes disagree, so the table cannot drift.
"""

from __future__ import annotations

import re

from flask import Flask

PREFIX = "/engine-rest"
START, END = "<!-- engine-rest-operations:start -->", "<!-- engine-rest-operations:end -->"
# our route variables under Camunda's path parameter names
CAMUNDA_NAMES = {
    "name": "varName", "comment_id": "commentId", "member": "userId", "message_name": "messageName"
}

REFUSED: tuple[tuple[str, str], ...] = (
    (
        "`tenant-id` on deploy, `tenantIdIn` / `withoutTenantId` in queries",
        '400 ("tenants are not supported", or the query\'s unsupported parameter): one bureau, one tenant; '
        "never stored and ignored",
    ),
    (
        "`startInstructions` (non-empty) on start",
        "400: starting at a chosen activity is not supported "
        "(`/process-instance/{id}/modification`: 404)",
    ),
    (
        "`/migration/executeAsync`; `variables`, several activities per instruction, or a mapping to "
        "another activity id in a migration plan",
        "404 / 400: migration runs synchronously, all or none, mapping each activity to the one with "
        "the same id (the simple case); `validationReport` names what cannot move",
    ),
    (
        "`deployment-activation-time` on deploy, `executionDate` on suspension",
        "400: definitions are active when deployed; suspension takes effect at once",
    ),
    (
        "`variables` / `localVariables` on `POST /external-task/{id}/failure`",
        "400: a failure does not move the instance on, so variables would be set without a step",
    ),
    (
        "`bpmnError` whose code no boundary event on the task catches, for a task inside a sub-process "
        "or in a diagram with other error catch events (event sub-process, sub-process boundary)",
        "400 naming the code: Camunda would propagate the error to the enclosing scope, which is not "
        "modelled here; anywhere else the error ends the task's path, as Camunda's default does",
    ),
    (
        "`tenantId`, `withoutTenantId`, `localCorrelationKeys`, `processVariablesLocal` on `POST /message`",
        "400: one tenant; variables local to the waiting element are not kept apart from the instance's",
    ),
    (
        "CMMN (`/case-*`), DMN requirements graphs and history (`/decision-requirements-definition`, "
        "`/history/decision-*`), `/authorization`, `/tenant`, `/filter`, `/batch`, `/signal`; "
        "`PUT /user/{id}/credentials|profile`, `PUT|DELETE /group/{id}`, `/identity/verify|password-policy`",
        "404: not part of this back office's REST surface; users and groups: the operations above, "
        "`consortium user|group` and the admin page",
    ),
)


def operations(app: Flask) -> list[tuple[str, str]]:
    """(method, Camunda path template) of every /engine-rest route, sorted by path then method."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(
            r"<(?:\w+:)?(\w+)>", lambda m: "{" + _camunda_name(m.group(1)) + "}", rule.rule[len(PREFIX) :]
        )
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method, path))
    order = {"GET": 0, "POST": 1, "PUT": 2, "DELETE": 3}
    return sorted(found, key=lambda op: (op[1], order.get(op[0], 9)))


def _camunda_name(name: str) -> str:
    if name in CAMUNDA_NAMES:
        return CAMUNDA_NAMES[name]
    return "id" if name.endswith("_id") else name


def markdown(app: Flask) -> str:
    """The README section, markers included."""
    lines = [START, "", "| method | path (under `/engine-rest`) |", "|---|---|"]
    lines += [f"| {method} | `{path}` |" for method, path in operations(app)]
    lines += ["", "Refused on purpose:", "", "| what | answer and reason |", "|---|---|"]
    lines += [f"| {what} | {why} |" for what, why in REFUSED]
    lines += ["", END]
    return "\n".join(lines)


def replace_section(readme: str, section: str) -> str:
    """`readme` with the text between the markers replaced by `section` (appended if absent)."""
    if START in readme and END in readme:
        head, rest = readme.split(START, 1)
        _, tail = rest.split(END, 1)
        return head + section + tail
    return readme.rstrip("\n") + "\n\n" + section + "\n"
