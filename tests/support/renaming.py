"""Rewrite every element id of a BPMN document, as a process owner renaming things in Modeler would.

Flow nodes, sequence flows, boundary and catch events, event definitions, messages, lanes, the
collaboration and its participant, and the diagram section's shapes and edges all get new ids, and
every reference to them follows (sourceRef, targetRef, default, attachedToRef, messageRef, bpmnElement,
incoming/outgoing/flowNodeRef text). Only the process ids stay: they are the definitions' keys, which
callers start by and call activities name (`calledElement`), like Camunda's process definition key.
"""

from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
REFERENCE_TEXT = {f"{{{BPMN}}}incoming", f"{{{BPMN}}}outgoing", f"{{{BPMN}}}flowNodeRef"}
KEPT = {f"{{{BPMN}}}process", f"{{{BPMN}}}definitions"}


def rename_ids(content: bytes, prefix: str) -> tuple[bytes, dict[str, str]]:
    """(`content` with every element id but the processes' renamed to `<prefix><n>`, old -> new id)."""
    root = etree.fromstring(content)
    mapping: dict[str, str] = {}
    for element in root.iter():
        old = element.get("id") if isinstance(element.tag, str) else None
        if old and element.tag not in KEPT:
            mapping[old] = f"{prefix}{len(mapping) + 1:03d}"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name != "name" and value in mapping:
                element.set(name, mapping[value])
        if element.tag in REFERENCE_TEXT and (element.text or "").strip() in mapping:
            element.text = mapping[element.text.strip()]
    renamed = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert not any(f'"{old}"' in renamed.decode() for old in mapping), "an id was left behind"
    return renamed, mapping
