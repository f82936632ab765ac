"""Issue 15 item 6: DMN decisions drawn in Camunda Modeler. A business-rule task with `camunda:decisionRef`,
`decisionRefBinding`, `resultVariable` and `mapDecisionResult` evaluates a DMN 1.3 decision table deployed
with the diagram (Modeler 5's Deploy with "include additional files": one multipart body), with every hit
policy Modeler offers but PRIORITY / OUTPUT ORDER, FEEL unary tests as Modeler writes them.

Before: a `.dmn` file went through the BPMN schema ("No matching global declaration") and every
business-rule task was refused at deploy."""

from __future__ import annotations

import secrets

from service.engine import jobs
from tests.support.decisions import decision_table, rule_task
from tests.support.drawn import chain, drawn
from tests.support.pages import form_token, sign_in

from .camunda_schema import CamundaSchemas
from .running import get, open_tasks, start, start_response

START = '<bpmn:startEvent id="Start_1" />'
LOOK = '<bpmn:userTask id="Task_Look" name="查看结果" camunda:candidateGroups="city_clerk" />'
END = '<bpmn:endEvent id="End_1" />'

FEE = decision_table(  # UNIQUE (Modeler's default): intervals, lists, not(), "-"
    "fee", name="费率", inputs=[("金额", "amount", "number"), ("类别", "kind", "string")],
    outputs=[("rate", "number"), ("tier", "string")],
    rules=[(["< 1000", "-"], ["0", '"small"']),
           (["[1000..5000]", '"express","urgent"'], ["0.02", '"express"']),
           (["[1000..5000]", 'not("express","urgent")'], ["0.01", '"standard"']),
           (["]5000..1000000000]", ""], ["0.005", '"large"'])])
GRADE = decision_table(
    "grade", hit_policy="FIRST", inputs=[("分数", "applicant.score", "integer")],
    outputs=[("grade", "string")],
    rules=[([">= 90"], ['"A"']), ([">= 60"], ['"B"']), (["-"], ['"C"'])])
CHECKS = decision_table(
    "checks", hit_policy="RULE ORDER", inputs=[("金额", "${amount}", "number")],
    outputs=[("check", "string")],
    rules=[(["> 100"], ['"budget"']), (["> 1000"], ['"audit"']), (["> 100000"], ['"board"']),
           (["-"], ['"archive"'])])
REVIEWERS = decision_table(
    "reviewers", hit_policy="COLLECT", inputs=[("类别", "kind", "string")], outputs=[("reviewer", "string")],
    rules=[(["-"], ['"finance"']), (['"express","urgent"'], ['"ops"']), (['not("urgent")'], ['"legal"'])])
POINTS = decision_table(
    "points", hit_policy="COLLECT", aggregation="SUM", inputs=[("金额", "amount", "number")],
    outputs=[("points", "integer")], rules=[(["> 0"], ["1"]), (["> 1000"], ["2"]), (["> 5000"], ["4"])])
COUNTED = decision_table(
    "counted", hit_policy="COLLECT", aggregation="COUNT", inputs=[("金额", "amount", "number")],
    outputs=[("n", "integer")], rules=[(["> 0"], ["1"]), (["> 1000"], ["2"]), (["> 5000"], ["4"])])
WINDOW = decision_table(
    "window", hit_policy="ANY", inputs=[("收到", "received", "date"), ("加急", "urgent", "boolean")],
    outputs=[("half", "string")],
    rules=[(['[date("2026-01-01")..date("2026-06-30")]', "-"], ['"first"']),
           (['< date("2026-07-01")', "true"], ['"first"']),
           (['>= date("2026-07-01")', "-"], ['"second"'])])
DUE = decision_table(  # a date and a double as outputs
    "due", inputs=[("类别", "kind", "string")], outputs=[("due", "date"), ("weight", "double")],
    rules=[(['"urgent"'], ['date("2026-04-01")', "1"]), (['not("urgent")'], ['date("2026-09-30")', "0.5"])])


def _upload(files: dict[str, bytes], name: str) -> dict:
    """Modeler 5's Deploy with "include additional files": duplicate filtering on, one part per file."""
    return {
        "data": {"deployment-name": name, "deployment-source": "Camunda Modeler",
                 "enable-duplicate-filtering": "true"},
        "files": [(f, (f, c, "application/octet-stream")) for f, c in files.items()],
    }


