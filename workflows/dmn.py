"""DMN 1.3 decision tables from Camunda Modeler: validated and compiled at deploy, evaluated at run time.

SpiffWorkflow's DMN engine evaluates cells as Python, reports no UNIQUE overlap, runs every hit policy
but COLLECT as first match and reads no aggregation (SPIFF-NOTES §7, §10.7), so only its DMN 1.3 XSD is
used here: a `.dmn` file is validated against the DMN schema (never the BPMN one), then each decision
table is compiled into plain JSON (`compile_dmn`), its FEEL parsed by `workflows.feel`. Anything outside
the subset is refused at deploy naming the file, the decision, the rule or input/output and the reason.

Evaluation follows the Camunda 7 DMN engine (user guide "DMN Engine > Decision Table > Hit Policy"):

* UNIQUE (default): at most one rule matches; two or more raise `DecisionFailed` (Camunda's exception);
* FIRST: the first matching rule in table order; RULE ORDER: every match, in table order;
* ANY: every match must give the same outputs (else `DecisionFailed`); the first is the result;
* COLLECT: every match; with `aggregation` SUM/MIN/MAX/COUNT one entry named after the single output
  (COUNT counts the matched values; SUM/MIN/MAX of no values give no result).

PRIORITY and OUTPUT ORDER need output value lists and are refused, as are literal-expression decisions
and decisions requiring other decisions. A rule's empty output entry gives no entry for that output.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS

from . import dmn_types, feel
from .errors import DiagramInvalid, DiagramProblem, ScriptFailed

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"
_D = "{" + DMN13 + "}"
CAMUNDA_DMN = "http://camunda.org/schema/1.0/dmn"
HIT_POLICIES = ("UNIQUE", "FIRST", "ANY", "COLLECT", "RULE ORDER")
AGGREGATIONS = ("SUM", "MIN", "MAX", "COUNT")
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True)
_LOCK = threading.Lock()
_VALIDATOR: BpmnValidator | None = None


class DecisionFailed(ScriptFailed):
    """A decision could not give a result as its hit policy demands (Camunda raises an exception)."""


@dataclass(frozen=True)
class CompiledDecision:
    """One decision table of a `.dmn` file: `table` is the JSON `evaluate` reads."""

    key: str
    name: str | None
    resource_name: str
    table: dict[str, Any]
    version_tag: str | None = None  # camunda:versionTag, as written

    @property
    def table_json(self) -> str:
        return json.dumps(self.table, ensure_ascii=False, sort_keys=True)


def _validator() -> BpmnValidator:
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = BpmnValidator(SCHEMAS[DMN13])  # SpiffWorkflow ships the DMN 1.3 XSD
    return _VALIDATOR


def compile_dmn(files: dict[str, bytes]) -> dict[str, CompiledDecision]:
    """Every decision of the `.dmn` files, by decision id (the decision definition key).

    Raises:
        DiagramInvalid: every problem found: XML syntax, not DMN 1.3, the DMN 1.3 schema, a key
            defined twice, a construct or FEEL outside the subset (file, line, decision id, where, why).
    """
    problems: list[DiagramProblem] = []
    out: dict[str, CompiledDecision] = {}
    for name, content in files.items():
        decisions, found = _compile_file(name, content)
        problems.extend(found)
        for decision in decisions:
            if decision.key in out:
                problems.append(DiagramProblem(name, decision.key, None, "决策 id 重复 / the decision id "
                                               f"{decision.key!r} is defined twice in this deployment"))
            out[decision.key] = decision
    if problems:
        raise DiagramInvalid(problems)
    return out


def _compile_file(name: str, content: bytes) -> tuple[list[CompiledDecision], list[DiagramProblem]]:
    try:
        root = etree.fromstring(content, parser=_SAFE)
    except etree.XMLSyntaxError as exc:
        return [], [DiagramProblem(name, None, exc.lineno, f"XML 语法错误 / XML syntax error: {exc.msg}")]
    if etree.QName(root).namespace != DMN13 or etree.QName(root).localname != "definitions":
        return [], [DiagramProblem(name, None, root.sourceline, "不是 DMN 1.3 文件 / not a DMN 1.3 file "
                                   f"(root {root.tag}); save it from Camunda Modeler 5 as DMN 1.3")]
    with _LOCK:
        try:
            _validator().validate(root, name)
        except ValidationException as exc:
            return [], [DiagramProblem(name, None, exc.line_number or None,
                                       f"不符合 DMN 1.3 架构 / not valid against the DMN 1.3 schema: {exc}")]
    decisions: list[CompiledDecision] = []
    problems: list[DiagramProblem] = []
    for node in root.iter(_D + "decision"):
        decision, found = _compile_decision(name, node)
        problems.extend(found)
        if decision is not None and not found:
            decisions.append(decision)
    if not decisions and not problems:
        problems.append(DiagramProblem(name, None, root.sourceline,
                                       "文件中没有决策 / no decision in the file"))
    return decisions, problems


def _compile_decision(file: str, node: etree._Element
                      ) -> tuple[CompiledDecision | None, list[DiagramProblem]]:
    key = node.get("id") or ""
    problems: list[DiagramProblem] = []

    def refuse(element: etree._Element, where: str, reason: str) -> None:
        problems.append(DiagramProblem(file, key, element.sourceline, f"决策 {key} {where}: {reason}"))

    if node.find(_D + "informationRequirement") is not None:
        refuse(node, "", "不支持依赖其他决策 / decisions requiring other decisions (DRD) are not supported")
    table = node.find(_D + "decisionTable")
    if table is None:
        refuse(node, "", "只支持决策表 / only decision tables are supported (not a literal expression)")
        return None, problems
    policy = table.get("hitPolicy") or "UNIQUE"
    aggregation = table.get("aggregation")
    if policy not in HIT_POLICIES:
        refuse(table, "hitPolicy", f"不支持命中策略 {policy} / hit policy {policy} is not supported "
                                   f"(supported: {', '.join(HIT_POLICIES)})")
    if aggregation is not None and (policy != "COLLECT" or aggregation not in AGGREGATIONS):
        refuse(table, "aggregation", f"不支持聚合 {aggregation} / aggregation {aggregation} needs COLLECT "
                                     f"and one of {', '.join(AGGREGATIONS)}")
    inputs: list[dict[str, Any]] = []
    for index, element in enumerate(table.findall(_D + "input"), start=1):
        label = element.get("label") or element.get("id") or f"#{index}"
        expression = element.find(_D + "inputExpression")
        text = expression.findtext(_D + "text") if expression is not None else None
        language = (expression.get("expressionLanguage") if expression is not None else None) or "feel"
        if language.lower() not in ("feel", "juel"):
            refuse(element, f"输入 input {label!r}", f"不支持表达式语言 {language} / expression language "
                                                   f"{language} is not supported (FEEL or JUEL names)")
            continue
        try:
            names = feel.path(text)
        except feel.FeelRefused as exc:
            refuse(element, f"输入 input {label!r}",
                   f"{text!r}: {exc.reason}; 输入表达式只能是变量名或路径 / an input expression must name a "
                   "variable or a path (a.b)")
            continue
        inputs.append({"id": element.get("id"), "label": element.get("label"), "path": names,
                       "typeRef": expression.get("typeRef") if expression is not None else None})
    outputs = [{"id": o.get("id"), "name": o.get("name") or "", "label": o.get("label"),
                "typeRef": o.get("typeRef")} for o in table.findall(_D + "output")]
    if aggregation is not None and len(outputs) != 1:
        refuse(table, "aggregation", "聚合只适用于单个输出 / an aggregation needs exactly one output")
    for output in outputs:
        if not output["name"]:
            refuse(table, f"输出 output {output['label'] or output['id']!r}",
                   "输出缺少名称 / the output has no name (Modeler: Output name)")
    labels = [e.get("label") or e.get("id") or f"#{i}" for i, e in enumerate(table.findall(_D + "input"), 1)]
    rules: list[dict[str, Any]] = []
    for number, rule in enumerate(table.findall(_D + "rule"), start=1):
        rule_id = rule.get("id") or f"#{number}"
        where = f"规则 rule {rule_id}（第 {number} 行 / row {number}）"
        for kind, entries, columns in (("input", "inputEntry", len(labels)),
                                       ("output", "outputEntry", len(outputs))):
            count = len(rule.findall(_D + entries))
            if count != columns:  # Camunda's DMN transformer: DMN-02001 / DMN-02002
                refuse(rule, where, f"有 {count} 个 {entries}，表有 {columns} 个 {kind} / the rule has "
                                    f"{count} {kind} entries but the table has {columns} {kind}s")
        tests = []
        for column, entry in enumerate(rule.findall(_D + "inputEntry")):
            text = entry.findtext(_D + "text")
            label = labels[column] if column < len(labels) else f"#{column + 1}"
            try:
                tests.append(feel.unary_tests(text))
            except feel.FeelRefused as exc:
                refuse(entry, f"{where}输入 input {label!r}", f"{text[:80]!r}: {exc.reason}")
        values = []
        for column, entry in enumerate(rule.findall(_D + "outputEntry")):
            text = entry.findtext(_D + "text")
            label = outputs[column]["name"] if column < len(outputs) else column + 1
            try:
                value = feel.literal(text) if (text or "").strip() else None
                if value is not None and column < len(outputs):
                    dmn_types.convert(feel.value_of(value), outputs[column]["typeRef"])
                values.append(value)
            except feel.FeelRefused as exc:
                refuse(entry, f"{where}输出 output {label!r}",
                       f"{(text or '')[:80]!r}: {exc.reason}; 输出只能是字面量 / an output entry must be a "
                       "literal")
            except dmn_types.NotConvertible as exc:
                refuse(entry, f"{where}输出 output {label!r}", str(exc))
        rules.append({"id": rule.get("id"), "tests": tests, "outputs": values})
    compiled = {"key": key, "name": node.get("name"), "hitPolicy": policy, "aggregation": aggregation,
                "inputs": inputs, "outputs": outputs, "rules": rules}
    return CompiledDecision(key, node.get("name"), file, compiled,
                            version_tag=node.get(f"{{{CAMUNDA_DMN}}}versionTag")), problems


# --- run time ---------------------------------------------------------------------------------------

def evaluate(table: dict[str, Any], variables: dict[str, Any]) -> list[dict[str, Any]]:
    """The decision result: one `{output name: value}` per matched rule, as Camunda's
    `DmnDecisionResult.getResultList()` (module docstring for the hit policies).

    Raises:
        DecisionFailed: UNIQUE with two or more matches, ANY with different outputs.
    """
    actual = [_input(table, column, variables) for column in table["inputs"]]
    matched = [rule for rule in table["rules"]
               if all(feel.matches(test, value) for test, value in zip(rule["tests"], actual, strict=False))]
    results = [_entries(table, rule) for rule in matched]
    policy = table["hitPolicy"]
    key = table["key"]
    if policy == "UNIQUE" and len(matched) > 1:
        ids = ", ".join(rule["id"] or "?" for rule in matched)
        raise DecisionFailed(f"决策 {key} 命中策略 UNIQUE 只允许一条规则匹配，匹配了 {ids} / hit policy "
                             f"'UNIQUE' only allows a single rule to match; multiple rules matched: {ids}")
    if policy == "ANY" and any(result != results[0] for result in results[1:]):
        ids = ", ".join(rule["id"] or "?" for rule in matched)
        raise DecisionFailed(f"决策 {key} 命中策略 ANY 要求各匹配规则输出相同 / hit policy 'ANY' only allows "
                             f"multiple matching rules with equal output; matching rules: {ids}")
    if policy in ("FIRST", "ANY", "UNIQUE"):
        return results[:1]
    aggregation = table.get("aggregation")
    if policy == "COLLECT" and aggregation:
        name = table["outputs"][0]["name"]
        values = [result[name] for result in results if result.get(name) is not None]
        if aggregation == "COUNT":
            return [{name: len(values)}]
        if not values:
            return []
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if len(numbers) != len(values):
            raise DecisionFailed(f"决策 {key} 只能聚合数字 / {aggregation} aggregates numbers only: {values}")
        total = {"SUM": sum(numbers), "MIN": min(numbers), "MAX": max(numbers)}[aggregation]
        return [{name: total}]
    return results


def _input(table: dict[str, Any], column: dict[str, Any], variables: dict[str, Any]) -> Any:
    """The input column's value converted to its typeRef (`workflows.dmn_types`).

    Raises:
        DecisionFailed: the value cannot be converted, naming the decision and the input.
    """
    value = feel.read(variables, column["path"])
    try:
        return dmn_types.convert(value, column.get("typeRef"))
    except dmn_types.NotConvertible as exc:
        label = column.get("label") or ".".join(column["path"])
        raise DecisionFailed(f"决策 {table['key']} 输入 input {label!r} ({'.'.join(column['path'])}): "
                             f"{exc}") from None


def _entries(table: dict[str, Any], rule: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for output, value in zip(table["outputs"], rule["outputs"], strict=False):
        if value is not None:
            out[output["name"]] = _typed(feel.value_of(value), output.get("typeRef"))
    return out


def _typed(value: Any, type_ref: str | None) -> Any:
    """A number as the output's `typeRef` declares it (Camunda: `double` 0 is 0.0, `integer` 2.0 is 2)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if type_ref == "double":
        return float(value)
    if type_ref in ("integer", "long") and float(value).is_integer():
        return int(value)
    return value


