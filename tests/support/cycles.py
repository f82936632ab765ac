"""A user task with a non-interrupting boundary timer cycle (issue 11): Camunda-Modeler BPMN with
its diagram section.

    Start -> Task_Review (user task) -> End_Done
                 :  Timer_Remind (boundary, cancelActivity="false", timeCycle = `cycle`)
                 '-> Task_Remind (user task, one per firing) -> End_Reminded

`cycle` is the quoted Python literal the timer evaluates, e.g. `'"R/2020-01-01T00:00:00Z/PT1M"'`.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs_{key}" targetNamespace="http://bpmn.io/schema/bpmn"
  exporter="Camunda Modeler" exporterVersion="5.20.0">
  <bpmn:process id="{key}" name="循环提醒" isExecutable="true" camunda:candidateStarterGroups="city_clerk">
    <bpmn:startEvent id="Start_Cycle"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Cycle" targetRef="Task_Review" />
    <bpmn:userTask id="Task_Review" name="审核" camunda:candidateGroups="city_clerk">
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Review" targetRef="End_Done" />
    <bpmn:endEvent id="End_Done"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:boundaryEvent id="Timer_Remind" name="提醒" cancelActivity="false" attachedToRef="Task_Review">
      <bpmn:outgoing>Flow_3</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerDef_Remind">
        <bpmn:timeCycle xsi:type="bpmn:tFormalExpression">{cycle}</bpmn:timeCycle>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Timer_Remind" targetRef="Task_Remind" />
    <bpmn:userTask id="Task_Remind" name="催办" camunda:candidateGroups="city_clerk">
      <bpmn:incoming>Flow_3</bpmn:incoming><bpmn:outgoing>Flow_4</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Task_Remind" targetRef="End_Reminded" />
    <bpmn:endEvent id="End_Reminded"><bpmn:incoming>Flow_4</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="{key}">
      <bpmndi:BPMNShape id="Start_Cycle_di" bpmnElement="Start_Cycle">
        <dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_Review_di" bpmnElement="Task_Review">
        <dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_Done_di" bpmnElement="End_Done">
        <dc:Bounds x="402" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Timer_Remind_di" bpmnElement="Timer_Remind">
        <dc:Bounds x="272" y="142" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_Remind_di" bpmnElement="Task_Remind">
        <dc:Bounds x="370" y="220" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_Reminded_di" bpmnElement="End_Reminded">
        <dc:Bounds x="532" y="242" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2">
        <di:waypoint x="340" y="120" /><di:waypoint x="402" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_3_di" bpmnElement="Flow_3">
        <di:waypoint x="290" y="178" /><di:waypoint x="290" y="260" /><di:waypoint x="370" y="260" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_4_di" bpmnElement="Flow_4">
        <di:waypoint x="470" y="260" /><di:waypoint x="532" y="260" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def cycle_diagram(key: str, cycle: str) -> bytes:
    """The diagram above with process id `key` and the timeCycle expression `cycle` (XML-escaped here)."""
    return TEMPLATE.format(key=key, cycle=escape(cycle)).encode()
