"""Every endpoint tried as every role: who may see and do what; anything out of scope is absent (404).

The scenario: one application from lead1 (崂山区), five members confirmed, submitted and waiting for the
district review (task T). district2 is a clerk of another district; expert1 sits on no panel yet.
"""

from __future__ import annotations

import pytest

from tests.support.diagrams import diagram
from tests.support.procedure import FORMS, LEAD, Walk

from .walk import modeler_upload, typed_map

ROLES = ("lead1", "member1", "district1", "district2", "city1", "expert1", "owner", "admin")
SEE_INSTANCE = {"lead1", "member1", "district1", "city1", "owner", "admin"}
SEE_TASK = {"district1", "city1", "owner", "admin"}
DEPLOYERS = {"owner", "admin"}
SOME = "some"


def only(allowed: set[str], yes, no) -> dict[str, object]:
    return {role: yes if role in allowed else no for role in ROLES}


@pytest.fixture
def scenario(server):
    walk = Walk(server.ctx)
    walk.start()
    walk.prepare_and_submit()
    [task] = walk.tasks_of("district1", "Task_DistrictReview")
    owner = server.client("owner")
    deployment = owner.rest("GET", "/deployment", params={"maxResults": 1}).json()[0]["id"]
    consortium = server.client("city1").get("/api/consortia").json()[0]["id"]
    return {"I": walk.instance_id, "T": task.id, "D": deployment, "C": consortium, "BK": walk.business_key}


def reads(s: dict) -> list[tuple[str, dict[str, object]]]:
    """(path, role -> expected status, or list size for list endpoints) for every read endpoint."""
    i, t = s["I"], s["T"]
    everyone = only(set(ROLES), 200, 200)
    return [
        ("/engine-rest/version", everyone),
        ("/engine-rest/deployment", only(DEPLOYERS, SOME, 0)),
        ("/engine-rest/deployment/count", only(DEPLOYERS, SOME, 0)),
        (f"/engine-rest/deployment/{s['D']}", only(DEPLOYERS, 200, 404)),
        ("/engine-rest/process-definition", only(set(ROLES), SOME, SOME)),
        ("/engine-rest/process-definition/count", only(set(ROLES), SOME, SOME)),
        ("/engine-rest/process-definition/key/consortium_recommendation", everyone),
        ("/engine-rest/process-definition/key/consortium_recommendation/xml", everyone),
        ("/engine-rest/process-definition/key/consortium_recommendation/form-variables", everyone),
        (f"/engine-rest/process-instance?businessKey={s['BK']}", only(SEE_INSTANCE, SOME, 0)),
        (f"/engine-rest/process-instance/count?businessKey={s['BK']}", only(SEE_INSTANCE, SOME, 0)),
        (f"/engine-rest/process-instance/{i}", only(SEE_INSTANCE, 200, 404)),
        (f"/engine-rest/process-instance/{i}/variables", only(SEE_INSTANCE, 200, 404)),
        (f"/engine-rest/process-instance/{i}/activity-instances", only(SEE_INSTANCE, 200, 404)),
        (f"/engine-rest/task?processInstanceId={i}", only(SEE_TASK, SOME, 0)),
        (f"/engine-rest/task/count?processInstanceId={i}", only(SEE_TASK, SOME, 0)),
        (f"/engine-rest/task/{t}", only(SEE_TASK, 200, 404)),
        (f"/engine-rest/task/{t}/variables", only(SEE_TASK, 200, 404)),
        (f"/engine-rest/task/{t}/form-variables", only(SEE_TASK, 200, 404)),
        (f"/engine-rest/task/{t}/comment", only(SEE_TASK, 200, 404)),
        (f"/engine-rest/history/process-instance?processInstanceId={i}", only(SEE_INSTANCE, SOME, 0)),
        (f"/engine-rest/history/process-instance/count?processInstanceId={i}", only(SEE_INSTANCE, SOME, 0)),
        (f"/engine-rest/history/process-instance/{i}", only(SEE_INSTANCE, 200, 404)),  # report-b 10e
        (f"/engine-rest/history/task?processInstanceId={i}", only(SEE_INSTANCE, SOME, 0)),
        (f"/engine-rest/history/task/count?processInstanceId={i}", only(SEE_INSTANCE, SOME, 0)),
        (f"/engine-rest/history/activity-instance?processInstanceId={i}", only(SEE_INSTANCE, SOME, 0)),
        (f"/engine-rest/history/activity-instance/count?processInstanceId={i}", only(SEE_INSTANCE, SOME, 0)),
        ("/api/consortia", only(SEE_INSTANCE, SOME, 0)),
        (f"/api/consortia/{s['C']}", only(SEE_INSTANCE, 200, 404)),
        ("/api/organisations", only(set(ROLES), SOME, SOME)),
        (f"/api/organisations/{LEAD}", everyone),
        ("/api/organisations/000000000000000000", only(set(ROLES), 404, 404)),
        ("/api/filings", only(set(ROLES), 0, 0)),
        ("/api/filings/QDCXLHT-2026-0001", only(set(ROLES), 404, 404)),
        (f"/api/process-instances/{i}", only(SEE_INSTANCE, 200, 404)),
        ("/api/openapi.json", everyone),
    ]


