"""Small Camunda Modeler diagrams with message events (issue 12 fault 10), shared by the engine's
conformance tests and the /engine-rest tests. `doc(key)` is the BPMN document of one of them."""

from __future__ import annotations

from tests.support.drawn import drawn

USER = 'camunda:candidateGroups="city_clerk"'

BODIES: dict[str, tuple[str, dict[str, str]]] = {
    # a message start event is the process's only start
    "msg_start": ("""<bpmn:startEvent id="Start_Order" name="收到订单">
      <bpmn:messageEventDefinition id="MED_Order" messageRef="Message_Order" /></bpmn:startEvent>
    <bpmn:userTask id="Task_Handle" name="处理" {user} />
    <bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Order" targetRef="Task_Handle" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Handle" targetRef="End_1" />""",
                  {"Message_Order": "order_received"}),
    # an intermediate catch event; the script after it reads what the correlation set
    "msg_catch": ("""<bpmn:startEvent id="Start_1" />
    <bpmn:userTask id="Task_Prepare" name="准备" {user} />
    <bpmn:intermediateCatchEvent id="Catch_Paid" name="已付款">
      <bpmn:messageEventDefinition id="MED_Paid" messageRef="Message_Paid" /></bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="Script_Note" name="记录" scriptFormat="python">
      <bpmn:script>paid_note = "paid " + str(amount)</bpmn:script></bpmn:scriptTask>
    <bpmn:userTask id="Task_Ship" name="发货" {user} />
    <bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_Prepare" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Prepare" targetRef="Catch_Paid" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Catch_Paid" targetRef="Script_Note" />
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Script_Note" targetRef="Task_Ship" />
    <bpmn:sequenceFlow id="Flow_5" sourceRef="Task_Ship" targetRef="End_1" />""",
                  {"Message_Paid": "payment"}),
    # interrupting and non-interrupting message boundary events on one user task
    "msg_boundary": ("""<bpmn:startEvent id="Start_1" />
    <bpmn:userTask id="Task_Review" name="审核" {user} />
    <bpmn:boundaryEvent id="Boundary_Withdraw" name="撤回" attachedToRef="Task_Review">
      <bpmn:messageEventDefinition id="MED_Withdraw" messageRef="Message_Withdraw" /></bpmn:boundaryEvent>
    <bpmn:boundaryEvent id="Boundary_Note" name="补充说明" cancelActivity="false" attachedToRef="Task_Review">
      <bpmn:messageEventDefinition id="MED_Note" messageRef="Message_Note" /></bpmn:boundaryEvent>
    <bpmn:userTask id="Task_ReadNote" name="阅读说明" {user} />
    <bpmn:userTask id="Task_Archive" name="归档撤回" {user} />
    <bpmn:endEvent id="End_Done" />
    <bpmn:endEvent id="End_Note" />
    <bpmn:endEvent id="End_Withdrawn" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Task_Review" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Review" targetRef="End_Done" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Boundary_Note" targetRef="Task_ReadNote" />
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Task_ReadNote" targetRef="End_Note" />
    <bpmn:sequenceFlow id="Flow_5" sourceRef="Boundary_Withdraw" targetRef="Task_Archive" />
    <bpmn:sequenceFlow id="Flow_6" sourceRef="Task_Archive" targetRef="End_Withdrawn" />""",
                     {"Message_Withdraw": "withdraw", "Message_Note": "note"}),
    # an event-based gateway: a message or a one-hour timer, whichever comes first
    "msg_gateway": ("""<bpmn:startEvent id="Start_1" />
    <bpmn:eventBasedGateway id="Gateway_Wait" name="等待答复" />
    <bpmn:intermediateCatchEvent id="Catch_Answer" name="收到答复">
      <bpmn:messageEventDefinition id="MED_Answer" messageRef="Message_Answer" />
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="Timer_Hour" name="一小时">
      <bpmn:timerEventDefinition id="TED_Hour">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration>
      </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:userTask id="Task_Answered" name="处理答复" {user} />
    <bpmn:userTask id="Task_Remind" name="催办" {user} />
    <bpmn:endEvent id="End_Answered" />
    <bpmn:endEvent id="End_Reminded" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Gateway_Wait" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Gateway_Wait" targetRef="Catch_Answer" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Gateway_Wait" targetRef="Timer_Hour" />
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Catch_Answer" targetRef="Task_Answered" />
    <bpmn:sequenceFlow id="Flow_5" sourceRef="Timer_Hour" targetRef="Task_Remind" />
    <bpmn:sequenceFlow id="Flow_6" sourceRef="Task_Answered" targetRef="End_Answered" />
    <bpmn:sequenceFlow id="Flow_7" sourceRef="Task_Remind" targetRef="End_Reminded" />""",
                    {"Message_Answer": "answer"}),
    # a receive task
    "msg_receive": ("""<bpmn:startEvent id="Start_1" />
    <bpmn:receiveTask id="Receive_Document" name="接收材料" messageRef="Message_Document" />
    <bpmn:userTask id="Task_Check" name="核对" {user} />
    <bpmn:endEvent id="End_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="Receive_Document" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Receive_Document" targetRef="Task_Check" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Check" targetRef="End_1" />""",
                    {"Message_Document": "document"}),
}


def body(key: str) -> str:
    return BODIES[key][0].replace("{user}", USER)


def messages(key: str) -> dict[str, str]:
    return BODIES[key][1]


def doc(key: str) -> bytes:
    """The BPMN document of diagram `key`, with its messages and DI."""
    return drawn(key, body(key), messages=messages(key))