def _deploy(server, name: str, files: dict[str, bytes]):
    return server.client("owner").rest("POST", "/deployment/create", **_upload(files, name))


def _typed(**values) -> dict:
    kinds = {bool: "Boolean", int: "Integer", float: "Double", str: "String"}
    return {k: {"value": v, "type": kinds[type(v)]} for k, v in values.items()}


def _variables(server, instance: str) -> dict:
    found = get(server, f"/process-instance/{instance}/variables")
    return {name: dto["value"] for name, dto in found.items()}


def test_each_hit_policy_and_each_result_mapping_through_engine_rest(server):
    tasks = [rule_task("Rule_Fee", "fee", "fee", "singleResult"),
             rule_task("Rule_Grade", "grade", "grade", "singleEntry"),
             rule_task("Rule_Checks", "checks", "checks", "collectEntries"),
             rule_task("Rule_Reviewers", "reviewers", "reviewers"),  # Camunda's default: resultList
             rule_task("Rule_Points", "points", "points", "singleEntry"),
             rule_task("Rule_Counted", "counted", "counted", "singleEntry"),
             rule_task("Rule_Window", "window", "half", "singleEntry"),
             rule_task("Rule_Due", "due", "due", "singleResult", 'camunda:decisionRefBinding="deployment"')]
    files = {"rules.bpmn": drawn("rules", chain(START, *tasks, LOOK, END)), "fee.dmn": FEE,
             "grade.dmn": GRADE, "checks.dmn": CHECKS, "reviewers.dmn": REVIEWERS, "points.dmn": POINTS,
             "counted.dmn": COUNTED, "window.dmn": WINDOW, "due.dmn": DUE}
    response = _deploy(server, "rules", files)
    assert response.status_code == 200, response.text
    deployed = response.json()["deployedDecisionDefinitions"]
    assert sorted(d["key"] for d in deployed.values()) == sorted(f[:-4] for f in files if f.endswith(".dmn"))
    variables = {**_typed(amount=2000, kind="urgent", urgent=False),
                 "applicant": {"value": '{"score": 75}', "type": "Json"},
                 "received": {"value": "2026-03-15T10:00:00.000+0800", "type": "Date"}}
    instance = start(server, "rules", variables)
    assert [t["taskDefinitionKey"] for t in open_tasks(server, instance)] == ["Task_Look"]
    seen = _variables(server, instance)
    assert _json(seen["fee"]) == {"rate": 0.02, "tier": "express"}            # UNIQUE, singleResult
    assert seen["grade"] == "B"                                               # FIRST, singleEntry
    assert _json(seen["checks"]) == ["budget", "audit", "archive"]            # RULE ORDER, collectEntries
    assert _json(seen["reviewers"]) == [{"reviewer": "finance"}, {"reviewer": "ops"}]  # COLLECT, resultList
    assert seen["points"] == 3 and seen["counted"] == 2                       # COLLECT SUM, COUNT
    assert seen["half"] == "first"                                            # ANY: two rules, one answer
    assert _json(seen["due"]) == {"due": "2026-04-01", "weight": 1.0}

    other = start(server, "rules", {**variables, **_typed(amount=500, kind="express")})
    seen = _variables(server, other)
    assert _json(seen["fee"]) == {"rate": 0, "tier": "small"}
    assert _json(seen["checks"]) == ["budget", "archive"]
    assert _json(seen["reviewers"]) == [{"reviewer": "finance"}, {"reviewer": "ops"}, {"reviewer": "legal"}]
    assert seen["points"] == 1 and seen["counted"] == 1


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value


def test_feel_outside_the_subset_and_a_file_outside_the_dmn_schema_are_refused_naming_where(server):
    bad = decision_table("limit", inputs=[("金额", "amount", "number")], outputs=[("ok", "boolean")],
                         rules=[(["< maxAmount"], ["true"]), (["-"], ["false"])])
    broken = FEE.replace(b"<decisionTable", b"<decisionTabel").replace(b"</decisionTable>",
                                                                       b"</decisionTabel>")
    diagram = drawn("limited", chain(START, rule_task("Rule_Limit", "limit", "ok", "singleEntry"), LOOK, END))
    response = _deploy(server, "limited", {"limited.bpmn": diagram, "limit.dmn": bad, "fee.dmn": broken})
    assert response.status_code == 400, response.text
    problems = response.json()["message"]
    assert "limit" in problems and "Rule_limit_1" in problems and "< maxAmount" in problems
    assert "FEEL" in problems and "金额" in problems
    assert "fee.dmn" in problems and "DMN 1.3 schema" in problems
    assert "No matching global declaration" not in response.text
    details = response.json()["details"]  # Camunda's ParseException: what Modeler lists per file
    assert response.json()["type"] == "ParseException"
    assert {e["mainElementId"] for e in details["limit.dmn"]["errors"]} == {"limit"}
    assert all(e["line"] for e in details["limit.dmn"]["errors"]) and details["fee.dmn"]["errors"]
    assert get(server, "/decision-definition") == []
    assert get(server, "/process-definition?key=limited") == []


