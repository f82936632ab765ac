"""What a process owner draws cannot harm the server, and a drawn form's rules hold on every path
(a tester's findings on issue 15's forms and identities):

- a `.form` nested hundreds deep is a 400 naming the file, not a 500;
- a `validate.pattern` is matched in linear time (RE2), so "(a+)+$" cannot stall the server; a pattern
  RE2 cannot run (a backreference) is refused at deploy, naming the field;
- a generated form's `readonly` field cannot be written (Camunda's ReadOnlyValidator);
- a generated form's `date` field stores a Date and its `long` field a Long (Camunda's form types);
- the task page parses a form-js submission as /engine-rest parses a body: deep nesting, NUL bytes (in
  values and names) and whole numbers beyond a Long are refused with a 422 page, nothing stored;
- the last administrator cannot leave the admin group or be deleted; a password may not be the user id.
"""

from __future__ import annotations

import json
import re

from tests.http.test_idempotency import signed_in
from tests.support.drawn import chain, drawn

from .running import complete, open_tasks, start
from .test_modeler_forms import _typed, _upload


def _deploy(server, key: str, task: str, files: dict[str, bytes] | None = None):
    body = chain('<bpmn:startEvent id="Start_1" />', task, '<bpmn:endEvent id="End_1" />')
    return server.client("owner").rest("POST", "/deployment/create",
                                       **_upload({f"{key}.bpmn": drawn(key, body), **(files or {})}, key))


def _form_task(form: str) -> str:
    return (f'<bpmn:userTask id="Task_f" name="填写" camunda:candidateGroups="city_clerk" '
            f'camunda:formKey="camunda-forms:deployment:{form}" />')


def _text_form(pattern: str) -> bytes:
    return json.dumps({"id": "Form_p", "type": "default", "components": [
        {"type": "textfield", "key": "code", "label": "编号", "validate": {"pattern": pattern}}]}).encode()


def test_a_deeply_nested_form_file_is_a_400_naming_the_file(server):
    inner = '{"type":"textfield","key":"z"}'
    for _ in range(500):
        inner = '{"type":"group","components":[' + inner + "]}"
    deep = ('{"id":"deep","components":[' + inner + "]}").encode()
    response = _deploy(server, "forms_deep", _form_task("deep.form"), {"deep.form": deep})
    assert response.status_code == 400, response.text
    assert "deep.form" in response.json()["message"]
    assert server.client("owner").rest("GET", "/process-definition?key=forms_deep").json() == []


def test_a_catastrophic_pattern_runs_in_linear_time_and_a_backreference_is_refused(server):
    deployed = _deploy(server, "forms_redos", _form_task("redos.form"), {"redos.form": _text_form("(a+)+$")})
    assert deployed.status_code == 200, deployed.text
    (task,) = open_tasks(server, start(server, "forms_redos"))
    # with a backtracking matcher this value takes hours; RE2 answers at once (no time is asserted:
    # the test would simply not finish)
    refused = complete(server, task["id"], _typed(code="a" * 5000 + "!"))
    assert refused.status_code == 400 and "code" in refused.json()["message"]
    assert complete(server, task["id"], _typed(code="aaaa")).status_code == 204

    backref = _deploy(server, "forms_backref", _form_task("b.form"), {"b.form": _text_form(r"(a)\1")})
    assert backref.status_code == 400, backref.text
    message = backref.json()["message"]
    assert "b.form" in message and "pattern" in message and "backreferences" in message


GENERATED = """<bpmn:userTask id="Task_g" name="登记" camunda:candidateGroups="city_clerk">
<bpmn:extensionElements><camunda:formData>
  <camunda:formField id="title" label="标题" type="string" />
  <camunda:formField id="ro" label="编号" type="string" defaultValue="fixed">
    <camunda:validation><camunda:constraint name="readonly" /></camunda:validation>
  </camunda:formField>
  <camunda:formField id="when" label="日期" type="date" />
  <camunda:formField id="copies" label="份数" type="long" />
</camunda:formData></bpmn:extensionElements></bpmn:userTask>"""


def _variable(server, instance_id: str, name: str) -> dict:
    answer = server.client("owner").rest("GET", f"/history/variable-instance?processInstanceId={instance_id}"
                                         f"&variableName={name}")
    assert answer.status_code == 200, answer.text
    (found,) = answer.json()
    return found


