"""W1, the benchmark diagram: a straight line of user tasks with one-field forms, generated here.

Every task names the bench-only formKey `bench_note` (registered by `register_form`, never in the
product's registry) and declares the same field as `camunda:formData`, as a Modeler-drawn form would.
"""

from __future__ import annotations

from marshmallow import fields

from forms import registry
from forms.base import FormSchema, label

W1_KEY = "bench_w1"
FORM_KEY = "bench_note"
FORM_DATA = {"note": "已阅，同意 / Seen, agreed"}


class BenchNoteForm(FormSchema):
    """One required text field: the smallest form that still goes through marshmallow validation."""

    form_key = FORM_KEY
    title_zh = "基准测试备注"
    title_en = "Benchmark note"

    note = fields.String(required=True, metadata=label("备注", "Note"))


def register_form() -> None:
    registry.FORMS.setdefault(FORM_KEY, BenchNoteForm)


HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_{key}"
  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{key}" name="W1 基准线性流程" isExecutable="true"
    camunda:candidateStarterGroups="city_clerk">
    <bpmn:startEvent id="Start_W1" />
"""
TASK = """    <bpmn:sequenceFlow id="Flow_{i}" sourceRef="{source}" targetRef="Task_{i}" />
    <bpmn:userTask id="Task_{i}" name="第 {i} 步"{form} camunda:candidateGroups="city_clerk">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="note" label="备注" type="string" />
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
"""
TAIL = """    <bpmn:sequenceFlow id="Flow_end" sourceRef="Task_{last}" targetRef="End_W1" />
    <bpmn:endEvent id="End_W1" />
  </bpmn:process>
</bpmn:definitions>
"""


def w1_diagram(tasks: int = 20, key: str = W1_KEY, form_key: str | None = FORM_KEY) -> bytes:
    """Without `form_key` the tasks keep only their `camunda:formData` (no schema validation): for a
    server that does not have the bench form registered."""
    form = f' camunda:formKey="{form_key}"' if form_key else ""
    parts = [HEAD.format(key=key)]
    for i in range(1, tasks + 1):
        parts.append(TASK.format(i=i, source="Start_W1" if i == 1 else f"Task_{i - 1}", form=form))
    parts.append(TAIL.format(last=tasks))
    return "".join(parts).encode()
