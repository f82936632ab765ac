"""Issue 16: the real `pycamunda` client (PyPI, unmodified) drives the live server as an integrator would:
deploy (again unchanged, then a version 2), start with a business key and typed variables, the task list
by candidate group, claim, complete, variables. pycamunda has no history module: the history is read
with plain requests at the end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pycamunda.deployment
import pycamunda.processdef
import pycamunda.processinst
import pycamunda.task
import pytest
from requests.auth import HTTPBasicAuth

from service.consortium.demo import DEMO_PASSWORD

DIAGRAM = Path(__file__).parent / "expense_claim.bpmn"


def call(request, login: str):
    request.auth = HTTPBasicAuth(login, DEMO_PASSWORD)
    return request()


def deploy(url: str, path: Path, name: str, filtering: bool = True):
    create = pycamunda.deployment.Create(
        url, name=name, source="pycamunda", enable_duplicate_filtering=filtering
    )
    with path.open("rb") as diagram:
        create.add_resource(diagram)  # sends enable-duplicate-filtering=True/False (Python's spelling)
        return call(create, "owner")


def test_pycamunda_deploys_starts_and_works_a_task(server, tmp_path):
    url = server.base + "/engine-rest"
    first = deploy(url, DIAGRAM, "expense")
    [definition] = first.deployed_process_definitions.values()
    assert (definition.key, definition.version) == ("expense_claim", 1)
    again = deploy(url, DIAGRAM, "expense")
    assert not again.deployed_process_definitions  # unchanged: nothing new
    changed = tmp_path / "expense_claim.bpmn"
    changed.write_text(
        DIAGRAM.read_text().replace('name="Approve the claim"', 'name="Approve the expense claim"')
    )
    [second] = deploy(url, changed, "expense", filtering=False).deployed_process_definitions.values()
    assert second.version == 2

    start = pycamunda.processdef.StartInstance(url, key="expense_claim", business_key="EXP-2026-1")
    start.add_variable("amount", 1234, type_="Integer")
    start.add_variable("urgent", True, type_="Boolean")
    start.add_variable("payee", "海智装备", type_="String")
    start.add_variable(
        "spent_on", dt.datetime(2026, 3, 1, 9, 30).strftime("%Y-%m-%dT%H:%M:%S.000+0800"), type_="Date"
    )
    instance = call(start, "city1")  # body carries startInstructions [], skipCustomListeners false ...
    assert instance.business_key == "EXP-2026-1" and instance.definition_id == second.id_

    tasks = call(
        pycamunda.task.GetList(url, candidate_group="city_clerk", process_instance_id=instance.id_), "city2"
    )
    [task] = tasks
    assert task.name == "Approve the expense claim" and task.assignee is None
    call(pycamunda.task.Claim(url, id_=task.id_, user_id="city2"), "city2")
    [claimed] = call(pycamunda.task.GetList(url, assignee="city2", process_instance_id=instance.id_), "city2")
    assert claimed.id_ == task.id_

    variables = call(pycamunda.processinst.VariablesGetList(url, process_instance_id=instance.id_), "city2")
    assert variables["amount"].value == 1234 and variables["urgent"].value is True
    assert variables["payee"].value == "海智装备"
    update = pycamunda.processinst.VariablesUpdate(
        url, process_instance_id=instance.id_, var_name="amount", value=1000, type_="Integer"
    )
    call(update, "owner")
    one = call(
        pycamunda.processinst.VariablesGet(url, process_instance_id=instance.id_, var_name="amount"), "city2"
    )
    assert one.value == 1000

    complete = pycamunda.task.Complete(url, id_=task.id_)
    complete.add_variable("approved", True, type_="Boolean")
    call(complete, "city2")
    with pytest.raises(pycamunda.PyCamundaException):
        call(pycamunda.processinst.Get(url, id_=instance.id_), "city2")  # ended: no longer a runtime instance

    owner = server.client("owner")
    [history] = owner.rest(
        "GET", "/history/process-instance", params={"processInstanceId": instance.id_}
    ).json()
    assert history["state"] == "COMPLETED" and history["businessKey"] == "EXP-2026-1"
    [done] = owner.rest("GET", "/history/task", params={"processInstanceId": instance.id_}).json()
    assert done["assignee"] == "city2" and done["endTime"] is not None


def test_tenants_are_refused_not_stored_and_ignored(server):
    url = server.base + "/engine-rest"
    create = pycamunda.deployment.Create(url, name="expense", tenant_id="tenant-b")
    with DIAGRAM.open("rb") as diagram:
        create.add_resource(diagram)
        with pytest.raises(pycamunda.PyCamundaException, match="tenants are not supported"):
            call(create, "owner")