def test_a_read_only_field_cannot_be_written_and_dates_and_longs_keep_their_types(server):
    assert _deploy(server, "forms_gen_types", GENERATED).status_code == 200
    instance_id = start(server, "forms_gen_types")
    (task,) = open_tasks(server, instance_id)
    hacked = complete(server, task["id"], _typed(title="a", ro="hacked"))
    assert hacked.status_code == 400 and "ro" in hacked.json()["message"], hacked.text
    assert "read-only" in hacked.json()["message"]
    sent = {**_typed(title="a", ro="fixed", copies=3),
            "when": {"value": "2026-12-07T00:00:00.000+0800", "type": "Date"}}
    assert complete(server, task["id"], sent).status_code == 204
    assert _variable(server, instance_id, "when")["type"] == "Date"
    assert _variable(server, instance_id, "copies")["type"] == "Long"
    assert _variable(server, instance_id, "copies")["value"] == 3

    other = start(server, "forms_gen_types")  # a plain ISO date is a Date too (its midnight)
    (task,) = open_tasks(server, other)
    assert complete(server, task["id"], _typed(title="b", when="2026-12-08")).status_code == 204
    when = _variable(server, other, "when")
    assert when["type"] == "Date" and when["value"].startswith("2026-12-08T00:00:00")


def test_the_task_page_refuses_what_the_rest_api_refuses(server):
    form = json.dumps({"id": "Form_n", "type": "default", "components": [
        {"type": "textfield", "key": "name", "label": "名称"}]}).encode()
    assert _deploy(server, "forms_page_json", _form_task("n.form"), {"n.form": form}).status_code == 200
    instance_id = start(server, "forms_page_json")
    (task,) = open_tasks(server, instance_id)
    clerk = signed_in(server, "city1")
    page = clerk.get(f"/tasks/{task['id']}").text
    hidden = dict(re.findall(r'name="(csrf_token|idem)" value="([^"]+)"', page))
    for bad in ('{"name":"ok","x":' + "[" * 5000 + "]" * 5000 + "}",
                '{"name":"a\\u0000b"}',
                '{"name":"ab","k\\u0000":1}',
                '{"name":"ok","zz":' + "9" * 30 + "}"):
        for action in ("complete", "draft"):
            answer = clerk.post(f"/tasks/{task['id']}", data={**hidden, "action": action,
                                                                "camunda_form_data": bad},
                                allow_redirects=False)
            assert answer.status_code == 422, (bad[:40], action, answer.status_code)
            assert "表单数据无效" in answer.text
    assert [t["id"] for t in open_tasks(server, instance_id)] == [task["id"]]
    variables = server.client("owner").rest("GET", f"/process-instance/{instance_id}/variables").json()
    assert "name" not in variables and "zz" not in variables


def _create(admin, user_id: str, password: str):
    profile = {"id": user_id, "firstName": "测", "lastName": "试"}
    body = {"profile": profile, "credentials": {"password": password}}
    return admin.rest("POST", "/user/create", json=body)


def test_the_last_administrator_stays_and_a_password_is_not_the_user_id(server):
    admin = server.client("admin")
    alone = admin.rest("DELETE", "/group/admin/members/admin")
    assert alone.status_code == 409 and "last administrator" in alone.json()["message"]
    assert [u["id"] for u in admin.rest("GET", "/user?memberOfGroup=admin").json()] == ["admin"]

    same = _create(admin, "samepw12", "SamePW12")
    assert same.status_code == 400 and "must not be the user id" in same.json()["message"], same.text
    huge = _create(admin, "hugepw", "x" * 1000)
    assert huge.status_code == 400 and "at most 128" in huge.json()["message"], huge.text
    created = _create(admin, "admin2", "long-enough-2")
    assert created.status_code == 204, created.text
    assert admin.rest("PUT", "/group/admin/members/admin2").status_code == 204
    assert admin.rest("DELETE", "/group/admin/members/admin").status_code == 204  # another remains
    second = server.client("admin2", password="long-enough-2")
    assert second.rest("DELETE", "/group/admin/members/admin2").status_code == 409
    assert second.rest("DELETE", "/user/admin2").status_code == 409  # itself, and the last one


FORM_VARIABLES = """<bpmn:userTask id="Task_v" name="登记" camunda:candidateGroups="city_clerk">
<bpmn:extensionElements><camunda:formData>
  <camunda:formField id="ro" label="编号" type="string" defaultValue="fixed" />
  <camunda:formField id="copies" label="份数" type="long" defaultValue="2" />
  <camunda:formField id="urgent" label="加急" type="boolean" defaultValue="true" />
  <camunda:formField id="note" label="说明" type="string" />
</camunda:formData></bpmn:extensionElements></bpmn:userTask>"""


def test_form_variables_list_the_generated_fields_with_defaults_as_camunda_does(server):
    assert _deploy(server, "forms_vars", FORM_VARIABLES).status_code == 200
    instance_id = start(server, "forms_vars", {"note": {"value": "已有"}, "other": {"value": 1}})
    (task,) = open_tasks(server, instance_id)
    clerk = server.client("city1")
    found = clerk.rest("GET", f"/task/{task['id']}/form-variables").json()
    assert found["ro"] == {"value": "fixed", "type": "String", "valueInfo": {}}
    assert found["copies"] == {"value": 2, "type": "Long", "valueInfo": {}}
    assert found["urgent"]["value"] is True and found["note"]["value"] == "已有"
    assert found["other"]["value"] == 1  # the task's other variables follow the fields
    named = clerk.rest("GET", f"/task/{task['id']}/form-variables?variableNames=ro,copies").json()
    assert sorted(named) == ["copies", "ro"]
    at_start = clerk.rest("GET", "/process-definition/key/forms_vars/form-variables").json()
    assert at_start == {}  # the start event draws no form