def test_a_unique_violation_is_an_incident_naming_the_decision_and_the_rules(server, clock):
    overlapping = decision_table("overlap", inputs=[("金额", "amount", "number")],
                                 outputs=[("tier", "string")],
                                 rules=[(["< 100"], ['"low"']), (["[50..500]"], ['"mid"'])])
    task = rule_task("Rule_Overlap", "overlap", "tier", "singleEntry", 'camunda:asyncBefore="true"')
    response = _deploy(server, "overlap", {"overlap.bpmn": drawn("overlap", chain(START, task, LOOK, END)),
                                           "overlap.dmn": overlapping})
    assert response.status_code == 200, response.text
    instance = start(server, "overlap", _typed(amount=70))
    for _ in range(4):  # Camunda's three tries, then an incident
        assert jobs.fire_due_jobs(server.ctx) == 0
        clock.advance(hours=1)
    (incident,) = get(server, f"/incident?processInstanceId={instance}", "admin")
    assert incident["activityId"] == "Rule_Overlap"
    message = incident["incidentMessage"]
    assert "UNIQUE" in message and "overlap" in message and "Rule_overlap_1, Rule_overlap_2" in message
    assert open_tasks(server, instance) == []
    fine = start(server, "overlap", _typed(amount=300))
    assert jobs.fire_due_jobs(server.ctx) == 1
    assert _variables(server, fine)["tier"] == "mid"


def test_a_unique_violation_in_a_persons_command_is_a_400_and_nothing_is_saved(server):
    overlapping = decision_table("overlap2", inputs=[("金额", "amount", "number")],
                                 outputs=[("tier", "string")],
                                 rules=[(["< 100"], ['"low"']), (["[50..500]"], ['"mid"'])])
    diagram = drawn("overlap2", chain(START, rule_task("Rule_O", "overlap2", "tier"), LOOK, END))
    files = {"overlap2.bpmn": diagram,
             "overlap2.dmn": overlapping}
    assert _deploy(server, "overlap2", files).status_code == 200
    response = start_response(server, "overlap2", _typed(amount=70))
    assert response.status_code == 400, response.text
    assert "Rule_O" in response.json()["message"] and "UNIQUE" in response.json()["message"]
    assert get(server, "/process-instance?processDefinitionKey=overlap2") == []


def _fee(rate: str) -> bytes:
    return decision_table("rate", inputs=[("金额", "amount", "number")], outputs=[("rate", "number")],
                          rules=[(["-"], [rate])])


