"""Small Camunda-flavoured BPMN documents for deployment tests, built from one template."""

from __future__ import annotations

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs_{key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{key}" name="{name}" isExecutable="true" camunda:candidateStarterGroups="city_clerk">
    <bpmn:startEvent id="Start_Tiny" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Tiny" targetRef="Task_Check" />
    <bpmn:userTask id="Task_Check" name="审核" camunda:candidateGroups="city_clerk" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Check" targetRef="Gateway_1" />
    <bpmn:exclusiveGateway id="Gateway_1" default="Flow_default" />
    <bpmn:sequenceFlow id="Flow_cond" sourceRef="Gateway_1" targetRef="Wait">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_default" sourceRef="Gateway_1" targetRef="End_Tiny" />
    <bpmn:intermediateCatchEvent id="Wait" name="等待">
      <bpmn:timerEventDefinition id="TimerDef_1">
        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{duration}</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Wait" targetRef="End_Tiny" />
    <bpmn:endEvent id="End_Tiny" />
    {extra}
  </bpmn:process>
</bpmn:definitions>
"""


def diagram(
    key: str = "tiny_review",
    *,
    name: str = "小流程",
    condition: str = "amount &gt; 1",
    duration: str = '"P1D"',
    extra: str = "",
) -> bytes:
    return TEMPLATE.format(key=key, name=name, condition=condition, duration=duration, extra=extra).encode()
