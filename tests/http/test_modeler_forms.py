"""Issue 15 item 1: forms drawn in Camunda Modeler. Camunda Forms (`.form`, form-js JSON) deployed beside
the diagram as Modeler 5 sends them, linked by `camunda:formRef` (every binding) or
`camunda:formKey="camunda-forms:deployment:…"`, validated server-side with every field error; generated
forms (`camunda:formData`); a task whose formKey names no known form completes with its variables."""

from __future__ import annotations

import json

from tests.support.drawn import chain, drawn

from .running import complete, get, open_tasks, start


def _form(form_id: str = "Form_material", *, pattern: str = "^[A-Z]{2}[0-9]{4}$") -> bytes:
    """A Camunda Form as Modeler 5's form editor saves it: a required text field, one with a pattern,
    a number with bounds, a select."""
    return json.dumps({
        "components": [
            {"label": "补充说明", "type": "textfield", "key": "note", "id": "Field_note",
             "validate": {"required": True, "minLength": 2, "maxLength": 50}},
            {"label": "档案号", "type": "textfield", "key": "archiveNo", "id": "Field_no",
             "validate": {"pattern": pattern}},
            {"label": "页数", "type": "number", "key": "pages", "id": "Field_pages",
             "validate": {"min": 1, "max": 500}},
            {"label": "类别", "type": "select", "key": "category", "id": "Field_cat",
             "values": [{"label": "甲", "value": "a"}, {"label": "乙", "value": "b"}]},
            {"type": "text", "text": "# 材料补充说明", "id": "Field_title"},
        ],
        "type": "default", "id": form_id,
        "exporter": {"name": "Camunda Modeler", "version": "5.31.0"},
        "executionPlatform": "Camunda Platform", "executionPlatformVersion": "7.22.0", "schemaVersion": 16,
    }, ensure_ascii=False, indent=2).encode()


def _upload(files: dict[str, bytes], name: str) -> dict:
    """Modeler 5's Deploy with "include additional files": duplicate filtering on, one part per file."""
    return {
        "data": {"deployment-name": name, "deployment-source": "Camunda Modeler",
                 "enable-duplicate-filtering": "true"},
        "files": [(f, (f, c, "application/octet-stream")) for f, c in files.items()],
    }


def _deploy(server, key: str, task_attrs: str, forms: dict[str, bytes], extension: str = ""):
    task = (f'<bpmn:userTask id="Task_material" name="材料补充说明" camunda:candidateGroups="city_clerk" '
            f'{task_attrs}>{extension}</bpmn:userTask>')
    body = chain('<bpmn:startEvent id="Start_1" />', task, '<bpmn:endEvent id="End_1" />')
    files = {f"{key}.bpmn": drawn(key, body), **forms}
    return server.client("owner").rest("POST", "/deployment/create", **_upload(files, key))


def _task(server, key: str) -> dict:
    (task,) = open_tasks(server, start(server, key))
    return task


def _typed(**values) -> dict:
    return {name: {"value": value} for name, value in values.items()}


GOOD = _typed(note="已补充", archiveNo="AB1234", pages=12, category="a")


def test_camunda_form_by_deployment_form_key_refuses_each_bad_field_then_completes(server):
    response = _deploy(server, "forms_key", 'camunda:formKey="camunda-forms:deployment:material.form"',
                       {"material.form": _form()})
    assert response.status_code == 200, response.text
    task = _task(server, "forms_key")
    bad = complete(server, task["id"], _typed(note="", archiveNo="ab12", pages=900, category="z"))
    assert bad.status_code == 400, bad.text
    message = bad.json()["message"]
    for name in ("note", "archiveNo", "pages", "category"):
        assert name in message, (name, message)
    missing = complete(server, task["id"], _typed(archiveNo="AB1234"))
    assert missing.status_code == 400 and "note" in missing.json()["message"]
    assert complete(server, task["id"], GOOD).status_code == 204
    assert open_tasks(server, task["processInstanceId"]) == []