def test_decision_ref_binding_latest_deployment_and_version(server):
    early = drawn("early", chain(START, rule_task("Rule_Early", "rate", "r", "singleEntry"), LOOK, END))
    response = _deploy(server, "early", {"early.bpmn": early})  # binding latest: the decision may follow
    assert response.status_code == 200 and "Rule_Early" in " ".join(response.json()["warnings"])
    refused = start_response(server, "early")
    assert refused.status_code == 400 and "'rate'" in refused.json()["message"], refused.text
    assert _deploy(server, "rate v1", {"rate.dmn": _fee("1")}).status_code == 200  # a DMN-only deployment
    assert _variables(server, start(server, "early"))["r"] == 1
    tasks = [rule_task("Rule_Latest", "rate", "latest", "singleEntry"),
             rule_task("Rule_Deployment", "rate", "deployment", "singleEntry",
                       'camunda:decisionRefBinding="deployment"'),
             rule_task("Rule_Version", "rate", "first", "singleEntry",
                       'camunda:decisionRefBinding="version" camunda:decisionRefVersion="1"')]
    diagram = drawn("rated", chain(START, *tasks, LOOK, END))
    response = _deploy(server, "rated", {"rated.bpmn": diagram, "rate.dmn": _fee("2")})
    assert response.status_code == 200, response.text
    assert [d["version"] for d in response.json()["deployedDecisionDefinitions"].values()] == [2]
    seen = _variables(server, start(server, "rated"))
    assert (seen["latest"], seen["deployment"], seen["first"]) == (1 + 1, 2, 1)

    assert _deploy(server, "rate v3", {"rate.dmn": _fee("3")}).status_code == 200
    seen = _variables(server, start(server, "rated"))
    assert (seen["latest"], seen["deployment"], seen["first"]) == (3, 2, 1)
    again = _deploy(server, "rate v3 again", {"rate.dmn": _fee("3")})  # duplicate filtering: no version 4
    assert again.status_code == 200 and again.json()["deployedDecisionDefinitions"] is None
    assert [d["version"] for d in get(server, "/decision-definition?key=rate")] == [1, 2, 3]
    # a new version of the process beside the unchanged rate.dmn: its "deployment" decision is that file's
    renamed = diagram.replace(b'name="Rule_Latest"', 'name="最新"'.encode())
    assert _deploy(server, "rated v2", {"rated.bpmn": renamed, "rate.dmn": _fee("3")}).status_code == 200
    assert get(server, "/process-definition/key/rated")["version"] == 2
    seen = _variables(server, start(server, "rated"))
    assert (seen["latest"], seen["deployment"], seen["first"]) == (3, 3, 1)

    missing = drawn("unbound", chain(START, rule_task("Rule_Missing", "rate", "x", "singleEntry",
                                                      'camunda:decisionRefBinding="deployment"'), LOOK, END))
    refused = _deploy(server, "unbound", {"unbound.bpmn": missing})
    assert refused.status_code == 400 and "Rule_Missing" in refused.text and "rate" in refused.text
    unknown = drawn("unknown", chain(START, rule_task("Rule_Nine", "rate", "x", "singleEntry",
                                                      'camunda:decisionRefBinding="version" '
                                                      'camunda:decisionRefVersion="9"'), LOOK, END))
    refused = _deploy(server, "unknown", {"unknown.bpmn": unknown})
    assert refused.status_code == 400 and "Rule_Nine" in refused.text and "version 9" in refused.text
    assert refused.json()["details"]["unknown.bpmn"]["errors"][0]["mainElementId"] == "Rule_Nine"


def test_decision_definitions_are_listed_read_and_evaluated_as_camunda_answers(server, camunda_openapi):
    schemas = CamundaSchemas(camunda_openapi)
    assert _deploy(server, "fees", {"fee.dmn": FEE}).status_code == 200
    owner = server.client("owner")
    listed = owner.rest("GET", "/decision-definition?key=fee&latestVersion=true")
    (row,) = schemas.check(listed, "/decision-definition")
    assert (row["key"], row["name"], row["version"], row["resource"]) == ("fee", "费率", 1, "fee.dmn")
    assert schemas.check(owner.rest("GET", f"/decision-definition/{row['id']}"),
                         "/decision-definition/{id}")["id"] == row["id"]
    by_key = owner.rest("GET", "/decision-definition/key/fee")
    assert schemas.check(by_key, "/decision-definition/key/{key}") == row
    xml = schemas.check(owner.rest("GET", "/decision-definition/key/fee/xml"),
                        "/decision-definition/key/{key}/xml")
    assert xml["dmnXml"].encode() == FEE
    (resource,) = get(server, f"/deployment/{row['deploymentId']}/resources", "owner")
    assert resource["name"] == "fee.dmn"
    data = owner.rest("GET", f"/deployment/{row['deploymentId']}/resources/{resource['id']}/data")
    assert data.status_code == 200 and data.content == FEE  # kept byte for byte
    assert owner.rest("GET", "/decision-definition/key/nothing").status_code == 404
    evaluated = owner.rest("POST", "/decision-definition/key/fee/evaluate",
                           json={"variables": _typed(amount=3000, kind="standard")})
    (result,) = schemas.check(evaluated, "/decision-definition/key/{key}/evaluate")
    assert result["rate"]["value"] == 0.01 and result["tier"] == {"value": "standard", "type": "String",
                                                                  "valueInfo": {}}
    assert _deploy(server, "due", {"due.dmn": DUE}).status_code == 200
    evaluated = owner.rest("POST", "/decision-definition/key/due/evaluate",
                           json={"variables": _typed(kind="x")})
    (result,) = schemas.check(evaluated, "/decision-definition/key/{key}/evaluate")
    assert result["due"]["type"] == "Date" and result["due"]["value"].startswith("2026-09-30T00:00:00")
    assert result["weight"] == {"value": 0.5, "type": "Double", "valueInfo": {}}
    assert owner.rest("POST", "/decision-definition/key/fee/evaluate",
                      json={"variables": _typed(amount="many", kind="x")}).json() == []  # FEEL: no match
    refused = server.client("city1").rest("POST", "/decision-definition/key/fee/evaluate",
                                          json={"variables": {}})
    assert refused.status_code == 403


