"""Link events as Camunda 7 runs them: a link throw event jumps to the link catch event with the same
name in the same scope (process or sub-process), and the catch passes straight on (it is no wait state).

SpiffWorkflow 3.2 has no link events: it reads a link throw as a none throw with nowhere to go (the
instance ended silently after it, report-owner finding 5) and never reaches the catch. Camunda resolves
the link when it parses the diagram (a transition from the throw to the catch), so this module does
the same to the parsed tree before SpiffWorkflow reads it: both events lose their link definition
(becoming none events that pass through) and a sequence flow joins them. The deployed resource keeps the
diagram as drawn. A link Camunda would refuse at deploy is refused here too, naming the element:
a throw whose name matches no catch in its scope, two catches with one name in one scope, a link
without a name.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree
from SpiffWorkflow.camunda.parser.CamundaParser import NSMAP

from .errors import DiagramProblem

_B = "{" + NSMAP["bpmn"] + "}"
SCOPES = ("process", "subProcess", "transaction", "adHocSubProcess")
FLOW_SUFFIX = "__link"
"""The id of the sequence flow joining throw `X` to its catch is `X__link`."""


def resolve_links(file: str, root: etree._Element) -> list[DiagramProblem]:
    """Join every link throw event of `root` to its catch by a sequence flow (in place); the problems
    of links Camunda 7 would refuse (the tree is left as is for those)."""
    problems: list[DiagramProblem] = []
    for tag in SCOPES:
        for scope in root.iter(_B + tag):
            problems.extend(_resolve_scope(file, scope))
    return problems


def _links(scope: etree._Element, tag: str) -> Iterator[tuple[etree._Element, etree._Element]]:
    for node in scope:
        if node.tag == _B + tag:
            definition = node.find(_B + "linkEventDefinition")
            if definition is not None:
                yield node, definition


def _resolve_scope(file: str, scope: etree._Element) -> list[DiagramProblem]:
    problems: list[DiagramProblem] = []
    catches: dict[str, list[tuple[etree._Element, etree._Element]]] = {}
    for node, definition in _links(scope, "intermediateCatchEvent"):
        name = (definition.get("name") or "").strip()
        if not name:
            problems.append(_problem(file, node, "链接捕获事件缺少名称 / a link catch event needs a name "
                                                 "(the link throw events jumping to it use the same name)"))
            continue
        catches.setdefault(name, []).append((node, definition))
    for name, found in catches.items():
        for node, _definition in found[1:]:
            problems.append(_problem(file, node, f"同一范围内有多个名为 {name!r} 的链接捕获事件 / more than "
                                                 f"one link catch event named {name!r} in one scope "
                                                 f"(also {found[0][0].get('id')!r}); Camunda 7 refuses it"))
    joins: list[tuple[etree._Element, etree._Element, etree._Element]] = []
    for node, definition in _links(scope, "intermediateThrowEvent"):
        name = (definition.get("name") or "").strip()
        target = catches.get(name)
        if not name or not target:
            problems.append(_problem(file, node, f"链接抛出事件 {name!r} 在同一范围内没有同名的捕获事件 / "
                                                 f"the link throw event {name!r} has no link catch event "
                                                 "with the same name in its scope (process or "
                                                 "sub-process); Camunda 7 refuses it"))
            continue
        joins.append((node, definition, target[0][0]))
    if problems:
        return problems
    for node, definition, catch in joins:
        node.remove(definition)
        flow = etree.SubElement(scope, _B + "sequenceFlow", id=node.get("id") + FLOW_SUFFIX,
                                sourceRef=node.get("id"), targetRef=catch.get("id"))
        flow.tail = "\n"
    for found in catches.values():
        for catch, definition in found:
            catch.remove(definition)
    return problems


def _problem(file: str, node: etree._Element, message: str) -> DiagramProblem:
    return DiagramProblem(file, node.get("id"), node.sourceline, message)