def test_deployment_resources_and_deployed_forms_answer_as_in_camunda(server):
    start_form = ('<bpmn:startEvent id="Start_1" camunda:formRef="Form_material" '
                  'camunda:formRefBinding="deployment" />')
    task = ('<bpmn:userTask id="Task_material" name="材料补充说明" camunda:candidateGroups="city_clerk" '
            'camunda:formRef="Form_material" camunda:formRefBinding="version" camunda:formRefVersion="1" />')
    body = chain(start_form, task, '<bpmn:endEvent id="End_1" />')
    files = {"forms_rest.bpmn": drawn("forms_rest", body), "材料.form": _form()}
    deployed = server.client("owner").rest("POST", "/deployment/create", **_upload(files, "forms_rest"))
    assert deployed.status_code == 200, deployed.text
    deployment_id = deployed.json()["id"]
    [definition] = deployed.json()["deployedProcessDefinitions"].values()
    owner = server.client("owner")
    listed = owner.rest("GET", f"/deployment/{deployment_id}/resources")
    assert listed.status_code == 200
    assert sorted(r["name"] for r in listed.json()) == ["forms_rest.bpmn", "材料.form"]
    form = next(r for r in listed.json() if r["name"] == "材料.form")
    assert form["deploymentId"] == deployment_id
    one = owner.rest("GET", f"/deployment/{deployment_id}/resources/{form['id']}")
    assert one.status_code == 200 and one.json() == form
    data = owner.rest("GET", f"/deployment/{deployment_id}/resources/{form['id']}/data")
    assert data.status_code == 200 and data.content == _form()
    assert owner.rest("GET", f"/deployment/{deployment_id}/resources/nope").status_code == 404
    assert server.client("city1").rest("GET", f"/deployment/{deployment_id}/resources").status_code == 404

    start_form_body = owner.rest("GET", f"/process-definition/{definition['id']}/deployed-start-form")
    assert start_form_body.status_code == 200 and start_form_body.json()["id"] == "Form_material"
    city = server.client("city1")
    refused = city.rest("POST", "/process-definition/key/forms_rest/submit-form",
                        json={"variables": _typed(archiveNo="x")})
    assert refused.status_code == 400 and "note" in refused.json()["message"]
    assert "archiveNo" in refused.json()["message"]
    submitted = city.rest("POST", f"/process-definition/{definition['id']}/submit-form",
                          json={"variables": GOOD, "businessKey": "FORM-1"})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["businessKey"] == "FORM-1"
    (opened,) = open_tasks(server, submitted.json()["id"])
    described = server.client("city1").rest("GET", f"/task/{opened['id']}/form")
    assert described.status_code == 200
    reference = {"key": "Form_material", "binding": "version", "version": 1}
    assert described.json() == {"key": None, "contextPath": None, "camundaFormRef": reference}
    content = server.client("city1").rest("GET", f"/task/{opened['id']}/deployed-form")
    assert content.status_code == 200 and content.json()["components"][0]["key"] == "note"

    _deploy(server, "forms_none", "", {})
    (plain,) = open_tasks(server, start(server, "forms_none"))
    assert server.client("city1").rest("GET", f"/task/{plain['id']}/deployed-form").status_code == 404
    assert server.client("city1").rest("GET", f"/task/{plain['id']}/form").json()["key"] is None


PINNED = 'camunda:formRef="Form_material" camunda:formRefBinding="deployment"'


def test_form_ref_bindings_latest_deployment_and_version(server, clock):
    first = _deploy(server, "forms_ref", PINNED,
                    {"material.form": _form()})
    assert first.status_code == 200, first.text
    pinned = _task(server, "forms_ref")
    clock.advance(minutes=1)  # form versions follow deployment time, as Camunda numbers them
    # version 2 of the form (a different pattern), deployed with an unchanged diagram: a new deployment
    again = _deploy(server, "forms_ref", PINNED,
                    {"material.form": _form(pattern="^[0-9]{6}$")})
    assert again.status_code == 200, again.text
    assert again.json()["id"] != first.json()["id"] and again.json()["deployedProcessDefinitions"]
    # the task of version 1 keeps the form deployed with it
    assert complete(server, pinned["id"], _typed(note="好的", archiveNo="123456")).status_code == 400
    assert complete(server, pinned["id"], GOOD).status_code == 204

    latest = _deploy(server, "forms_latest", 'camunda:formRef="Form_material"', {})
    assert latest.status_code == 200, latest.text
    task = _task(server, "forms_latest")
    assert complete(server, task["id"], GOOD).status_code == 400  # the latest form wants six digits
    assert complete(server, task["id"], _typed(note="好的", archiveNo="123456")).status_code == 204

    versioned = _deploy(server, "forms_version", 'camunda:formRef="Form_material" '
                        'camunda:formRefBinding="version" camunda:formRefVersion="1"', {})
    assert versioned.status_code == 200, versioned.text
    task = _task(server, "forms_version")
    assert complete(server, task["id"], _typed(note="好的", archiveNo="123456")).status_code == 400
    assert complete(server, task["id"], GOOD).status_code == 204

    missing = _deploy(server, "forms_missing", 'camunda:formRef="Form_nowhere"', {})
    assert missing.status_code == 200, missing.text
    assert any("Form_nowhere" in w for w in missing.json()["warnings"])  # deployed, with a warning
    task = _task(server, "forms_missing")
    # as in Camunda, completing over REST does not fetch the form; the page says it is missing
    assert complete(server, task["id"], GOOD).status_code == 204


