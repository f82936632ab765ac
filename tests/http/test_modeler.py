"""What Camunda Modeler sends when Deploy is pressed: the connection check, then the multipart create."""

from __future__ import annotations

from tests.support.diagrams import diagram

from .walk import modeler_upload

PROBE = "modeler_probe"


def test_deploy_button_twice_unchanged_then_changed(server):
    owner = server.client("owner")

    check = owner.rest("GET", "/deployment", params={"maxResults": 1})
    assert check.status_code == 200 and isinstance(check.json(), list) and len(check.json()) == 1

    def press_deploy(content: bytes):
        response = owner.rest(
            "POST",
            "/deployment/create",
            **modeler_upload({"modeler_probe.bpmn": content}, name="modeler_probe"),
        )
        assert response.status_code == 200, response.text
        return response.json()

    first = press_deploy(diagram(PROBE))
    assert first["name"] == "modeler_probe" and first["source"] == "Camunda Modeler"
    [created] = first["deployedProcessDefinitions"].values()
    assert (created["key"], created["version"], created["deploymentId"]) == (PROBE, 1, first["id"])

    again = press_deploy(diagram(PROBE))
    assert again["id"] == first["id"]  # the existing deployment answers; nothing new was stored
    assert not again["deployedProcessDefinitions"]

    changed = press_deploy(diagram(PROBE, name="小流程 v2"))
    [second] = changed["deployedProcessDefinitions"].values()
    assert second["version"] == 2 and changed["id"] != first["id"]

    versions = owner.rest("GET", "/process-definition", params={"key": PROBE}).json()
    assert [d["version"] for d in versions] == [1, 2]
    latest = owner.rest("GET", "/process-definition", params={"key": PROBE, "latestVersion": "true"}).json()
    assert [d["id"] for d in latest] == [second["id"]]
    assert owner.rest("GET", f"/process-definition/key/{PROBE}").json()["version"] == 2
    deployments = owner.rest("GET", "/deployment", params={"name": "modeler_probe"}).json()
    assert len(deployments) == 2


def test_without_credentials_modeler_is_challenged_for_basic_auth(server):
    anonymous = server.client(None)
    response = anonymous.rest("GET", "/deployment", params={"maxResults": 1})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic ")
    wrong = server.client("owner", password="not-the-password")
    assert wrong.rest("GET", "/deployment", params={"maxResults": 1}).status_code == 401


def test_a_broken_diagram_is_refused_as_a_parse_exception_naming_the_element(server):
    owner = server.client("owner")
    broken = diagram(PROBE, condition="__import__('os').system('true') == 0")
    response = owner.rest("POST", "/deployment/create", **modeler_upload({"probe.bpmn": broken}, name="x"))
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "ParseException"
    errors = body["details"]["probe.bpmn"]["errors"]
    assert any(e["mainElementId"] == "Flow_cond" for e in errors)


def test_only_process_owners_deploy(server):
    for login in ("city1", "lead1", "expert1"):
        response = server.client(login).rest(
            "POST", "/deployment/create", **modeler_upload({"p.bpmn": diagram(PROBE)}, name="x")
        )
        assert response.status_code == 403 and response.json()["type"] == "AuthorizationException"
