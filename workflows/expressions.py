"""Which dialect a diagram expression is in, and the JUEL ones rewritten into sandbox Python at deploy.

Runs on each BPMN document's parsed tree before SpiffWorkflow sees it (`Engine._add`); the deployed
resource keeps the text as drawn, only the compiled spec holds Python. The rule (README, "For process
owners"):

* A value that is not one whole `${...}` / `#{...}` keeps its old meaning: Python in a
  `conditionExpression` or `completionCondition`, a literal in an attribute.
* `#{...}` is JUEL.
* `${...}` is JUEL when its inside parses as the subset of `workflows/juel.py`. Otherwise it is the
  engine's own Python dialect (`${add_days(now(), 10)}`, `${applicant.upper()}`), accepted only if
  every function it calls is one of the engine's helpers and every method one the sandbox allows
  (`workflows/methods.py`); anything else, e.g. `${dateTime().plusDays(2).toDate()}`, is refused as
  JUEL, naming the element, the expression and the column where the subset stops.

The two dialects agree wherever both parse (`${a.b}`, `${a['b']}`, `${x > 1}`, `${'P10D'}`), so the
rule never changes the meaning of an expression written before JUEL was supported.

Places read: sequence-flow `conditionExpression` (becomes bare Python, as Python conditions are),
multi-instance `completionCondition` and `camunda:collection` (a `${name}` becomes `name`), timer
`timeDate`/`timeDuration`/`timeCycle`, user-task `camunda:assignee`, `candidateGroups`,
`candidateUsers`, `dueDate`, `followUpDate`, `priority`, `camunda:inputParameter` /
`camunda:outputParameter` (text, list values, map entries), `camunda:in`/`camunda:out`
`sourceExpression` and `camunda:property` values (each becomes `${python}`). Bean references
(`delegateExpression`, listeners) and `businessKey` are left to `workflows/lint.py`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection

from lxml import etree
from SpiffWorkflow.camunda.parser.CamundaParser import NSMAP

from .errors import DiagramProblem
from .juel import JuelRefused, translate
from .lint import OWNERS
from .methods import ALLOWED

_B = "{" + NSMAP["bpmn"] + "}"
_C = "{" + NSMAP["camunda"] + "}"
_WHOLE = re.compile(r"\s*([$#])\{(.*)\}\s*", re.DOTALL)
_TASK_ATTRIBUTES = ("assignee", "candidateGroups", "candidateUsers", "dueDate", "followUpDate", "priority")
_TIMER_FIELDS = {_B + "timeDate", _B + "timeDuration", _B + "timeCycle"}
_PARAMETERS = {_C + "inputParameter", _C + "outputParameter"}
_METHODS = frozenset(name for table in ALLOWED.values() for name in table)


class ExpressionRefused(ValueError):
    """An expression in neither dialect; `.column` is 1-based in the value without surrounding blanks."""

    def __init__(self, reason: str, column: int) -> None:
        self.reason = reason
        self.column = column
        super().__init__(f"{reason} (column {column})")


def to_python(value: str, helper_names: Collection[str]) -> str | None:
    """The sandbox Python inside a whole `${...}` / `#{...}` value, or None if `value` is not one.

    Raises:
        ExpressionRefused: a JUEL expression outside the subset that is not the engine's Python either.
    """
    match = _WHOLE.fullmatch(value or "")
    if match is None:
        return None
    sigil, body = match.group(1), match.group(2)
    try:
        return translate(body)
    except JuelRefused as exc:
        if sigil == "$" and _engine_python(body, helper_names):
            return body.strip()
        lead = len(value) - len(value.lstrip())  # columns count in the value as shown (stripped)
        raise ExpressionRefused(exc.reason, match.start(2) - lead + exc.offset + 1) from None


def _engine_python(body: str, helper_names: Collection[str]) -> bool:
    """True if `body` is a Python expression calling only the engine's helpers and allowed methods."""
    try:
        tree = ast.parse(body.strip(), mode="eval")
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in helper_names:
            continue
        if isinstance(func, ast.Attribute) and func.attr in _METHODS:
            continue
        return False
    return True


def rewrite_document(file: str, root: etree._Element, helper_names: Collection[str]) -> list[DiagramProblem]:
    """Rewrite every JUEL expression of the document in place into sandbox Python.

    Returns a problem per refused expression (file, element id, line, the expression and column); a
    refused expression is replaced by `None`, so the later checks do not report it a second time.
    """
    problems: list[DiagramProblem] = []

    def convert(node: etree._Element, what: str, value: str | None, wrap: bool) -> str | None:
        if value is None:
            return None
        try:
            python = to_python(value, helper_names)
        except ExpressionRefused as exc:
            problems.append(DiagramProblem(
                file, _owner_id(node), node.sourceline,
                f"{what}: 表达式不在支持的 JUEL 子集内 / expression outside the supported JUEL subset, "
                f"column {exc.column}: {exc.reason}: {value.strip()!r}"))
            return "${None}" if wrap else "None"
        if python is None:
            return None
        return f"${{{python}}}" if wrap else python

    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag == _B + "conditionExpression":
            _set_text(node, convert(node, "条件 condition", node.text, wrap=False))
        elif node.tag == _B + "completionCondition" or node.tag in _TIMER_FIELDS:
            _set_text(node, convert(node, etree.QName(node).localname, node.text, wrap=True))
        elif node.tag == _B + "userTask":
            for name in _TASK_ATTRIBUTES:
                _set_attribute(node, _C + name, convert(node, f"camunda:{name}", node.get(_C + name), True))
        elif node.tag == _B + "multiInstanceLoopCharacteristics":
            _set_attribute(node, _C + "collection",
                           convert(node, "camunda:collection", node.get(_C + "collection"), wrap=False))
        elif node.tag in _PARAMETERS and len(node) == 0:
            what = f"{etree.QName(node).localname} {node.get('name')}"
            _set_text(node, convert(node, what, node.text, True))
        elif node.tag in (_C + "value", _C + "entry"):
            _set_text(node, convert(node, f"camunda:{etree.QName(node).localname}", node.text, True))
        elif node.tag in (_C + "in", _C + "out"):
            _set_attribute(node, "sourceExpression",
                           convert(node, "sourceExpression", node.get("sourceExpression"), True))
        elif node.tag == _C + "property":
            what = f"property {node.get('name')}"
            _set_attribute(node, "value", convert(node, what, node.get("value"), True))
    return problems


def _set_text(node: etree._Element, value: str | None) -> None:
    if value is not None:
        node.text = value


def _set_attribute(node: etree._Element, name: str, value: str | None) -> None:
    if value is not None:
        node.set(name, value)


def _owner_id(node: etree._Element) -> str | None:
    current: etree._Element | None = node
    while current is not None:
        if current.get("id") and etree.QName(current).localname in OWNERS:
            return current.get("id")
        current = current.getparent()
    return None
