"""Issue 16, second pass: `localVariables` on `POST /external-task/{id}/complete` are the activity's own,
as in Camunda: its `camunda:outputParameter`s read them, then they end with it; `variables` become
process variables. Before: local variables were accepted and dropped, and an external task's output
parameters never ran.
"""

from __future__ import annotations

from tests.http.camunda_schema import CamundaSchemas
from tests.http.running import deploy, start
from tests.support.drawn import chain

START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'
AFTER = '<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="city_clerk" />'
CHECK = (
    '<bpmn:serviceTask id="Task_Check" name="征信" camunda:type="external" camunda:topic="creditLocal">'
    "<bpmn:extensionElements><camunda:inputOutput>"
    '<camunda:outputParameter name="grade">${raw_grade}</camunda:outputParameter>'
    "</camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>"
)


def test_local_variables_feed_output_parameters_and_end_with_the_task(server, camunda_openapi):
    check = CamundaSchemas(camunda_openapi).check
    deploy(server, "credit_local", chain(START, CHECK, AFTER, END))
    iid = start(server, "credit_local")
    owner = server.client("owner")
    topic = {"topicName": "creditLocal", "lockDuration": 60_000}
    [task] = owner.rest(
        "POST", "/external-task/fetchAndLock", json={"workerId": "w", "maxTasks": 1, "topics": [topic]}
    ).json()
    body = {
        "workerId": "w",
        "variables": {"score": {"value": 700, "type": "Integer"}},
        "localVariables": {"raw_grade": {"value": "A", "type": "String"}},
    }
    answer = owner.rest("POST", f"/external-task/{task['id']}/complete", json=body)
    check(answer, "/external-task/{id}/complete")
    values = owner.rest("GET", f"/process-instance/{iid}/variables").json()
    assert values["score"]["value"] == 700 and values["grade"]["value"] == "A"
    assert "raw_grade" not in values  # local: ended with the task
