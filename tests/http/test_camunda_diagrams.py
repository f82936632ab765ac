"""Issue 15 items 5, 4, 3, 7: diagrams written for Camunda 7 deploy through /engine-rest as Modeler sends
them and run unchanged: JUEL conditions and `${initiator}`, a refused method call naming the element and
column, owners and administrators starting any process, tasks nobody is offered, manual tasks, data
stores, and call activities deployed before their callee."""

from __future__ import annotations

import pytest

from service.engine import jobs
from tests.support.drawn import chain, drawn

from .running import complete, get, open_tasks
from .walk import modeler_upload


def _upload(server, key: str, document: bytes, login: str = "owner"):
    return server.client(login).rest("POST", "/deployment/create",
                                     **modeler_upload({f"{key}.bpmn": document}, name=key))


def _deploy(server, key: str, body: str, starters: str = "city_clerk") -> dict:
    response = _upload(server, key, drawn(key, body, starters=starters))
    assert response.status_code == 200, response.text
    return response.json()


def _start(server, key: str, variables: dict | None = None, login: str = "city1"):
    return server.client(login).rest("POST", f"/process-definition/key/{key}/start",
                                     json={"variables": variables or {}})


def _started(server, key: str, variables: dict | None = None, login: str = "city1") -> str:
    response = _start(server, key, variables, login)
    assert response.status_code == 200, response.text
    return response.json()["id"]


# --- item 5: JUEL ------------------------------------------------------------------------------

ROUTED = """<bpmn:startEvent id="Start_1" />
    <bpmn:exclusiveGateway id="Gateway_1" default="Flow_other" />
    <bpmn:userTask id="Task_Big" name="大额" camunda:candidateGroups="city_clerk" />
    <bpmn:userTask id="Task_AB" name="属性" camunda:candidateGroups="city_clerk" />
    <bpmn:userTask id="Task_Yes" name="同意" camunda:candidateGroups="city_clerk" />
    <bpmn:userTask id="Task_No" name="不同意" camunda:candidateGroups="city_clerk" />
    <bpmn:userTask id="Task_Other" name="其他" camunda:candidateGroups="city_clerk" />
    <bpmn:sequenceFlow id="Flow_in" sourceRef="Start_1" targetRef="Gateway_1" />
    <bpmn:sequenceFlow id="Flow_big" sourceRef="Gateway_1" targetRef="Task_Big">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${amount &gt; 1000}
      </bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_ab" sourceRef="Gateway_1" targetRef="Task_AB">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">
        ${a.b == 'x' &amp;&amp; !empty c}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_yes" sourceRef="Gateway_1" targetRef="Task_Yes">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${approved}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_no" sourceRef="Gateway_1" targetRef="Task_No">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">#{not approved}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_other" sourceRef="Gateway_1" targetRef="Task_Other" />"""


@pytest.mark.parametrize(("variables", "expected"), [
    ({"amount": 2000, "a": {"b": "x"}, "c": [1], "approved": True}, "Task_Big"),
    ({"amount": 5, "a": {"b": "x"}, "c": [1], "approved": True}, "Task_AB"),
    ({"amount": 5, "a": {"b": "x"}, "c": [], "approved": True}, "Task_Yes"),
    ({"amount": 5, "a": {"b": "y"}, "c": None, "approved": False}, "Task_No"),
])
def test_juel_conditions_route_as_in_camunda(server, variables, expected):
    _deploy(server, "juel_routes", ROUTED)
    instance = _started(server, "juel_routes", {k: {"value": v} for k, v in variables.items()})
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance)] == [expected]


def test_initiator_is_the_starting_user_and_a_juel_assignee(server):
    body = chain('<bpmn:startEvent id="Start_1" camunda:initiator="initiator" />',
                 '<bpmn:userTask id="Task_Mine" name="发起人办理" camunda:assignee="${initiator}" '
                 'camunda:dueDate="${due}" camunda:priority="#{level * 10}" />',
                 '<bpmn:endEvent id="End_1" />')
    _deploy(server, "juel_initiator", body)
    instance = _started(server, "juel_initiator", {"due": {"value": "2030-01-02"}, "level": {"value": 3}})
    (task,) = open_tasks(server, instance)
    assert task["assignee"] == "city1" and task["priority"] == 30 and task["due"].startswith("2030-01-0")
    assert get(server, f"/process-instance/{instance}/variables")["initiator"]["value"] == "city1"
    assert complete(server, task["id"]).status_code == 204


