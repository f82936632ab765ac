"""hbreak fault 8: `GET /process-instance/{id}/activity-instances` as Camunda answers it.

Before: the real pycamunda client's `processinst.GetActivityInstance` failed with KeyError 'name' (Camunda's
ActivityInstanceDto still carries the deprecated `name` beside `activityName`), and a boundary event
waiting on its activity was listed as an activity instance of its own, which Camunda does not do.
"""

from __future__ import annotations

import pycamunda.processinst
from requests.auth import HTTPBasicAuth

from service.consortium.demo import DEMO_PASSWORD
from tests.http.running import deploy, start
from tests.support.drawn import chain

TASK = '<bpmn:userTask id="Task_Wait" name="等待" camunda:candidateGroups="city_clerk" />'
TIMER = ('<bpmn:boundaryEvent id="Timer_Late" name="超时" attachedToRef="Task_Wait">'
         '<bpmn:timerEventDefinition id="TD_L"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P1D'
         "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>")


def test_pycamunda_reads_the_tree_without_the_waiting_boundary_event(server):
    body = chain('<bpmn:startEvent id="Start_1" />', TASK, '<bpmn:endEvent id="End_1" />')
    body += TIMER + '<bpmn:endEvent id="End_Late" />'
    body += '<bpmn:sequenceFlow id="Flow_Late" sourceRef="Timer_Late" targetRef="End_Late" />'
    deploy(server, "hb_tree", body)
    iid = start(server, "hb_tree")
    request = pycamunda.processinst.GetActivityInstance(server.base + "/engine-rest", id_=iid)
    request.auth = HTTPBasicAuth("owner", DEMO_PASSWORD)
    tree = request()
    assert tree.activity_id.startswith("hb_tree")
    assert [(c.activity_id, c.name) for c in tree.child_activity_instances] == [("Task_Wait", "等待")]