def test_the_deployments_page_takes_the_dmn_with_the_diagram_and_lists_the_decision(server):
    browser = server.client(None)
    assert sign_in(browser, "owner").status_code == 303
    token = form_token(browser, "/deployments")
    diagram = drawn("paged", chain(START, rule_task("Rule_Fee", "fee", "fee", "singleResult"), LOOK, END))
    uploaded = browser.post("/deployments", data={"csrf_token": token, "idem": secrets.token_urlsafe(16)},
                            files=[("files", ("paged.bpmn", diagram)), ("files", ("fee.dmn", FEE))])
    assert uploaded.status_code == 200, uploaded.text[:500]  # followed to the list
    assert "决策 fee v1" in uploaded.text and 'id="decisions"' in uploaded.text and "费率" in uploaded.text
    seen = _variables(server, start(server, "paged", _typed(amount=20000, kind="x")))
    assert _json(seen["fee"]) == {"rate": 0.005, "tier": "large"}


def test_a_called_process_binds_deployment_to_its_own_deployment(server):
    def tariff(rate: str) -> bytes:
        return decision_table("tariff", inputs=[("金额", "amount", "number")], outputs=[("rate", "integer")],
                              rules=[(["-"], [rate])])

    callee = drawn("callee_rated", chain(START, rule_task("Rule_Own", "tariff", "r", "singleEntry",
                                                          'camunda:decisionRefBinding="deployment"'), END))
    first = _deploy(server, "callee", {"callee_rated.bpmn": callee, "tariff.dmn": tariff("7")})
    assert first.status_code == 200, first.text
    call = ('<bpmn:callActivity id="Call_Callee" calledElement="callee_rated"><bpmn:extensionElements>'
            '<camunda:out variables="all" /></bpmn:extensionElements></bpmn:callActivity>')
    caller = drawn("caller_rated", chain(START, call, rule_task("Rule_Mine", "tariff", "mine", "singleEntry",
                                                                'camunda:decisionRefBinding="deployment"'),
                                         LOOK, END))
    second = _deploy(server, "caller", {"caller_rated.bpmn": caller, "tariff.dmn": tariff("8")})
    assert second.status_code == 200, second.text
    seen = _variables(server, start(server, "caller_rated"))
    assert (seen["r"], seen["mine"]) == (7, 8)


def test_a_unicode_digit_version_and_a_tenant_id_are_refused_at_deploy_naming_the_task(server):
    """Report finding 4: `decisionRefVersion="²"` passed `isdigit()` then crashed `int()` (a 500); and 14:
    `decisionRefTenantId` deployed and was ignored (one tenant: refused, never ignored)."""
    assert _deploy(server, "rate", {"rate.dmn": _fee("1")}).status_code == 200
    for element, attributes, reason in [
        ("Rule_Sup", 'camunda:decisionRefBinding="version" camunda:decisionRefVersion="²"', "'²'"),
        ("Rule_Zero", 'camunda:decisionRefBinding="version" camunda:decisionRefVersion="0"', "'0'"),
        ("Rule_Arabic", 'camunda:decisionRefBinding="version" camunda:decisionRefVersion="١"', "ASCII"),
        ("Rule_Huge", 'camunda:decisionRefBinding="version" camunda:decisionRefVersion="99999999999"', "'9"),
        ("Rule_Tenant", 'camunda:decisionRefTenantId="other"', "tenants are not supported"),
    ]:
        diagram = drawn("versioned", chain(START, rule_task(element, "rate", "r", "singleEntry", attributes),
                                           LOOK, END))
        refused = _deploy(server, element, {"versioned.bpmn": diagram})
        assert refused.status_code == 400, (element, refused.text)
        assert element in refused.text and reason in refused.text
        assert refused.json()["details"]["versioned.bpmn"]["errors"][0]["mainElementId"] == element
    assert get(server, "/process-definition?key=versioned") == []


