"""Issue 19, "Done when" #3 at the edges: a diagram naming a delegate or listener nobody registered is
refused at deploy — by /engine-rest/deployment/create as Camunda's ParseException naming the element,
and by `consortium deploy` — and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from service.cli import cli
from service.store.models import ProcessDefinition

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
    assert any(line.startswith("hook:before_complete\t") for line in lines)
