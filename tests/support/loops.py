"""A diagram that loops without a wait state (issue 11): Camunda-Modeler BPMN with its diagram section.

    Start -> Entry -> Loop_Body -> Gateway_Loop --(n >= limit)--> End
                          ^-------------- default ----'

`entry` is what the loop follows: "script" (Script_Init, reached by the start), "task" (the user
task Task_Go, reached on its completion) or "timer" (Timer_Wait, PT1H, reached by the timer job).
`body` is "script" (Script_Loop: `n = n + 1`) or "gateway" (Gateway_Back: a ring of two gateways that
never changes anything). The script loop ends after `limit` passes (start variables `n` and `limit`);
a huge `limit` makes it endless for any budget, and the gateway ring is endless whatever the limit.
"""

from __future__ import annotations

ENTRIES = {
    "script": ('<bpmn:scriptTask id="Script_Init" name="初始化" scriptFormat="python">'
               "<bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>"
               "<bpmn:script>n = 0</bpmn:script></bpmn:scriptTask>",
               '<bpmndi:BPMNShape id="Script_Init_di" bpmnElement="Script_Init">'
               '<dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>', "Script_Init"),
    "task": ('<bpmn:userTask id="Task_Go" name="开始循环" camunda:candidateGroups="city_clerk">'
             "<bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing></bpmn:userTask>",
             '<bpmndi:BPMNShape id="Task_Go_di" bpmnElement="Task_Go">'
             '<dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>', "Task_Go"),
    "timer": ('<bpmn:intermediateCatchEvent id="Timer_Wait" name="一小时">'
              "<bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>"
              '<bpmn:timerEventDefinition id="TimerDef_Wait">'
              '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT1H"</bpmn:timeDuration>'
              "</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>",
              '<bpmndi:BPMNShape id="Timer_Wait_di" bpmnElement="Timer_Wait">'
              '<dc:Bounds x="272" y="102" width="36" height="36" /></bpmndi:BPMNShape>', "Timer_Wait"),
}

BODIES = {
    "script": ('<bpmn:scriptTask id="Script_Loop" name="循环" scriptFormat="python">'
               "<bpmn:incoming>Flow_2</bpmn:incoming><bpmn:incoming>Flow_Back</bpmn:incoming>"
               "<bpmn:outgoing>Flow_3</bpmn:outgoing><bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>",
               '<bpmndi:BPMNShape id="Script_Loop_di" bpmnElement="Script_Loop">'
               '<dc:Bounds x="400" y="80" width="100" height="80" /></bpmndi:BPMNShape>', "Script_Loop"),
    "gateway": ('<bpmn:exclusiveGateway id="Gateway_Back" name="回环">'
                "<bpmn:incoming>Flow_2</bpmn:incoming><bpmn:incoming>Flow_Back</bpmn:incoming>"
                "<bpmn:outgoing>Flow_3</bpmn:outgoing></bpmn:exclusiveGateway>",
                '<bpmndi:BPMNShape id="Gateway_Back_di" bpmnElement="Gateway_Back" isMarkerVisible="true">'
                '<dc:Bounds x="425" y="95" width="50" height="50" /></bpmndi:BPMNShape>', "Gateway_Back"),
}

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs_{key}"
  targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.31.0">
  <bpmn:process id="{key}" name="循环" isExecutable="true" camunda:candidateStarterGroups="city_clerk">
    <bpmn:startEvent id="Start_Loop"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Loop" targetRef="{entry_id}" />
    {entry}
    <bpmn:sequenceFlow id="Flow_2" sourceRef="{entry_id}" targetRef="{body_id}" />
    {body}
    <bpmn:sequenceFlow id="Flow_3" sourceRef="{body_id}" targetRef="Gateway_Loop" />
    <bpmn:exclusiveGateway id="Gateway_Loop" name="够了吗" default="Flow_Back">
      <bpmn:incoming>Flow_3</bpmn:incoming><bpmn:outgoing>Flow_Done</bpmn:outgoing>
      <bpmn:outgoing>Flow_Back</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Flow_Done" sourceRef="Gateway_Loop" targetRef="End_Loop">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">n &gt;= limit</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Back" sourceRef="Gateway_Loop" targetRef="{body_id}" />
    <bpmn:endEvent id="End_Loop"><bpmn:incoming>Flow_Done</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_{key}">
    <bpmndi:BPMNPlane id="Plane_{key}" bpmnElement="{key}">
      <bpmndi:BPMNShape id="Start_Loop_di" bpmnElement="Start_Loop">
        <dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      {entry_di}
      {body_di}
      <bpmndi:BPMNShape id="Gateway_Loop_di" bpmnElement="Gateway_Loop" isMarkerVisible="true">
        <dc:Bounds x="555" y="95" width="50" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_Loop_di" bpmnElement="End_Loop">
        <dc:Bounds x="662" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="188" y="120" /><di:waypoint x="{entry_left}" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2">
        <di:waypoint x="{entry_right}" y="120" /><di:waypoint x="{body_left}" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_3_di" bpmnElement="Flow_3">
        <di:waypoint x="{body_right}" y="120" /><di:waypoint x="555" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_Done_di" bpmnElement="Flow_Done">
        <di:waypoint x="605" y="120" /><di:waypoint x="662" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_Back_di" bpmnElement="Flow_Back">
        <di:waypoint x="580" y="145" /><di:waypoint x="580" y="200" />
        <di:waypoint x="450" y="200" /><di:waypoint x="450" y="{body_bottom}" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def loop_diagram(key: str, *, entry: str = "script", body: str = "script") -> bytes:
    """The loop diagram; start it with variables `{"n": 0, "limit": L}` (`limit` huge: endless)."""
    entry_xml, entry_di, entry_id = ENTRIES[entry]
    body_xml, body_di, body_id = BODIES[body]
    timer = entry == "timer"
    gateway = body == "gateway"
    return TEMPLATE.format(
        key=key, entry=entry_xml, entry_di=entry_di, entry_id=entry_id, body=body_xml, body_di=body_di,
        body_id=body_id, entry_left=272 if timer else 240, entry_right=308 if timer else 340,
        body_left=425 if gateway else 400, body_right=475 if gateway else 500,
        body_bottom=145 if gateway else 160,
    ).encode()
