"""What a process owner does in Camunda Modeler, done programmatically on the bundled recommendation
diagram (issue 15 "Done when"): a new user task 材料补充说明 for the group `archive_clerk` after
发起组建, linked to a new Camunda Form (`camunda:formRef`, binding `deployment`), drawn in the diagram
(its BPMNShape, the edge to it and the edge from it; every shape and waypoint to its right moves right
to make room), and the multipart body Modeler 5 sends when Deploy is pressed with the form as an
additional file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lxml import etree

BUNDLED = Path(__file__).resolve().parents[2] / "workflows" / "bpmn" / "consortium_recommendation.bpmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI",
      "camunda": "http://camunda.org/schema/1.0/bpmn"}
TASK_ID, FORM_ID, FORM_FILE = "Task_MaterialNote", "Form_MaterialNote", "material_note.form"
GROUP = "archive_clerk"
NAME = "材料补充说明"
FORM = json.dumps({
    "components": [
        {"label": "补充说明", "type": "textfield", "key": "material_note", "id": "Field_note",
         "validate": {"required": True}},
        {"label": "档案号", "type": "textfield", "key": "archive_no", "id": "Field_archive_no",
         "validate": {"pattern": "^[A-Z]{2}[0-9]{4}$"}},
    ],
    "type": "default", "id": FORM_ID, "executionPlatform": "Camunda Platform",
    "executionPlatformVersion": "7.21.0", "exporter": {"name": "Camunda Modeler", "version": "5.31.0"},
    "schemaVersion": 16,
}, ensure_ascii=False, indent=2).encode()
SHIFT = 150  # room for the new task: everything right of 发起组建 moves this far
AFTER_X = 500  # the right edge of 发起组建 (x 370, width 100) plus the old gap's middle


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def with_material_step(content: bytes | None = None) -> bytes:
    """The bundled recommendation diagram with 材料补充说明 between 发起组建 and 邀请成员单位."""
    root = etree.fromstring(content or BUNDLED.read_bytes())
    process = root.find("bpmn:process", NS)
    initiate = process.find("bpmn:userTask[@id='Task_Initiate']", NS)
    invite = process.find("bpmn:userTask[@id='Task_InviteMembers']", NS)
    flow = process.find("bpmn:sequenceFlow[@id='Flow_Initiate_Invite']", NS)
    flow.set("targetRef", TASK_ID)
    task = etree.Element(_q("bpmn", "userTask"), id=TASK_ID, name=NAME, nsmap=root.nsmap)
    task.set(_q("camunda", "candidateGroups"), GROUP)
    task.set(_q("camunda", "formRef"), FORM_ID)
    task.set(_q("camunda", "formRefBinding"), "deployment")
    etree.SubElement(task, _q("bpmn", "incoming")).text = "Flow_Initiate_Invite"
    etree.SubElement(task, _q("bpmn", "outgoing")).text = "Flow_Material_Invite"
    initiate.addnext(task)
    for incoming in invite.findall("bpmn:incoming", NS):
        if incoming.text == "Flow_Initiate_Invite":
            incoming.text = "Flow_Material_Invite"
    new_flow = etree.Element(_q("bpmn", "sequenceFlow"), id="Flow_Material_Invite", sourceRef=TASK_ID,
                             targetRef="Task_InviteMembers")
    flow.addnext(new_flow)
    lane = process.find(".//bpmn:lane[@id='Lane_Applicant']", NS)
    ref = etree.SubElement(lane, _q("bpmn", "flowNodeRef"))
    ref.text = TASK_ID
    _draw(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _draw(root: Any) -> None:
    plane = root.find(".//bpmndi:BPMNPlane", NS)
    for bounds in plane.iter(_q("dc", "Bounds")):
        x, width = float(bounds.get("x")), float(bounds.get("width"))
        if x >= AFTER_X:
            bounds.set("x", _num(x + SHIFT))
        elif x + width > AFTER_X:  # the pool and the lanes: wider
            bounds.set("width", _num(width + SHIFT))
    for point in plane.iter(_q("di", "waypoint")):
        if float(point.get("x")) >= AFTER_X:
            point.set("x", _num(float(point.get("x")) + SHIFT))
    shape = etree.SubElement(plane, _q("bpmndi", "BPMNShape"), id=f"{TASK_ID}_di", bpmnElement=TASK_ID)
    etree.SubElement(shape, _q("dc", "Bounds"), x="520", y="120", width="100", height="80")
    old = plane.find("bpmndi:BPMNEdge[@bpmnElement='Flow_Initiate_Invite']", NS)
    for point, x in zip(old.findall("di:waypoint", NS), ("470", "520"), strict=True):
        point.set("x", x)
    edge = etree.SubElement(plane, _q("bpmndi", "BPMNEdge"), id="Flow_Material_Invite_di",
                            bpmnElement="Flow_Material_Invite")
    for x in ("620", "670"):
        etree.SubElement(edge, _q("di", "waypoint"), x=x, y="160")


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def modeler5_upload(files: dict[str, bytes], *, name: str) -> dict[str, Any]:
    """The multipart body Camunda Modeler 5 sends on Deploy: its form fields, the diagram, then each
    additional file (`requests`' `data` + `files`)."""
    return {
        "data": {"deployment-name": name, "deployment-source": "Camunda Modeler",
                 "enable-duplicate-filtering": "true"},
        "files": [(fname, (fname, content, "application/octet-stream")) for fname, content in files.items()],
    }