MAPPINGS = ("singleEntry", "singleResult", "collectEntries", "resultList")
"""`camunda:mapDecisionResult` values (Camunda's default: resultList)."""


def map_result(results: list[dict[str, Any]], mapping: str, key: str) -> Any:
    """The value `camunda:mapDecisionResult` stores in the result variable (Camunda user guide, "DMN
    Decisions > Decision Result > Predefined Mapping of the Decision Result"):

    * singleEntry: the one output value of the one matched rule (None when none matched);
    * singleResult: the one matched rule's `{output: value}` (None when none matched);
    * collectEntries: the list of each matched rule's one output value;
    * resultList: the list of every matched rule's `{output: value}`.

    Raises:
        DecisionFailed: more than one rule matched for a single* mapping, or more than one output
            where one entry is expected (Camunda's mapper exception).
    """
    if mapping in ("singleEntry", "singleResult") and len(results) > 1:
        raise DecisionFailed(f"决策 {key} 匹配了 {len(results)} 条规则，{mapping} 只接受一条 / the decision "
                             f"result mapper '{mapping}' needs at most one result, got {len(results)}")
    if mapping in ("singleEntry", "collectEntries") and any(len(r) > 1 for r in results):
        raise DecisionFailed(f"决策 {key} 的结果有多个输出，{mapping} 只接受一个 / the decision result "
                             f"mapper '{mapping}' needs one output per result: {results}")
    if mapping == "singleEntry":
        return next(iter(results[0].values()), None) if results else None
    if mapping == "singleResult":
        return dict(results[0]) if results else None
    if mapping == "collectEntries":
        return [next(iter(r.values())) for r in results if r]
    return [dict(r) for r in results]
