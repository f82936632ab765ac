"""Deploy-time refusals: each names the element id and the line to fix."""

from __future__ import annotations

import pytest

from workflows.engine import Engine
from workflows.errors import DiagramInvalid, DiagramProblem

from .conftest import read

BASE = read("lint_base.bpmn").decode()
ORPHAN = '<bpmn:userTask id="Task_Orphan" name="Orphan" />'


def refuse(engine: Engine, old: str, new: str) -> tuple[list[DiagramProblem], int]:
    """Compile the base diagram with `old` replaced by `new`; return the problems and new's line."""
    assert old in BASE
    text = BASE.replace(old, new)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if new.splitlines()[0] in row)
    with pytest.raises(DiagramInvalid) as refused:
        engine.compile({"lint.bpmn": text.encode()})
    return refused.value.problems, line


def test_base_diagram_compiles(engine: Engine) -> None:
    compiled = engine.compile({"lint.bpmn": BASE.encode()})
    assert compiled["lint_demo"].resource_name == "lint.bpmn"


def test_import_in_a_condition(engine: Engine) -> None:
    problems, line = refuse(engine, "amount &gt; 1", "__import__('os').getpid() &gt; 1")
    assert [(p.element_id, p.line) for p in problems] == [("Flow_Big", line)]
    assert "_" in problems[0].message and problems[0].file == "lint.bpmn"


def test_juel_condition_outside_the_subset(engine: Engine) -> None:
    """Issue 15 item 5: JUEL conditions run (tests/http/test_juel.py); a method call is refused."""
    problems, line = refuse(engine, "amount &gt; 1", "${x.size() &gt; 1}")
    assert [(p.element_id, p.line) for p in problems] == [("Flow_Big", line)]
    assert "JUEL" in problems[0].message and "column 9" in problems[0].message


def test_unquoted_timer_duration_is_camundas_iso_literal(engine: Engine) -> None:
    """Issue 12 fault 6: Modeler's timer field holds `P10D` unquoted, as Camunda reads it."""
    assert "lint_demo" in engine.compile({"lint.bpmn": BASE.replace('"P10D"', "P10D").encode()})
    assert "lint_demo" in engine.compile({"lint.bpmn": BASE.replace('"P10D"', "${'P10D'}").encode()})


def test_unquoted_malformed_timer_literal_is_refused(engine: Engine) -> None:
    problems, line = refuse(engine, '"P10D"', "P3X")
    assert [(p.element_id, p.line) for p in problems] == [("Timer_Wait", line)]
    assert "P3X" in problems[0].message


def test_invalid_quoted_duration_is_parsed_like_spiff(engine: Engine) -> None:
    problems, _ = refuse(engine, '"P10D"', '"P3X"')
    assert [p.element_id for p in problems] == ["Timer_Wait"]
    assert "ISO" in problems[0].message


def test_unreachable_task(engine: Engine) -> None:
    problems, line = refuse(engine, "<!-- ORPHAN -->", ORPHAN)
    assert [(p.element_id, p.line) for p in problems] == [("Task_Orphan", line)]


def test_import_in_a_script_names_the_script_line(engine: Engine) -> None:
    problems, line = refuse(engine, 'label = "A-%d" % amount', "label = __import__('os').getcwd()")
    assert [(p.element_id, p.line) for p in problems] == [("Script_Prepare", line)]


def test_service_task_needs_a_topic(engine: Engine) -> None:
    problems, _ = refuse(engine, ' camunda:topic="notify"', ' camunda:class="org.example.Notify"')
    assert {p.element_id for p in problems} == {"Service_Notify"}
    assert any("topic" in p.message for p in problems)


def test_extension_attribute_expression_must_compile(engine: Engine) -> None:
    text = read("extensions.bpmn").decode()
    broken = text.replace("camunda:assignee=\"${desk['expert']}\"", 'camunda:assignee="${desk[}"')
    broken = broken.replace('camunda:candidateGroups="city_clerk, expert"',
                            'camunda:candidateGroups="#{groups.split(\',\')}"')
    assert broken.count("${desk[}") == 1 and "#{groups.split" in broken
    with pytest.raises(DiagramInvalid) as refused:
        engine.compile({"extensions.bpmn": broken.encode()})
    messages = sorted(p.message.split(" ")[0] for p in refused.value.problems)
    assert {p.element_id for p in refused.value.problems} == {"Task_Review"}
    assert messages == ["camunda:assignee:", "camunda:candidateGroups:"]


def test_reserved_element_id(engine: Engine) -> None:
    """A start event with id "Start" (SpiffWorkflow's internal name) is parsed under a private id and
    keeps its own id as its `bpmn_id` (workflows/reserved_ids.py; hbreak fault 12)."""
    compiled = engine.compile({"lint.bpmn": BASE.replace('"StartEvent_1"', '"Start"').encode()})
    assert '"bpmn_id": "Start"' in compiled["lint_demo"].spec_json


def test_spiff_structural_error_gets_the_element_line(engine: Engine) -> None:
    """SpiffWorkflow's own ValidationException has no line (it reads `line_number`); we add it."""
    problems, line = refuse(engine, '<bpmn:exclusiveGateway id="Gateway_Amount" default="Flow_Small" />',
                            '<bpmn:exclusiveGateway id="Gateway_Amount" />')
    assert [(p.element_id, p.line) for p in problems] == [("Flow_Small", line + 4)]
    assert "without condition" in problems[0].message