def test_a_form_nobody_could_complete_or_find_is_refused_or_warned_at_deploy(server):
    contradictory = json.dumps({"id": "Form_c", "type": "default", "components": [
        {"type": "textfield", "key": "a", "validate": {"required": True, "minLength": 10, "maxLength": 2}},
    ]}).encode()
    refused = _deploy(server, "forms_contra", _form_task("c.form"), {"c.form": contradictory})
    assert refused.status_code == 400 and "minLength" in refused.json()["message"]
    empty = json.dumps({"id": "Form_e", "type": "default", "components": [
        {"type": "select", "key": "s", "values": []}]}).encode()
    refused = _deploy(server, "forms_empty", _form_task("e.form"), {"e.form": empty})
    assert refused.status_code == 400 and "no options" in refused.json()["message"]

    pinned = ('<bpmn:userTask id="Task_r" name="填写" camunda:candidateGroups="city_clerk" '
              'camunda:formRef="Form_absent" camunda:formRefBinding="deployment" />')
    refused = _deploy(server, "forms_absent", pinned)
    assert refused.status_code == 400 and "Task_r" in refused.json()["message"]
    later = ('<bpmn:userTask id="Task_l" name="填写" camunda:candidateGroups="city_clerk" '
             'camunda:formRef="Form_later" camunda:formRefBinding="version" camunda:formRefVersion="99" />')
    warned = _deploy(server, "forms_later", later)
    assert warned.status_code == 200, warned.text
    (message,) = [w for w in warned.json().get("warnings", []) if "Form_later" in w]
    assert "Task_l" in message and "99" in message
    # as in Camunda, completing over REST does not depend on fetching the missing form
    (task,) = open_tasks(server, start(server, "forms_later"))
    assert complete(server, task["id"], _typed(anything="值")).status_code == 204


def test_a_field_hidden_by_a_condition_is_not_required_when_not_sent(server):
    form = json.dumps({"id": "Form_h", "type": "default", "components": [
        {"type": "checkbox", "key": "hasPartner", "label": "有合作方"},
        {"type": "textfield", "key": "partner", "label": "合作方名称", "validate": {"required": True},
         "conditional": {"hide": "=not(hasPartner)"}}]}).encode()
    assert _deploy(server, "forms_hidden", _form_task("h.form"), {"h.form": form}).status_code == 200
    (task,) = open_tasks(server, start(server, "forms_hidden"))
    assert complete(server, task["id"], _typed(hasPartner="yes")).status_code == 400  # booleans are strict
    assert complete(server, task["id"], _typed(hasPartner=False)).status_code == 204


def test_refusals_do_not_echo_huge_values_and_requests_are_bounded(server):
    assert _deploy(server, "forms_echo", _form_task("n.form"), {"n.form": json.dumps(
        {"id": "Form_n", "type": "default", "components": []}).encode()}).status_code == 200
    (task,) = open_tasks(server, start(server, "forms_echo"))
    huge = complete(server, task["id"], {"n": {"value": "x" * 200_000, "type": "Integer"}})
    assert huge.status_code == 400 and len(huge.content) < 2000 and "200000 characters" in huge.text
    many = complete(server, task["id"], {f"v{i}": {"value": i} for i in range(1001)})
    assert many.status_code == 400 and "at most 1000" in many.json()["message"]
    missing = server.client("city1").get("/api/no-such-thing")  # werkzeug's 404, answered bilingually
    assert missing.status_code == 404 and "请求的地址不存在" in missing.json()["message"]


def test_users_are_deactivated_not_deleted_and_groups_differ_by_more_than_case(server):
    admin = server.client("admin")
    assert _create(admin, "leaver1", "long-enough-1").status_code == 204
    assert server.client("leaver1", password="long-enough-1").rest("GET", "/task").status_code == 200
    browser = signed_in(server, "admin")
    page = browser.get("/admin/identities").text
    form = re.search(r'action="/admin/identities/users/leaver1/active".*?</form>', page, re.S).group(0)
    hidden = dict(re.findall(r'name="(csrf_token|idem|active)" value="([^"]+)"', form))
    assert hidden["active"] == "false"
    answer = browser.post("/admin/identities/users/leaver1/active", data=hidden, allow_redirects=False)
    assert answer.status_code == 303
    assert server.client("leaver1", password="long-enough-1").rest("GET", "/task").status_code == 401
    assert 'data-user="leaver1"' in browser.get("/admin/identities").text  # kept, shown deactivated
    twin = admin.rest("POST", "/group/create", json={"id": "Admin", "name": "管理员", "type": "WORKFLOW"})
    assert twin.status_code == 409 and "differs only in case" in twin.json()["message"]
    assert _create(admin, "LEAVER1", "long-enough-1").status_code == 400
