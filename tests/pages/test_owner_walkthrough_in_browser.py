"""Issue 15 "Done when": a process owner changes the procedure without a developer. The bundled
recommendation diagram gets a new step 材料补充说明 for a new group `archive_clerk` with a new Camunda
Form (tests/support/owner_edit.py, as Modeler would save it), deployed over /engine-rest exactly as
Camunda Modeler 5 sends it; the group and its first member are made over /engine-rest; the new member
finds the step in the inbox of a real browser, the form rendered by form-js, a bad value refused with
the field named, a good one completing it. Screenshots go to test-artifacts/.

The application is started by the lead unit: the consortium procedure lets only a registered lead unit
initiate an application (guideline 五（一）, `domain_plugin._lead_unit_only`), so the owner's own trial
start of this process is refused there by design.
"""

from __future__ import annotations

import requests

from service.engine import instances
from tests.support.owner_edit import (
    BUNDLED,
    FORM,
    FORM_FILE,
    GROUP,
    NAME,
    TASK_ID,
    modeler5_upload,
    with_material_step,
)
from tests.support.procedure import Walk

from .conftest import ARTIFACTS, PASSWORD

KEY = "consortium_recommendation"


def _rest(site, login: str) -> requests.Session:
    session = requests.Session()
    session.auth = (login, PASSWORD)
    return session


def test_the_owners_new_step_is_worked_by_the_new_groups_member_in_the_browser(site):
    base = site.url("/engine-rest")
    admin, owner = _rest(site, "admin"), _rest(site, "owner")

    made = [
        admin.post(f"{base}/group/create", json={"id": GROUP, "name": "档案管理员", "type": "WORKFLOW"}),
        admin.post(f"{base}/user/create", json={
            "profile": {"id": "archivist1", "firstName": "档案", "lastName": "李",
                        "email": "archivist1@example.cn"},
            "credentials": {"password": PASSWORD}}),
        admin.put(f"{base}/group/{GROUP}/members/archivist1"),
    ]
    assert [r.status_code for r in made] == [204, 204, 204], [r.text for r in made]

    assert owner.get(f"{base}/deployment", params={"maxResults": 0}).status_code == 200  # Modeler's check
    files = {f"{KEY}.bpmn": with_material_step(), FORM_FILE: FORM}
    upload = modeler5_upload(files, name="创新联合体推荐备案")
    deployed = owner.post(f"{base}/deployment/create", **upload)
    assert deployed.status_code == 200, deployed.text
    [definition] = deployed.json()["deployedProcessDefinitions"].values()
    assert (definition["key"], definition["version"]) == (KEY, 2)
    assert not any(GROUP in str(w) for w in deployed.json().get("warnings") or [])
    names = [r["name"] for r in owner.get(f"{base}/deployment/{deployed.json()['id']}/resources").json()]
    assert sorted(names) == sorted([f"{KEY}.bpmn", FORM_FILE])

    walk = Walk(site.ctx)
    instance_id = walk.start()
    walk.do("Task_Initiate")

    page = site.page_for("archivist1")
    page.goto(site.url("/"))
    row = page.locator("tr", has_text=NAME)  # the inbox row names the step
    assert row.count() == 1 and walk.business_key in row.inner_text()
    row.get_by_role("link", name="办理").click()
    page.wait_for_selector("#camunda-form[data-rendered=true]")
    assert page.title().startswith(NAME)
    page.screenshot(path=str(ARTIFACTS / "owner-walkthrough-new-step.png"), full_page=True)
    page.get_by_label("补充说明").fill("补交了三份合作协议的原件扫描件")
    page.get_by_label("档案号").fill("ab12")
    page.click("button[value=complete]")
    page.wait_for_selector("#camunda-form[data-refused]")
    assert page.locator("#camunda-form").get_attribute("data-refused") == "Field_archive_no"
    assert page.locator("#camunda-form .fjs-form-field-error").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "owner-walkthrough-refused.png"), full_page=True)

    with page.expect_navigation():  # the same value sent past the browser's check: the server names it
        page.evaluate("""() => {
            document.getElementById("camunda-form-data").value = JSON.stringify(
                {material_note: "补交了三份合作协议的原件扫描件", archive_no: "ab12"});
            HTMLFormElement.prototype.submit.call(document.getElementById("camunda-form").closest("form"));
        }""")
    assert "档案号" in page.locator("#error-summary").inner_text()
    page.wait_for_selector("#camunda-form[data-rendered=true]")
    page.get_by_label("档案号").fill("QD2026")
    with page.expect_navigation():
        page.click("button[value=complete]")
    assert page.locator("#error-summary").count() == 0
    assert not [t for t in walk.tasks_of("admin") if t.element_id == TASK_ID]
    assert [t.element_id for t in walk.tasks_of("lead1")] == ["Task_InviteMembers"]
    state = instances.get_instance(site.ctx, instance_id=instance_id, actor=walk.actor("admin"))
    assert (state["variables"]["material_note"], state["variables"]["archive_no"]) == (
        "补交了三份合作协议的原件扫描件", "QD2026")


def test_the_owner_moves_the_running_application_to_the_newest_version_from_the_deployments_page(site):
    """Chapter 2: the owner deploys version 3 (the bundled diagram again, without the new step); the
    application running on version 2 moves to it with the page's button, its open task unchanged."""
    owner = _rest(site, "owner")
    base = site.url("/engine-rest")
    files = {f"{KEY}.bpmn": BUNDLED.read_bytes()}
    deployed = owner.post(f"{base}/deployment/create", **modeler5_upload(files, name="创新联合体推荐备案"))
    [v3] = deployed.json()["deployedProcessDefinitions"].values()
    assert v3["version"] == 3
    walk = Walk(site.ctx)
    [running] = owner.get(f"{base}/process-instance", params={"processDefinitionKey": KEY}).json()
    [task] = owner.get(f"{base}/task", params={"processInstanceId": running["id"]}).json()
    assert running["definitionId"] != v3["id"]

    page = site.page_for("owner")
    page.goto(site.url("/deployments"))
    row = page.locator(f"tr[data-definition='{running['definitionId']}']")
    with page.expect_navigation():
        row.locator("form.migrate button").click()
    assert "v3" in page.locator("body").inner_text()
    page.screenshot(path=str(ARTIFACTS / "owner-walkthrough-migrated.png"), full_page=True)
    assert owner.get(f"{base}/process-instance/{running['id']}").json()["definitionId"] == v3["id"]
    assert [t.id for t in walk.tasks_of("lead1")] == [task["id"]]
    assert page.locator(f"tr[data-definition='{v3['id']}'] td").nth(4).inner_text().startswith("1")