def test_inputs_are_converted_to_their_type_ref_and_a_value_that_cannot_be_is_a_400_naming_the_input(server):
    """Report finding 11: a String "95" under typeRef integer matched nothing; Camunda converts it (and fails
    naming the input when it cannot: a 400 for evaluate and a person's command)."""
    scored = decision_table("scored", hit_policy="FIRST", inputs=[("分数", "score", "integer")],
                            outputs=[("grade", "string")], rules=[([">= 90"], ['"A"']), (["-"], ['"C"'])])
    diagram = drawn("scoring", chain(START, rule_task("Rule_Score", "scored", "grade", "singleEntry"),
                                     LOOK, END))
    assert _deploy(server, "scoring", {"scoring.bpmn": diagram, "scored.dmn": scored}).status_code == 200
    owner = server.client("owner")
    evaluated = owner.rest("POST", "/decision-definition/key/scored/evaluate",
                           json={"variables": _typed(score="95")})
    assert evaluated.status_code == 200 and evaluated.json()[0]["grade"]["value"] == "A", evaluated.text
    assert _variables(server, start(server, "scoring", _typed(score="95")))["grade"] == "A"
    refused = owner.rest("POST", "/decision-definition/key/scored/evaluate",
                         json={"variables": _typed(score="ninety")})
    assert refused.status_code == 400 and "分数" in refused.text and "typeRef 'integer'" in refused.text
    started = start_response(server, "scoring", _typed(score="ninety"))
    assert started.status_code == 400, started.text
    message = started.json()["message"]
    assert "Rule_Score" in message and "分数" in message and "?/?" not in message
    assert len(get(server, "/process-instance?processDefinitionKey=scoring")) == 1  # none from the refusal


def test_a_short_rule_and_a_huge_output_are_refused_at_deploy_naming_rule_and_column(server):
    """Report findings 10 and 12 through Modeler's deploy: a 400 naming file, decision, rule and column."""
    short = decision_table("short", inputs=[("分数", "score", "integer"), ("类别", "kind", "string")],
                           outputs=[("grade", "string")], rules=[(["> 1"], ['"A"'])])
    huge = decision_table("huge", inputs=[("x", "x", "integer")], outputs=[("out", "integer")],
                          rules=[(["-"], ["9" * 4000])])
    refused = _deploy(server, "bad tables", {"short.dmn": short, "huge.dmn": huge})
    assert refused.status_code == 400, refused.text
    message = refused.json()["message"]
    assert "short.dmn" in message and "Rule_short_1" in message and "1 input entries" in message
    assert "huge.dmn" in message and "Rule_huge_1" in message and "'out'" in message
    assert "number out of range" in message and "9" * 100 not in message
    assert get(server, "/decision-definition") == []


def test_a_drawn_version_tag_is_kept_and_read_back(server):
    """Report-b finding 3: Modeler's "Version tag" (`camunda:versionTag`) on a process and on a decision
    was accepted at deploy and read back as null; Camunda keeps it in every definition DTO."""
    import re

    diagram = drawn("tagged", chain(START, LOOK, END)).replace(
        b'isExecutable="true"', b'isExecutable="true" camunda:versionTag="2.1.0"', 1)
    table = re.sub(rb'(<(?:dmn:)?decision )', rb'\1xmlns:camunda="http://camunda.org/schema/1.0/dmn" '
                   rb'camunda:versionTag="1.0" ', _fee("1"), count=1)
    response = _deploy(server, "tagged", {"tagged.bpmn": diagram, "tagrate.dmn": table.replace(
        b'id="rate"', b'id="tagrate"', 1)})
    assert response.status_code == 200, response.text
    [process] = response.json()["deployedProcessDefinitions"].values()
    [decision] = response.json()["deployedDecisionDefinitions"].values()
    assert (process["versionTag"], decision["versionTag"]) == ("2.1.0", "1.0")
    assert get(server, "/process-definition/key/tagged")["versionTag"] == "2.1.0"
    assert get(server, "/decision-definition/key/tagrate", login="owner")["versionTag"] == "1.0"