def observed(response, expected):
    """The status, or for a 200 list/count answer its size class, to compare with `expected`."""
    if expected in (SOME, 0) and response.status_code == 200:
        body = response.json()
        size = body["count"] if isinstance(body, dict) else len(body)
        return SOME if size > 0 else 0
    return response.status_code


def test_every_read_endpoint_as_every_role(server, scenario):
    clients = {role: server.client(role) for role in ROLES}
    anonymous = server.client(None)
    mismatches = []
    for path, expected in reads(scenario):
        for role in ROLES:
            got = observed(clients[role].get(path), expected[role])
            if got != expected[role]:
                mismatches.append(f"{role} GET {path}: expected {expected[role]}, got {got}")
        anon = anonymous.get(path)
        wanted = 200 if path == "/api/openapi.json" else 401
        if anon.status_code != wanted:
            mismatches.append(f"anonymous GET {path}: expected {wanted}, got {anon.status_code}")
    assert not mismatches, "\n".join(mismatches)


def test_every_command_as_every_role(server, scenario):
    """Refused roles go first, so the permitted one still finds the state it needs."""
    t = scenario["T"]
    form = {"variables": typed_map(FORMS["Task_DistrictReview"])}
    not_seeing = ["lead1", "member1", "district2", "expert1"]
    commands = [
        (
            "POST",
            "/engine-rest/deployment/create",
            "probe",
            [(r, 403) for r in ROLES if r not in DEPLOYERS] + [("owner", 200), ("admin", 200)],
        ),
        (
            "POST",
            "/engine-rest/process-definition/key/consortium_recommendation/start",
            {},
            [(r, 403) for r in ROLES if r != "lead1"] + [("lead1", 200)],
        ),
        (
            "POST",
            f"/engine-rest/task/{t}/comment/create",
            {"message": "请补充材料"},
            [(r, 404) for r in not_seeing] + [(r, 200) for r in sorted(SEE_TASK)],
        ),
        (
            "POST",
            f"/engine-rest/task/{t}/claim",
            "self",
            [(r, 404) for r in not_seeing]
            + [("city1", 403), ("owner", 403), ("admin", 403), ("district1", 204)],
        ),
        (
            "POST",
            f"/engine-rest/task/{t}/assignee",
            {"userId": "district1"},
            [(r, 404) for r in not_seeing]
            + [("owner", 403), ("city1", 204), ("admin", 204), ("district1", 204)],
        ),
        (
            "POST",
            f"/engine-rest/task/{t}/unclaim",
            None,
            [(r, 404) for r in not_seeing]
            + [("owner", 403), ("city1", 204), ("admin", 204), ("district1", 204)],
        ),
        (
            "POST",
            f"/engine-rest/task/{t}/complete",
            form,
            [(r, 404) for r in not_seeing]
            + [("city1", 403), ("owner", 403), ("admin", 403), ("district1", 204)],
        ),
    ]
    anonymous = server.client(None)
    mismatches = []
    for method, path, body, attempts in commands:
        if anonymous.request(method, path, json={}).status_code != 401:
            mismatches.append(f"anonymous {method} {path} was not refused with 401")
        for role, wanted in attempts:
            client = server.client(role)
            if body == "probe":
                response = client.request(
                    method, path, **modeler_upload({"p.bpmn": diagram("authz_probe")}, name="authz")
                )
            elif body == "self":
                response = client.request(method, path, json={"userId": role})
            else:
                response = client.request(method, path, json=body)
            if response.status_code != wanted:
                mismatches.append(
                    f"{role} {method} {path}: expected {wanted}, got {response.status_code} "
                    f"{response.text[:200]}"
                )
    assert not mismatches, "\n".join(mismatches)
    # The review went through, done by the district clerk.
    history = server.client("city1").get(f"/engine-rest/history/task?taskId={t}").json()
    assert history[0]["endTime"] and history[0]["assignee"] == "district1"