def test_duplicate_filtering_compares_the_whole_resource_set(server):
    first = _deploy(server, "forms_dup", 'camunda:formKey="camunda-forms:deployment:material.form"',
                    {"material.form": _form()})
    same = _deploy(server, "forms_dup", 'camunda:formKey="camunda-forms:deployment:material.form"',
                   {"material.form": _form()})
    assert same.status_code == 200 and same.json()["id"] == first.json()["id"]
    assert not same.json()["deployedProcessDefinitions"]
    changed = _deploy(server, "forms_dup", 'camunda:formKey="camunda-forms:deployment:material.form"',
                      {"material.form": _form(pattern="^[0-9]+$")})
    [definition] = changed.json()["deployedProcessDefinitions"].values()
    assert changed.json()["id"] != first.json()["id"] and definition["version"] == 2


def test_a_broken_form_file_is_refused_naming_the_file_and_component(server):
    broken = json.dumps({"components": [{"type": "textfield", "label": "无 key"}], "type": "default"})
    response = _deploy(server, "forms_broken", 'camunda:formKey="camunda-forms:deployment:bad.form"',
                       {"bad.form": broken.encode()})
    assert response.status_code == 400
    assert "bad.form" in response.json()["message"] and "components[0]" in response.json()["message"]
    not_json = _deploy(server, "forms_broken", "", {"worse.form": b"{not json"})
    assert not_json.status_code == 400 and "worse.form" in not_json.json()["message"]


def test_an_unknown_form_key_completes_with_its_variables_as_in_camunda(server):
    response = _deploy(server, "forms_embedded", 'camunda:formKey="embedded:app:forms/material.html"', {})
    assert response.status_code == 200, response.text
    task = _task(server, "forms_embedded")
    assert complete(server, task["id"], _typed(anything="值")).status_code == 204


GENERATED = """<bpmn:extensionElements><camunda:formData>
  <camunda:formField id="title" label="标题" type="string">
    <camunda:validation><camunda:constraint name="required" />
    <camunda:constraint name="minlength" config="2" />
    <camunda:constraint name="maxlength" config="10" /></camunda:validation>
  </camunda:formField>
  <camunda:formField id="copies" label="份数" type="long">
    <camunda:validation><camunda:constraint name="min" config="1" />
    <camunda:constraint name="max" config="9" /></camunda:validation>
  </camunda:formField>
  <camunda:formField id="urgent" label="加急" type="boolean" />
  <camunda:formField id="due" label="期限" type="date" />
  <camunda:formField id="level" label="密级" type="enum">
    <camunda:value id="public" name="公开" /><camunda:value id="internal" name="内部" />
  </camunda:formField>
</camunda:formData></bpmn:extensionElements>"""


def test_generated_form_fields_are_validated_with_every_error(server):
    response = _deploy(server, "forms_generated", "", {}, extension=GENERATED)
    assert response.status_code == 200, response.text
    task = _task(server, "forms_generated")
    bad = complete(server, task["id"],
                   _typed(title="x", copies=20, urgent="maybe", due="明天", level="secret"))
    assert bad.status_code == 400, bad.text
    for name in ("title", "copies", "urgent", "due", "level"):
        assert name in bad.json()["message"], (name, bad.json()["message"])
    good = _typed(title="通知", copies=2, urgent=True, due="2026-12-31", level="internal")
    assert complete(server, task["id"], good).status_code == 204


