"""Small Camunda-Modeler BPMN documents with their diagram section (DI) laid out automatically.

`drawn(key, body)` wraps the process body (flow nodes and sequence flows, as Modeler writes them) in
Modeler's namespaces and adds a BPMNShape per flow node (left to right, in document order; a boundary
event on the lower edge of the activity it is attached to; data stores and data objects in a row below)
and a BPMNEdge per sequence flow and data association, so the
file opens in Camunda Modeler with every element drawn (checked by /work/shared/tools/bpmn_di_check.py).
"""

from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs_{key}"
  targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.31.0">
{messages}  <bpmn:process id="{key}" name="{name}" isExecutable="true"
    camunda:candidateStarterGroups="{starters}">
{body}
  </bpmn:process>
"""
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
DATA = {"dataStoreReference": (50, 50), "dataObjectReference": (36, 50)}
"""Documentation-only elements (width, height), drawn in a row below the flow."""
ACTIVITIES = {"task", "userTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask",
              "receiveTask", "manualTask", "callActivity", "subProcess", "adHocSubProcess", "transaction"}


def _size(kind: str) -> tuple[int, int]:
    if kind in EVENTS:
        return 36, 36
    if kind in GATEWAYS:
        return 50, 50
    return 100, 80


def drawn(key: str, body: str, *, name: str = "小流程", starters: str = "city_clerk",
          messages: dict[str, str] | None = None, root_elements: str = "") -> bytes:
    """The BPMN document of process `key` with `body`, plus a laid-out BPMNDiagram; `messages` maps
    `bpmn:message` ids to names (declared before the process, as Modeler writes them);
    `root_elements` is more such XML (`<bpmn:error …/>`, `<bpmn:escalation …/>`, `<bpmn:signal …/>`)."""
    declared = "".join(f'  <bpmn:message id="{i}" name="{n}" />\n' for i, n in (messages or {}).items())
    declared += root_elements
    head = HEAD.format(key=key, name=name, starters=starters, body=body, messages=declared)
    process = etree.fromstring((head + "</bpmn:definitions>").encode()).find(f"{{{BPMN}}}process")
    boxes: dict[str, tuple[int, int, int, int]] = {}
    shapes: list[str] = []
    _lay_out(process, 150, boxes)
    data_x = 150
    for node in process:  # data stores and data objects: a row below the flow
        kind = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if kind in DATA:
            boxes[node.get("id")] = (data_x, 260, *DATA[kind])
            data_x += 110
    for node in process.iter(f"{{{BPMN}}}boundaryEvent"):
        host = boxes[node.get("attachedToRef")]
        boxes[node.get("id")] = (host[0] + host[2] - 50, host[1] + host[3] - 18, 36, 36)
    expanded = {n.get("id") for n in process.iter(f"{{{BPMN}}}subProcess", f"{{{BPMN}}}adHocSubProcess",
                                                   f"{{{BPMN}}}transaction") if _flow_nodes(n)}
    for element_id, (bx, by, bw, bh) in boxes.items():
        flag = ' isExpanded="true"' if element_id in expanded else ""
        shapes.append(f'<bpmndi:BPMNShape id="{element_id}_di" bpmnElement="{element_id}"{flag}>'
                      f'<dc:Bounds x="{bx}" y="{by}" width="{bw}" height="{bh}" /></bpmndi:BPMNShape>')
    for flow in process.iter(f"{{{BPMN}}}sequenceFlow"):
        sx, sy, sw, sh = boxes[flow.get("sourceRef")]
        tx, ty, tw, th = boxes[flow.get("targetRef")]
        start = (sx + sw, sy + sh // 2) if tx > sx else (sx + sw // 2, sy + sh)
        end = (tx, ty + th // 2) if tx > sx else (tx + tw // 2, ty + th)
        middle = "" if tx > sx else (f'<di:waypoint x="{start[0]}" y="{start[1] + 60}" />'
                                     f'<di:waypoint x="{end[0]}" y="{start[1] + 60}" />')
        shapes.append(f'<bpmndi:BPMNEdge id="{flow.get("id")}_di" bpmnElement="{flow.get("id")}">'
                      f'<di:waypoint x="{start[0]}" y="{start[1]}" />{middle}'
                      f'<di:waypoint x="{end[0]}" y="{end[1]}" /></bpmndi:BPMNEdge>')
    for kind, end in (("dataInputAssociation", "sourceRef"), ("dataOutputAssociation", "targetRef")):
        for association in process.iter(f"{{{BPMN}}}{kind}"):
            ref = association.find(f"{{{BPMN}}}{end}")
            task = boxes.get(association.getparent().get("id"))
            data = boxes.get((ref.text or "").strip()) if ref is not None else None
            if task is None or data is None:
                continue
            points = [(task[0] + task[2] // 2, task[1] + task[3]), (data[0] + data[2] // 2, data[1])]
            if kind == "dataInputAssociation":
                points.reverse()
            element = association.get("id")
            shapes.append(f'<bpmndi:BPMNEdge id="{element}_di" bpmnElement="{element}">'
                          + "".join(f'<di:waypoint x="{x}" y="{y}" />' for x, y in points)
                          + "</bpmndi:BPMNEdge>")
    diagram = (f'  <bpmndi:BPMNDiagram id="Diagram_{key}">\n    <bpmndi:BPMNPlane id="Plane_{key}" '
               f'bpmnElement="{key}">\n      ' + "\n      ".join(shapes)
               + "\n    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n")
    return (head + diagram + "</bpmn:definitions>\n").encode()


def _flow_nodes(container: etree._Element) -> list[etree._Element]:
    """The flow nodes drawn in `container`'s row (boundary events sit on their activity)."""
    found = []
    for node in container:
        kind = etree.QName(node).localname if isinstance(node.tag, str) else ""
        if kind in EVENTS | GATEWAYS | ACTIVITIES and kind != "boundaryEvent":
            found.append(node)
    return found


def _lay_out(container: etree._Element, x: int, boxes: dict[str, tuple[int, int, int, int]]) -> int:
    """Place `container`'s flow nodes left to right from `x` on the line y = 120; an expanded
    sub-process (one with flow nodes of its own) is drawn around its own row. Returns the x after
    the last node."""
    for node in _flow_nodes(container):
        kind = etree.QName(node).localname
        if kind in ("subProcess", "adHocSubProcess", "transaction") and _flow_nodes(node):
            inner_end = _lay_out(node, x + 40, boxes)
            width, height = inner_end - 60 + 40 - x, 200
        else:
            width, height = _size(kind)
        boxes[node.get("id")] = (x, 120 - height // 2, width, height)
        x += width + 60
    return x


def chain(*nodes: str) -> str:
    """Flow nodes joined in order by sequence flows `Flow_1`, `Flow_2`, ... (ids read from the nodes)."""
    ids = [etree.fromstring(_wrap(node)).find("*").get("id") for node in nodes]
    flows = [f'<bpmn:sequenceFlow id="Flow_{i}" sourceRef="{a}" targetRef="{b}" />'
             for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False), start=1)]
    return "\n".join([*nodes, *flows])


def _wrap(node: str) -> bytes:
    return (f'<w xmlns:bpmn="{BPMN}" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{node}</w>').encode()
