"""A Camunda Form drawn in Modeler, rendered by form-js on the task page (issue 15 item 1): prefilled
from the variables, a bad value refused with the field named, a good one completing the task; a
generated (`camunda:formData`) form rendered by the same viewer. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json

from service.engine import deployments, instances, tasks
from tests.support.drawn import chain, drawn
from tests.support.procedure import Walk

from .conftest import ARTIFACTS

FORM = json.dumps({
    "components": [
        {"label": "补充说明", "type": "textfield", "key": "note", "id": "Field_note",
         "validate": {"required": True}},
        {"label": "档案号", "type": "textfield", "key": "archiveNo", "id": "Field_no",
         "validate": {"pattern": "^[A-Z]{2}[0-9]{4}$"}},
    ],
    "type": "default", "id": "Form_material", "schemaVersion": 16,
}, ensure_ascii=False).encode()

GENERATED = """<bpmn:extensionElements><camunda:formData>
  <camunda:formField id="copies" label="份数" type="long">
    <camunda:validation><camunda:constraint name="max" config="9" /></camunda:validation>
  </camunda:formField>
</camunda:formData></bpmn:extensionElements>"""


def _deploy(site, key: str, attrs: str, extension: str = "", forms: dict[str, bytes] | None = None) -> None:
    task = (f'<bpmn:userTask id="Task_material" name="材料补充说明" camunda:candidateGroups="city_clerk" '
            f'{attrs}>{extension}</bpmn:userTask>')
    body = chain('<bpmn:startEvent id="Start_1" />', task, '<bpmn:endEvent id="End_1" />')
    walk = Walk(site.ctx)
    deployments.deploy(site.ctx, files={f"{key}.bpmn": drawn(key, body), **(forms or {})},
                       actor=walk.actor("owner"))


def _open(site, key: str, variables: dict):
    walk = Walk(site.ctx)
    started = instances.start_instance(site.ctx, key=key, actor=walk.actor("city1"), variables=variables)
    [task] = _open_tasks(site, started.id)
    page = site.page_for("city1")
    page.goto(site.url(f"/tasks/{task.id}"))
    page.wait_for_selector("#camunda-form[data-rendered=true]")
    return page, started.id


def _open_tasks(site, instance_id: str) -> list:
    return [t for t in tasks.list_tasks(site.ctx, actor=Walk(site.ctx).actor("city1"))
            if t.instance_id == instance_id]


def test_a_camunda_form_renders_prefilled_refuses_a_bad_value_and_completes(site):
    _deploy(site, "forms_page", 'camunda:formKey="camunda-forms:deployment:material.form"',
            forms={"material.form": FORM})
    page, instance_id = _open(site, "forms_page", {"note": "预填说明"})
    assert page.get_by_label("补充说明").input_value() == "预填说明"
    page.get_by_label("档案号").fill("ab12")
    page.click("button[value=complete]")
    page.wait_for_selector("#camunda-form[data-refused]")
    assert page.locator("#camunda-form").get_attribute("data-refused") == "Field_no"  # form-js: by id
    assert page.locator("#camunda-form .fjs-form-field-error").count() >= 1
    error = page.locator("#camunda-form .fjs-form-field-error").first.inner_text()
    assert "格式不符合要求" in error and "Field must" not in error  # form-js's message, in Chinese
    page.screenshot(path=str(ARTIFACTS / "camunda-form-refused.png"), full_page=True)
    page.get_by_label("档案号").fill("AB1234")
    with page.expect_navigation():
        page.click("button[value=complete]")
    assert page.locator("#error-summary").count() == 0
    assert not _open_tasks(site, instance_id)
    state = instances.get_instance(site.ctx, instance_id=instance_id, actor=Walk(site.ctx).actor("city1"))
    assert {k: state["variables"].get(k) for k in ("note", "archiveNo")} == {"note": "预填说明",
                                                                             "archiveNo": "AB1234"}
    page.screenshot(path=str(ARTIFACTS / "camunda-form-completed.png"), full_page=True)


def test_a_generated_form_is_rendered_and_checked_by_the_server_too(site):
    _deploy(site, "forms_page_generated", "", extension=GENERATED)
    page, instance_id = _open(site, "forms_page_generated", {})
    # a value the browser would refuse, sent as a scripted client would: the server names the field
    with page.expect_navigation():
        page.evaluate("""() => {
            document.getElementById("camunda-form-data").value = JSON.stringify({copies: 50});
            HTMLFormElement.prototype.submit.call(document.getElementById("camunda-form").closest("form"));
        }""")
    summary = page.locator("#error-summary")
    assert "份数" in summary.inner_text() and "9" in summary.inner_text()  # the field by its label
    page.wait_for_selector("#camunda-form[data-rendered=true]")
    assert page.get_by_label("份数").input_value() == "50"  # the refused value comes back as typed
    page.screenshot(path=str(ARTIFACTS / "generated-form-refused.png"), full_page=True)
    page.get_by_label("份数").fill("3")
    with page.expect_navigation():
        page.click("button[value=complete]")
    assert page.locator("#error-summary").count() == 0
    assert not _open_tasks(site, instance_id)


def test_a_task_whose_form_key_names_no_form_here_completes_from_its_page(site):
    _deploy(site, "forms_page_embedded", 'camunda:formKey="embedded:app:forms/material.html"')
    walk = Walk(site.ctx)
    started = instances.start_instance(site.ctx, key="forms_page_embedded", actor=walk.actor("city1"))
    [task] = _open_tasks(site, started.id)
    page = site.page_for("city1")
    page.goto(site.url(f"/tasks/{task.id}"))  # was a server error: no schema for that formKey
    assert page.locator("#camunda-form").count() == 0
    with page.expect_navigation():
        page.click("button[value=complete]")
    assert page.locator("#error-summary").count() == 0
    assert not _open_tasks(site, started.id)
