"""The parser subclass reads the Camunda attributes SpiffWorkflow's CamundaParser ignores."""

from __future__ import annotations

from SpiffWorkflow.camunda.parser import CamundaParser

from workflows.parser import ConsortiumParser

from .conftest import read


def _specs(parser_class: type[CamundaParser]):
    parser = parser_class()
    parser.add_bpmn_str(read("extensions.bpmn"), "extensions.bpmn")
    return parser, parser.get_spec("ext_demo").task_specs


def test_user_task_attributes_land_in_extensions() -> None:
    _, specs = _specs(ConsortiumParser)
    ext = specs["Task_Review"].extensions
    assert ext["camunda:assignee"] == "${desk['expert']}"
    assert ext["camunda:candidateGroups"] == "city_clerk, expert"
    assert ext["camunda:candidateUsers"] == "${panel}"
    assert ext["camunda:dueDate"] == "${add_days(now(), 10)}"
    assert ext["camunda:followUpDate"] == "P3D"
    assert ext["camunda:priority"] == "${level * 10}"
    assert ext["candidateOrganisation"] == "${member.credit_code}"  # camunda:properties keep plain names
    assert specs["Task_Review"].form.key == "review_form"


def test_service_task_topic_and_input_parameters() -> None:
    _, specs = _specs(ConsortiumParser)
    ext = specs["Service_Notify"].extensions
    assert ext["camunda:type"] == "external"
    assert ext["camunda:topic"] == "notify"
    inputs = ext["camunda:inputOutput"]["inputs"]
    assert inputs == {"status": "approved", "organisation": "${member.credit_code}"}


def test_stock_camunda_parser_drops_them() -> None:
    """Guards the reason the subclass exists: if upstream starts reading them, revisit the parser."""
    _, specs = _specs(CamundaParser)
    assert "camunda:assignee" not in specs["Task_Review"].extensions
    assert specs["Service_Notify"].extensions == {}


def test_sourceline_of_an_element() -> None:
    parser, _ = _specs(ConsortiumParser)
    text = read("extensions.bpmn").decode().splitlines()
    expected = next(i for i, line in enumerate(text, 1) if 'id="Service_Notify"' in line)
    assert parser.sourceline("extensions.bpmn", "Service_Notify") == expected
