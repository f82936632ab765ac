"""Issue 19, "Done when" #3 at the edges: a diagram naming a delegate or listener nobody registered is
refused at deploy — by /engine-rest/deployment/create as Camunda's ParseException naming the element,
and by `consortium deploy` — and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from service.cli import cli
from service.engine.store.models import ProcessDefinition
from tests.generic.test_leave_request import leave_context

from .conftest import Server
from .walk import modeler_upload

LEAVE = Path(__file__).resolve().parents[1] / "generic" / "leave_request.bpmn"


def test_modeler_deploy_of_unregistered_names_is_a_parse_exception_naming_element_and_name(server):
    owner = server.client("owner")
    upload = modeler_upload({"leave_request.bpmn": LEAVE.read_bytes()}, name="leave")
    response = owner.rest("POST", "/deployment/create", **upload)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["type"] == "ParseException"
    errors = body["details"]["leave_request.bpmn"]["errors"]
    named = {(e["mainElementId"], name) for e in errors
             for name in ("leaveAudit", "leaveTaskListener", "recordLeave") if f"'{name}'" in e["message"]}
    assert named == {("leave_request", "leaveAudit"), ("Task_Approve", "leaveAudit"),
                     ("Task_Approve", "leaveTaskListener"), ("Task_Record", "recordLeave")}
    assert all(e["line"] for e in errors)
    with server.ctx.unit_of_work(write=False) as uow:
        stored = uow.session.scalars(sa.select(ProcessDefinition.key)).all()
    assert "leave_request" not in stored


def test_consortium_deploy_refuses_unregistered_names(database_url, monkeypatch):
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["deploy", str(LEAVE)])
    assert result.exit_code == 2
    assert "Task_Record" in result.output and "'recordLeave'" in result.output
    assert "Task_Approve" in result.output and "'leaveTaskListener'" in result.output


def test_consortium_extensions_lists_what_the_domain_registered(database_url, monkeypatch):
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli, ["extensions"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("hook:after_save\t") and line.endswith(".sync") for line in lines)
    listeners = {line.split("\t")[1] for line in lines if line.startswith("taskListener\t")}
    assert {"roundWindowCheck", "decidedByRound", "expertDeclarationCheck", "signedScoreSheetCheck",
            "creditRecordCheck"} <= listeners  # the names the bundled diagrams declare


def test_a_complete_task_listener_refusing_is_a_400_over_engine_rest_and_nothing_is_saved(database_url):
    """The leave request's task listener refuses an empty comment; offered to demo roles here."""
    ctx = leave_context(database_url, refuse_on="complete")
    server = Server(ctx)
    server.thread.start()
    try:
        owner, clerk = server.client("owner"), server.client("city1")
        diagram = LEAVE.read_bytes().replace(b'"employee"', b'"city_clerk"')
        diagram = diagram.replace(b'"manager"', b'"city_clerk"')
        upload = modeler_upload({"leave_request.bpmn": diagram}, name="leave")
        assert owner.rest("POST", "/deployment/create", **upload).status_code == 200
        started = clerk.rest("POST", "/process-definition/key/leave_request/start",
                             json={"variables": {"days": {"value": 2, "type": "Integer"}}})
        assert started.status_code == 200, started.text
        instance = started.json()["id"]
        [task] = clerk.rest("GET", "/task", params={"processInstanceId": instance}).json()
        empty = {"variables": {"approved": {"value": True, "type": "Boolean"},
                               "comment": {"value": "", "type": "String"}}}
        refused = clerk.rest("POST", f"/task/{task['id']}/complete", json=empty)
        assert refused.status_code == 400, refused.text
        assert "comment" in refused.text
        assert [t["id"] for t in clerk.rest("GET", "/task", params={"processInstanceId": instance}).json()] \
            == [task["id"]]
        empty["variables"]["comment"]["value"] = "ok"
        assert clerk.rest("POST", f"/task/{task['id']}/complete", json=empty).status_code == 204
        variables = clerk.rest("GET", f"/process-instance/{instance}/variables").json()
        assert variables["leave_recorded"]["value"] == 2
    finally:
        server.http.shutdown()
        server.thread.join(timeout=10)
        ctx.db.dispose()
