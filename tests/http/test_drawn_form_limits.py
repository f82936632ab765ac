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