def test_a_method_call_is_refused_naming_element_expression_and_column(server):
    body = chain('<bpmn:startEvent id="Start_1" />',
                 '<bpmn:userTask id="Task_Due" name="到期" camunda:candidateGroups="city_clerk" '
                 'camunda:dueDate="${dateTime().plusDays(2).toDate()}" />',
                 '<bpmn:userTask id="Task_Bean" name="Bean" camunda:candidateGroups="city_clerk" '
                 'camunda:assignee="#{userService.pick(execution)}" />',
                 '<bpmn:endEvent id="End_1" />')
    response = _upload(server, "juel_refused", drawn("juel_refused", body))
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert "[Task_Due]" in message and "${dateTime().plusDays(2).toDate()}" in message
    assert "column 11" in message  # the "(" after dateTime
    assert "[Task_Bean]" in message and "#{userService.pick(execution)}" in message and "column 19" in message


# --- item 4: who may start ------------------------------------------------------------------

SIMPLE = chain('<bpmn:startEvent id="Start_1" />',
               '<bpmn:userTask id="Task_1" name="办理" camunda:candidateGroups="city_clerk" />',
               '<bpmn:endEvent id="End_1" />')


def test_owners_and_administrators_start_any_process_others_need_a_starter_group(server):
    _deploy(server, "anyone_tries", SIMPLE, starters="expert")
    assert _start(server, "anyone_tries", login="owner").status_code == 200
    assert _start(server, "anyone_tries", login="admin").status_code == 200
    assert _start(server, "anyone_tries", login="lead1").status_code == 403
    assert _start(server, "anyone_tries", login="city1").status_code == 403


def test_candidate_starter_users(server):
    document = drawn("named_starter", SIMPLE, starters="expert").replace(
        b'camunda:candidateStarterGroups="expert"', b'camunda:candidateStarterUsers="lead1"')
    assert _upload(server, "named_starter", document).status_code == 200
    assert _start(server, "named_starter", login="lead1").status_code == 200
    assert _start(server, "named_starter", login="city1").status_code == 403


# --- item 3: every task can be worked ----------------------------------------------------------

def test_a_task_offered_to_nobody_is_claimed_or_assigned_by_an_administrator_or_owner(server):
    body = chain('<bpmn:startEvent id="Start_1" />', '<bpmn:userTask id="Task_Nobody" name="无人" />',
                 '<bpmn:endEvent id="End_1" />')
    deployed = _deploy(server, "nobody_offered", body)
    assert any("Task_Nobody" in w for w in deployed["warnings"])
    first, second = (_started(server, "nobody_offered") for _ in range(2))
    (task,) = open_tasks(server, first)
    assert server.client("city1").rest("POST", f"/task/{task['id']}/claim", json={"userId": "city1"}
                                       ).status_code == 403
    assert server.client("admin").rest("POST", f"/task/{task['id']}/claim", json={"userId": "admin"}
                                       ).status_code == 204
    assert server.client("admin").rest("POST", f"/task/{task['id']}/complete", json={}).status_code == 204
    (other,) = open_tasks(server, second)
    assert server.client("owner").rest("POST", f"/task/{other['id']}/assignee", json={"userId": "city1"}
                                       ).status_code == 204
    assert complete(server, other["id"]).status_code == 204
    (done,) = get(server, f"/history/process-instance?processInstanceId={second}")
    assert done["state"] == "COMPLETED"


def test_manual_tasks_and_plain_tasks_pass_straight_through(server):
    body = chain('<bpmn:startEvent id="Start_1" />', '<bpmn:manualTask id="Manual_1" name="线下盖章" />',
                 '<bpmn:task id="Plain_1" name="说明" />',
                 '<bpmn:userTask id="Task_1" name="办理" camunda:candidateGroups="city_clerk" />',
                 '<bpmn:endEvent id="End_1" />')
    _deploy(server, "passing", body)
    instance = _started(server, "passing")
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance)] == ["Task_1"]


def test_data_stores_and_data_objects_are_accepted_and_ignored(server):
    body = chain('<bpmn:startEvent id="Start_1" />',
                 '<bpmn:userTask id="Task_1" name="登记" camunda:candidateGroups="city_clerk">'
                 '<bpmn:dataOutputAssociation id="Assoc_Out"><bpmn:targetRef>Store_Ref</bpmn:targetRef>'
                 '</bpmn:dataOutputAssociation></bpmn:userTask>',
                 '<bpmn:endEvent id="End_1" />')
    body += ('\n<bpmn:dataStoreReference id="Store_Ref" name="档案库" />'
             '\n<bpmn:dataObjectReference id="Doc_Ref" name="申请书" dataObjectRef="Doc_1" />'
             '\n<bpmn:dataObject id="Doc_1" />')
    _deploy(server, "with_store", body)
    instance = _started(server, "with_store")
    (task,) = open_tasks(server, instance)
    assert complete(server, task["id"]).status_code == 204