def test_generated_form_converts_strings_as_camunda_form_types_do(server):
    """Camunda's LongFormType parses a String ("5"), its DateFormType reads its default datePattern
    dd/MM/yyyy as well as ISO (report-owner finding 13); what does not parse is refused naming the
    field, and the variables read back as Long and Date."""
    response = _deploy(server, "forms_converted", "", {}, extension=GENERATED)
    assert response.status_code == 200, response.text
    instance = start(server, "forms_converted")
    (task,) = open_tasks(server, instance)
    text = {"title": {"value": "通知"}, "copies": {"value": "5", "type": "String"},
            "due": {"value": "05/01/2026"}}
    for name, value in (("copies", "5.5"), ("copies", "五"), ("due", "31/02/2026"), ("due", "2026/01/05")):
        bad = complete(server, task["id"], {**text, name: {"value": value, "type": "String"}})
        assert bad.status_code == 400 and name in bad.json()["message"], (name, value, bad.text)
    assert complete(server, task["id"], text).status_code == 204
    stored = {v["name"]: v for v in get(server, f"/history/variable-instance?processInstanceId={instance}")}
    assert (stored["copies"]["type"], stored["copies"]["value"]) == ("Long", 5)
    assert stored["due"]["type"] == "Date" and stored["due"]["value"].startswith("2026-01-05T00:00:00")


def test_named_domain_validators_and_deploy_time_form_problems(server):
    checked = _deploy(server, "forms_validator", "", {}, extension="""<bpmn:extensionElements>
  <camunda:formData>
  <camunda:formField id="uscc" label="统一社会信用代码" type="string">
    <camunda:validation><camunda:constraint name="validator" config="uscc" /></camunda:validation>
  </camunda:formField>
  <camunda:formField id="phone" label="电话" type="string">
    <camunda:validation><camunda:constraint name="validator" config="phone" /></camunda:validation>
  </camunda:formField></camunda:formData></bpmn:extensionElements>""")
    assert checked.status_code == 200, checked.text
    task = _task(server, "forms_validator")
    bad = complete(server, task["id"], _typed(uscc="91370200ABCDEFGHIJ", phone="12"))
    assert bad.status_code == 400 and "uscc" in bad.json()["message"] and "phone" in bad.json()["message"]
    assert complete(server, task["id"], _typed(uscc="91370200163562681G", phone="0532-12345678")
                    ).status_code == 204

    unknown = _deploy(server, "forms_unknown_validator", "", {}, extension="""<bpmn:extensionElements>
  <camunda:formData><camunda:formField id="x" type="string"><camunda:validation>
  <camunda:constraint name="validator" config="horoscope" /></camunda:validation></camunda:formField>
  </camunda:formData></bpmn:extensionElements>""")
    assert unknown.status_code == 400 and "horoscope" in unknown.json()["message"]
    gone = 'camunda:formKey="camunda-forms:deployment:gone.form"'
    missing = _deploy(server, "forms_missing_file", gone, {})
    assert missing.status_code == 400 and "gone.form" in missing.json()["message"]


def test_a_form_deployed_alone_is_the_latest_version_for_binding_latest(server, clock):
    deployed = _deploy(server, "forms_alone", 'camunda:formRef="Form_alone"',
                       {"alone.form": _form("Form_alone")})
    assert deployed.status_code == 200, deployed.text
    task = _task(server, "forms_alone")
    clock.advance(minutes=1)
    owner = server.client("owner")
    alone = owner.rest("POST", "/deployment/create",
                       **_upload({"alone.form": _form("Form_alone", pattern="^[0-9]{6}$")}, "alone.form"))
    assert alone.status_code == 200, alone.text
    assert alone.json()["id"] != deployed.json()["id"] and not alone.json()["deployedProcessDefinitions"]
    again = owner.rest("POST", "/deployment/create",
                       **_upload({"alone.form": _form("Form_alone", pattern="^[0-9]{6}$")}, "alone.form"))
    assert again.json()["id"] == alone.json()["id"]  # duplicate filtering: nothing new
    assert complete(server, task["id"], GOOD).status_code == 400  # the newest form wants six digits
    assert complete(server, task["id"], _typed(note="好的", archiveNo="123456")).status_code == 204


def test_a_called_process_task_is_checked_against_its_own_form(server):
    child_task = ('<bpmn:userTask id="Task_child" name="子流程办理" camunda:candidateGroups="city_clerk">'
                  '<bpmn:extensionElements><camunda:formData><camunda:formField id="same" type="long">'
                  '<camunda:validation><camunda:constraint name="required" /></camunda:validation>'
                  '</camunda:formField></camunda:formData></bpmn:extensionElements></bpmn:userTask>')
    child = drawn("forms_child", chain('<bpmn:startEvent id="Start_c" />', child_task,
                                       '<bpmn:endEvent id="End_c" />'))
    parent = drawn("forms_parent", chain('<bpmn:startEvent id="Start_1" />',
                                         '<bpmn:callActivity id="Call_1" calledElement="forms_child" />',
                                         '<bpmn:endEvent id="End_1" />'))
    files = {"forms_parent.bpmn": parent, "forms_child.bpmn": child}
    assert server.client("owner").rest("POST", "/deployment/create",
                                       **_upload(files, "forms_called")).status_code == 200
    start(server, "forms_parent")
    [task] = server.client("city1").rest("GET", "/task?taskDefinitionKey=Task_child").json()
    refused = complete(server, task["id"], _typed(same="x"))
    assert refused.status_code == 400 and "same" in refused.json()["message"]
    assert complete(server, task["id"], _typed(same=2)).status_code == 204


