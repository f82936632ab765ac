"""Issue 12, fault 7: values that cannot be stored. A value round-trips with its Camunda type over
/engine-rest (a `Date` stays a `Date`), and a value that cannot be stored is a 400 naming the variable
and the element for a person's command (nothing saved, the task still open), or an incident for a
step the engine runs on its own.

Before: a script leaving `reversed(labels)` in the data made the completion a generic 500 naming no
element, and the task stuck; a `Date` came back typed `String`; a `Json` value with a `typename` key
answered 500 at start (400 at complete).
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

import pytest

from service.engine import jobs
from tests.support.drawn import chain

from .running import complete, deploy, get, open_tasks, start, start_response

START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'
FIRST = '<bpmn:userTask id="Task_First" name="先办" camunda:candidateGroups="city_clerk" />'
AFTER = '<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="city_clerk" />'
LEFTOVERS = ["(label for label in labels)", "range(2)", "{'a': 1}.keys()", "float('nan')", "{(1, 2): 'a'}",
             "[{'typename': 'datetime', 'value': '2026-01-01'}]"]


def script(expression: str) -> str:
    return ('<bpmn:scriptTask id="Script_Reverse" name="倒序" scriptFormat="python">'
            f"<bpmn:script>labels_backwards = {escape(expression)}</bpmn:script></bpmn:scriptTask>")


GENERATOR = script("(label for label in labels)")
HOUR = ('<bpmn:intermediateCatchEvent id="Timer_Hour" name="一小时"><bpmn:timerEventDefinition id="TD_H">'
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration>'
        "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>")
LABELS = {"labels": {"value": json.dumps(["a", "b"]), "type": "Json"}}


@pytest.mark.parametrize("expression", LEFTOVERS)
def test_a_script_leaving_an_iterator_refuses_the_completion_naming_variable_and_element(server, expression):
    deploy(server, "reverse", chain(START, FIRST, script(expression), AFTER, END))
    instance = start(server, "reverse", LABELS)
    (task,) = open_tasks(server, instance)
    response = complete(server, task["id"])
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert "labels_backwards" in message and "Script_Reverse" in message
    assert [t["id"] for t in open_tasks(server, instance)] == [task["id"]]  # nothing saved


def test_reversed_is_stored_as_the_list_it_yields(server):
    deploy(server, "reverse", chain(START, FIRST, script("reversed(labels)"), AFTER, END))
    instance = start(server, "reverse", LABELS)
    (task,) = open_tasks(server, instance)
    assert complete(server, task["id"]).status_code == 204
    backwards = get(server, f"/process-instance/{instance}/variables")["labels_backwards"]
    assert backwards["type"] == "Json" and json.loads(backwards["value"]) == ["b", "a"]


def test_a_script_leaving_an_iterator_after_a_timer_is_an_incident(server, clock):
    deploy(server, "reverse_timer", chain(START, HOUR, GENERATOR, AFTER, END))
    instance = start(server, "reverse_timer", LABELS)
    for _ in range(6):  # the job's retries run out with the backoff
        clock.advance(hours=2)
        jobs.fire_due_jobs(server.ctx)
    (incident,) = get(server, f"/incident?processInstanceId={instance}", "admin")
    assert incident["activityId"] == "Timer_Hour"
    assert "labels_backwards" in incident["incidentMessage"]
    assert "Script_Reverse" in incident["incidentMessage"]
    assert open_tasks(server, instance) == []


def test_a_date_variable_stays_a_date(server):
    deploy(server, "dated", chain(START, FIRST, END))
    given = {"deadline": {"value": "2026-04-01T09:30:00.000+0800", "type": "Date"},
             "label": {"value": "2026-04-01T09:30:00.000+0800", "type": "String"}}
    instance = start(server, "dated", given)
    variables = get(server, f"/process-instance/{instance}/variables")
    assert variables["deadline"]["type"] == "Date"
    assert variables["deadline"]["value"] == "2026-04-01T09:30:00.000+0800"
    assert variables["label"] == {"type": "String", "value": "2026-04-01T09:30:00.000+0800", "valueInfo": {}}
    (task,) = open_tasks(server, instance)
    assert get(server, f"/task/{task['id']}/variables")["deadline"]["type"] == "Date"



def test_a_date_set_at_completion_is_a_date_for_the_next_task(server):
    deploy(server, "dated_twice", chain(START, FIRST, AFTER, END))
    instance = start(server, "dated_twice")
    (task,) = open_tasks(server, instance)
    later = {"checked": {"value": "2026-04-02T10:00:00.000+0800", "type": "Date"}}
    answer = server.client("city1").rest("POST", f"/task/{task['id']}/complete",
                                         json={"variables": later, "withVariablesInReturn": True})
    assert answer.status_code == 200, answer.text
    assert answer.json()["checked"]["type"] == "Date"
    (after,) = open_tasks(server, instance)
    checked = get(server, f"/task/{after['id']}/variables")["checked"]
    assert checked == {"value": "2026-04-02T10:00:00.000+0800", "type": "Date", "valueInfo": {}}


def test_a_date_computed_by_a_script_is_a_date(server):
    script = ('<bpmn:scriptTask id="Script_Deadline" name="定期限" scriptFormat="python">'
              "<bpmn:script>deadline = add_days(now(), 3)</bpmn:script></bpmn:scriptTask>")
    deploy(server, "script_dated", chain(START, script, FIRST, END))
    instance = start(server, "script_dated")
    variables = get(server, f"/process-instance/{instance}/variables")
    assert variables["deadline"]["type"] == "Date"
    assert variables["deadline"]["value"].startswith("2026-03-05T09:00:00")


def test_a_json_value_with_a_typename_key_is_a_400_naming_the_variable_at_start_and_complete(server):
    deploy(server, "typename", chain(START, FIRST, END))
    bad = {"record": {"value": json.dumps({"typename": "datetime", "value": "x"}), "type": "Json"}}
    response = start_response(server, "typename", bad)
    assert response.status_code == 400, response.text
    assert "record" in response.json()["message"] and "typename" in response.json()["message"]
    instance = start(server, "typename")
    (task,) = open_tasks(server, instance)
    response = complete(server, task["id"], bad)
    assert response.status_code == 400, response.text
    assert "record" in response.json()["message"] and "Task_First" in response.json()["message"]


def test_an_iterator_put_inside_an_existing_list_is_refused_naming_the_variable(server):
    inside = ('<bpmn:scriptTask id="Script_Inside" name="放入" scriptFormat="python">'
              "<bpmn:script>labels.append({'a': 1}.values())</bpmn:script></bpmn:scriptTask>")
    deploy(server, "inside", chain(START, FIRST, inside, AFTER, END))
    instance = start(server, "inside", LABELS)
    (task,) = open_tasks(server, instance)
    response = complete(server, task["id"])
    assert response.status_code == 400, response.text
    message = response.json()["message"]
    assert "labels" in message and "dict_values" in message and "Script_Inside" in message
    assert [t["id"] for t in open_tasks(server, instance)] == [task["id"]]