# --- item 7: deploy in any order -----------------------------------------------------------------

CALLER = chain('<bpmn:startEvent id="Start_1" />',
               '<bpmn:callActivity id="Call_Late" name="调用" calledElement="late_child" />',
               '<bpmn:userTask id="Task_After" name="之后" camunda:candidateGroups="city_clerk" />',
               '<bpmn:endEvent id="End_1" />')


def test_a_call_activity_deploys_before_its_callee(server):
    _deploy(server, "early_parent", CALLER)
    refused = _start(server, "early_parent")
    assert refused.status_code in (400, 404, 409, 422), refused.text
    assert "late_child" in refused.json()["message"]
    _deploy(server, "late_child", SIMPLE.replace("Start_1", "Start_C").replace("Task_1", "Task_C")
            .replace("End_1", "End_C"))
    instance = _started(server, "early_parent")
    (child,) = open_tasks(server, instance)
    assert child["taskDefinitionKey"] == "Task_C"
    assert complete(server, child["id"]).status_code == 204
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance)] == ["Task_After"]


def test_every_problem_of_a_file_is_reported_at_once(server):
    """Before, an association to a data store refused the file with that one problem."""
    body = chain('<bpmn:startEvent id="Start_1" />',
                 '<bpmn:userTask id="Task_A" name="A" camunda:candidateGroups="city_clerk" '
                 'camunda:assignee="${a.b()}"><bpmn:dataOutputAssociation id="Assoc_Out">'
                 '<bpmn:targetRef>Store_Ref</bpmn:targetRef></bpmn:dataOutputAssociation></bpmn:userTask>',
                 '<bpmn:serviceTask id="Service_1" name="S" />',
                 '<bpmn:endEvent id="End_1" />')
    body += '\n<bpmn:dataStoreReference id="Store_Ref" name="档案库" />'
    response = _upload(server, "many_problems", drawn("many_problems", body))
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert "[Task_A]" in message and "${a.b()}" in message and "[Service_1]" in message
    assert "dataOutputAssociation" not in message


def test_a_missing_callee_reached_by_a_timer_is_an_incident_naming_the_key(server, clock):
    hour = ('<bpmn:intermediateCatchEvent id="Timer_Hour" name="一小时"><bpmn:timerEventDefinition id="TD_H">'
            '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration>'
            "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>")
    _deploy(server, "timed_parent", chain(
        '<bpmn:startEvent id="Start_1" />', hour,
        '<bpmn:callActivity id="Call_Missing" name="调用" calledElement="never_deployed" />',
        '<bpmn:endEvent id="End_1" />'))
    instance = _started(server, "timed_parent")
    for _ in range(6):
        clock.advance(hours=1, minutes=1)
        jobs.fire_due_jobs(server.ctx)
    (incident,) = get(server, f"/incident?processInstanceId={instance}", "admin")
    assert "never_deployed" in incident["incidentMessage"] and "Call_Missing" in incident["incidentMessage"]


def test_juel_collection_element_assignee_and_input_parameter(server):
    review = ('<bpmn:userTask id="Task_Review" name="评审" camunda:assignee="${reviewer}">'
              '<bpmn:extensionElements><camunda:inputOutput>'
              '<camunda:inputParameter name="doubled">#{amount * 2}</camunda:inputParameter>'
              '</camunda:inputOutput></bpmn:extensionElements>'
              '<bpmn:multiInstanceLoopCharacteristics camunda:collection="${reviewers}" '
              'camunda:elementVariable="reviewer" /></bpmn:userTask>')
    _deploy(server, "juel_collection", chain('<bpmn:startEvent id="Start_1" />', review,
                                             '<bpmn:endEvent id="End_1" />'))
    instance = _started(server, "juel_collection", {"reviewers": {"value": ["city1", "owner"]},
                                                    "amount": {"value": 21}})
    tasks = open_tasks(server, instance)
    assert sorted(t["assignee"] for t in tasks) == ["city1", "owner"]
    (mine,) = [t for t in tasks if t["assignee"] == "city1"]
    assert get(server, f"/task/{mine['id']}/variables")["doubled"]["value"] == 42