DEFAULTED = """<bpmn:extensionElements><camunda:formData>
  <camunda:formField id="{a}" label="A" type="{ta}" defaultValue="{da}" />
  <camunda:formField id="{b}" label="B" type="{tb}" defaultValue="{db}" />
</camunda:formData></bpmn:extensionElements>"""


def test_a_submitted_generated_form_sets_the_default_of_each_field_left_out(server):
    """Report-b finding 2: Camunda's FormFieldHandler.handleSubmit sets a field's `defaultValue`,
    converted by its type, when a submitted form (start or task `submit-form`) leaves the field out; a
    field sent keeps what was sent; a plain `complete` is no form submission and sets no default."""
    start_event = ('<bpmn:startEvent id="Start_1">'
                   + DEFAULTED.format(a="prio", ta="long", da="5", b="flag", tb="boolean", db="true")
                   + '</bpmn:startEvent>')
    task = ('<bpmn:userTask id="Task_1" camunda:candidateGroups="city_clerk">'
            + DEFAULTED.format(a="note", ta="string", da="hello", b="due", tb="date", db="05/01/2026")
            + '</bpmn:userTask>')
    body = chain(start_event, task, '<bpmn:userTask id="Task_2" camunda:candidateGroups="city_clerk" />',
                 '<bpmn:endEvent id="End_1" />')
    files = {"forms_defaults.bpmn": drawn("forms_defaults", body)}
    deployed = server.client("owner").rest("POST", "/deployment/create", **_upload(files, "forms_defaults"))
    assert deployed.status_code == 200, deployed.text
    city = server.client("city1")

    def typed(instance: str) -> dict:
        values = get(server, f"/process-instance/{instance}/variables")
        return {name: (v["type"], v["value"]) for name, v in values.items()}

    submitted = city.rest("POST", "/process-definition/key/forms_defaults/submit-form",
                          json={"variables": {"flag": {"value": False}}})
    assert submitted.status_code == 200, submitted.text
    instance = submitted.json()["id"]
    assert typed(instance) == {"prio": ("Long", 5), "flag": ("Boolean", False)}
    (first,) = open_tasks(server, instance)
    done = city.rest("POST", f"/task/{first['id']}/submit-form", json={"variables": {}})
    assert done.status_code == 204, done.text
    values = typed(instance)
    assert values["note"] == ("String", "hello")
    assert values["due"][0] == "Date" and values["due"][1].startswith("2026-01-05T00:00:00")

    plain = start(server, "forms_defaults")  # `start`, not submit-form: no defaults
    assert typed(plain) == {}
    (first,) = open_tasks(server, plain)
    assert complete(server, first["id"]).status_code == 204
    assert typed(plain) == {}


def test_complete_refuses_a_non_boolean_return_flag_and_a_non_object_value_info(server):
    """Report-b finding 10b: `"withVariablesInReturn": "yes"` and `"valueInfo": "x"` completed the task
    (Camunda's Jackson answers 400); both are 400 naming the field, and the task stays open."""
    response = _deploy(server, "forms_strict", "", {})
    assert response.status_code == 200, response.text
    task = _task(server, "forms_strict")
    city = server.client("city1")
    for body, named in (({"withVariablesInReturn": "yes"}, "withVariablesInReturn"),
                        ({"variables": {"x": {"value": 1, "valueInfo": "x"}}}, "valueInfo")):
        for verb in ("complete", "submit-form"):
            refused = city.rest("POST", f"/task/{task['id']}/{verb}", json=body)
            assert refused.status_code == 400 and named in refused.json()["message"], (verb, refused.text)
    assert [t["id"] for t in open_tasks(server, task["processInstanceId"])] == [task["id"]]
    done = city.rest("POST", f"/task/{task['id']}/complete", json={"withVariablesInReturn": True})
    assert done.status_code == 200, done.text
