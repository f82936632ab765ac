"""Deployment: versions by content, and diagrams that would run unsafe or broken code are refused."""

from __future__ import annotations

import pytest

from service.actors import Actor
from service.engine.deployments import deploy
from service.errors import Forbidden, InvalidInput
from tests.support.diagrams import diagram

OWNER = Actor(id="owner", groups=frozenset({"process_owner"}))


def refusal(ctx, content: bytes) -> str:
    with pytest.raises(InvalidInput) as refused:
        deploy(ctx, files={"broken.bpmn": content}, actor=OWNER)
    return " ".join(refused.value.fields["diagram"])


def test_unchanged_content_keeps_its_version_and_a_change_makes_version_two(ctx):
    first = deploy(ctx, files={"tiny.bpmn": diagram()}, actor=OWNER)
    again = deploy(ctx, files={"tiny.bpmn": diagram()}, actor=OWNER)
    changed = deploy(ctx, files={"tiny.bpmn": diagram(name="小流程 v2")}, actor=OWNER)
    assert [d.version for d in first.created] == [1]
    assert again.created == [] and [d.version for d in again.unchanged] == [1]
    assert [d.version for d in changed.created] == [2]


def test_only_process_owners_deploy(ctx):
    with pytest.raises(Forbidden):
        deploy(ctx, files={"tiny.bpmn": diagram()}, actor=Actor(id="city1", groups=frozenset({"city_clerk"})))


def test_import_in_a_condition_is_refused_with_the_element(ctx):
    message = refusal(ctx, diagram(condition="__import__('os').system('true') == 0"))
    assert "Flow_cond" in message


def test_juel_outside_the_subset_is_refused_with_the_column(ctx):
    message = refusal(ctx, diagram(condition="${amount.intValue() &gt; 1}"))
    assert "Flow_cond" in message and "${amount.intValue() > 1}" in message and "column 18" in message


def test_unquoted_malformed_timer_duration_is_refused(ctx):
    message = refusal(ctx, diagram(duration="P10X"))
    assert "Wait" in message and "P10X" in message


def test_unquoted_timer_duration_deploys_as_camundas_iso_literal(ctx):
    assert [d.key for d in deploy(ctx, files={"t.bpmn": diagram(duration="P10D")}, actor=OWNER).created] \
        == ["tiny_review"]


def test_unreachable_task_is_refused(ctx):
    orphan = '<bpmn:userTask id="Task_Orphan" name="孤立任务" camunda:candidateGroups="city_clerk" />'
    message = refusal(ctx, diagram(extra=orphan))
    assert "Task_Orphan" in message


def test_refusals_name_the_line(ctx):
    message = refusal(ctx, diagram(condition="#{amount.intValue() &gt; 1}"))
    assert "broken.bpmn:" in message
