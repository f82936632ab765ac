"""DMN 1.3 decision tables as Camunda Modeler 5 saves them (with their DMNDI section), for tests of
business-rule tasks (issue 15 item 6)."""

from __future__ import annotations

from xml.sax.saxutils import escape


def decision_table(key: str, *, inputs: list[tuple[str, str, str]], outputs: list[tuple[str, str]],
                   rules: list[tuple[list[str], list[str]]], hit_policy: str = "UNIQUE",
                   aggregation: str | None = None, name: str | None = None,
                   more_decisions: str = "") -> bytes:
    """A `.dmn` with decision `key`: `inputs` are (label, input expression, typeRef), `outputs`
    (name, typeRef), `rules` (input entries, output entries) as typed in Modeler's table editor."""
    policy = "" if hit_policy == "UNIQUE" else f' hitPolicy="{hit_policy}"'
    if aggregation:
        policy += f' aggregation="{aggregation}"'
    columns = "".join(
        f'\n      <input id="Input_{i}" label="{escape(label)}">\n'
        f'        <inputExpression id="InputExpression_{i}" typeRef="{type_ref}">\n'
        f"          <text>{escape(expression)}</text>\n        </inputExpression>\n      </input>"
        for i, (label, expression, type_ref) in enumerate(inputs, start=1))
    columns += "".join(
        f'\n      <output id="Output_{i}" label="{escape(out)}" name="{escape(out)}" typeRef="{type_ref}" />'
        for i, (out, type_ref) in enumerate(outputs, start=1))
    body = ""
    for r, (tests, values) in enumerate(rules, start=1):
        body += f'\n      <rule id="Rule_{key}_{r}">'
        for c, text in enumerate(tests, start=1):
            body += (f'\n        <inputEntry id="UnaryTests_{r}_{c}">\n'
                     f"          <text>{escape(text)}</text>\n        </inputEntry>")
        for c, text in enumerate(values, start=1):
            body += f'\n        <outputEntry id="LiteralExpression_{r}_{c}">\n' \
                    f"          <text>{escape(text)}</text>\n        </outputEntry>"
        body += "\n      </rule>"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" \
xmlns:dmndi="https://www.omg.org/spec/DMN/20191111/DMNDI/" \
xmlns:dc="http://www.omg.org/spec/DMN/20180521/DC/" \
xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_{key}" name="DRD" \
namespace="http://camunda.org/schema/1.0/dmn" exporter="Camunda Modeler" exporterVersion="5.31.0" \
modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.22.0">
  <decision id="{key}" name="{escape(name or key)}">
    <decisionTable id="DecisionTable_{key}"{policy}>{columns}{body}
    </decisionTable>
  </decision>{more_decisions}
  <dmndi:DMNDI>
    <dmndi:DMNDiagram>
      <dmndi:DMNShape dmnElementRef="{key}">
        <dc:Bounds height="80" width="180" x="160" y="100" />
      </dmndi:DMNShape>
    </dmndi:DMNDiagram>
  </dmndi:DMNDI>
</definitions>
""".encode()


def rule_task(element_id: str, decision: str, result: str, mapping: str | None = None,
              attributes: str = "") -> str:
    """A business-rule task as Modeler's properties panel writes it (Implementation: DMN)."""
    mapped = f' camunda:mapDecisionResult="{mapping}"' if mapping else ""
    return (f'<bpmn:businessRuleTask id="{element_id}" name="{element_id}" camunda:resultVariable="{result}" '
            f'camunda:decisionRef="{decision}"{mapped} {attributes}/>')
