"""Personal identifiers a process owner could still read in clear (tester-owner findings 1-3).

2: a Long `mobile`, a Json list under `list_phone`, a number inside Json under `phone`: only strings
   were masked, so every variable read path showed them in clear.
3: a script failing on `id_number` put the number in the incident, the job's exceptionMessage and the
   job log, and `POST /job/{id}/execute` answered it in its 500.
1: a script that copies the number into another variable (after migrating a running instance onto it)
   bypassed the masking by name; a value containing an instance's identifier is now masked too.
"""

from __future__ import annotations

import json

from tests.support.drawn import chain, drawn

from .running import deploy, get, open_tasks
from .test_breakit_privacy import signed_in
from .walk import modeler_upload

ID_NUMBER = "11010519491231002X"
MASKED_ID = "1101**********002X"
MOBILE = 13800138000
MASKED_MOBILE = "1380***8000"
LISTED = "13711112222"
NESTED = 13912345678
TEXT_JSON = "053212345678"
START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'
WORK = '<bpmn:serviceTask id="Ext_Pd" name="外部" camunda:type="external" camunda:topic="pd-any" />'
OWNER_TASK = '<bpmn:userTask id="Task_U" name="办理" camunda:candidateGroups="process_owner" />'
VARIABLES = {
    "id_number": {"value": ID_NUMBER, "type": "String"},
    "mobile": {"value": MOBILE, "type": "Long"},
    "list_phone": {"value": json.dumps([LISTED]), "type": "Json"},
    "contact": {"value": json.dumps({"phone": NESTED, "name": "x"}), "type": "Json"},
    "payload": {"value": json.dumps({"office_phone": TEXT_JSON}), "type": "String"},
}
CLEAR = (ID_NUMBER, str(MOBILE), LISTED, str(NESTED), TEXT_JSON)


def _started(server, key: str, variables: dict) -> str:
    response = server.client("city1").rest("POST", f"/process-definition/key/{key}/start",
                                            json={"variables": variables})
    assert response.status_code == 200, response.text
    return response.json()["id"]


def _reads(owner, iid: str, task_id: str) -> str:
    paths = [
        f"/process-instance/{iid}/variables",
        f"/process-instance/{iid}/variables?deserializeValues=false",
        f"/process-instance/{iid}/variables/mobile",
        f"/process-instance/{iid}/variables/list_phone?deserializeValue=false",
        f"/variable-instance?processInstanceIdIn={iid}",
        f"/variable-instance/{iid}:mobile",
        f"/history/variable-instance?processInstanceId={iid}",
        f"/history/detail?processInstanceId={iid}",
        f"/task/{task_id}/variables",
        f"/task/{task_id}/form-variables",
    ]
    bodies = []
    for path in paths:
        answer = owner.rest("GET", path)
        assert answer.status_code == 200, (path, answer.text)
        bodies.append(answer.text)
    return "\n".join(bodies)


def test_identifiers_of_any_type_are_masked_on_every_read(server):
    deploy(server, "pd_any", chain(START, WORK, OWNER_TASK, END))
    iid = _started(server, "pd_any", VARIABLES)
    owner = server.client("owner")
    fetch = {"workerId": "w", "maxTasks": 1, "topics": [{"topicName": "pd-any", "lockDuration": 60_000}]}
    [locked] = owner.rest("POST", "/external-task/fetchAndLock", json=fetch).json()
    fetched = json.dumps(locked["variables"])
    assert not any(v in fetched for v in CLEAR), fetched
    assert locked["variables"]["mobile"] == {"value": MASKED_MOBILE, "type": "String", "valueInfo": {}}
    done = owner.rest("POST", f"/external-task/{locked['id']}/complete", json={"workerId": "w"})
    assert done.status_code == 204, done.text
    [task] = open_tasks(server, iid)
    text = _reads(owner, iid, task["id"])
    assert not [v for v in CLEAR if v in text], text
    assert MASKED_ID in text and MASKED_MOBILE in text and "1371***2222" in text and "1391***5678" in text
    full = _reads(server.client("city1"), iid, task["id"])  # the entitled still read them in full
    assert all(v in full for v in CLEAR)


def test_a_masked_number_written_back_keeps_the_stored_number(server):
    deploy(server, "pd_back", chain(START, OWNER_TASK, END))
    iid = _started(server, "pd_back", VARIABLES)
    owner = server.client("owner")
    seen = owner.rest("GET", f"/process-instance/{iid}/variables").json()
    assert seen["mobile"]["value"] == MASKED_MOBILE
    answer = owner.rest("POST", f"/process-instance/{iid}/variables",
                        json={"modifications": {k: seen[k] for k in ("mobile", "list_phone", "contact")}})
    assert answer.status_code == 204, answer.text
    stored = get(server, f"/process-instance/{iid}/variables")
    assert stored["mobile"] == {"value": MOBILE, "type": "Long", "valueInfo": {}}
    assert json.loads(stored["list_phone"]["value"]) == [LISTED]
    assert json.loads(stored["contact"]["value"])["phone"] == NESTED


# --- finding 3: messages -------------------------------------------------------------------------------

FAILING = ('<bpmn:scriptTask id="Script_Leak" name="出错" scriptFormat="python" camunda:asyncBefore="true">'
           "<bpmn:script>x = {}[id_number]</bpmn:script></bpmn:scriptTask>")


def test_incident_job_and_job_log_messages_mask_the_identifier(server):
    deploy(server, "pd_leak", chain(START, OWNER_TASK, FAILING, END))
    iid = _started(server, "pd_leak", {"id_number": {"value": ID_NUMBER}})
    owner = server.client("owner")
    [task] = open_tasks(server, iid)
    assert owner.rest("POST", f"/task/{task['id']}/complete", json={}).status_code == 204
    for _ in range(10):
        if get(server, f"/incident?processInstanceId={iid}", login="owner"):
            break
        [job] = get(server, f"/job?processInstanceId={iid}", login="owner")
        failed = owner.rest("POST", f"/job/{job['id']}/execute")
        assert failed.status_code == 500, failed.text  # Camunda: "the job could not be executed"
        body = failed.json()
        assert set(body) == {"type", "message"} and body["type"] == "RestException", body
        assert ID_NUMBER not in body["message"] and MASKED_ID in body["message"], body
        assert "Traceback" not in body["message"]
    paths = [f"/incident?processInstanceId={iid}", f"/history/incident?processInstanceId={iid}",
             f"/job?processInstanceId={iid}", f"/history/job-log?processInstanceId={iid}",
             f"/history/user-operation?processInstanceId={iid}"]
    texts = [owner.rest("GET", p).text for p in paths]
    for path, text in zip(paths, texts, strict=True):
        assert ID_NUMBER not in text and MASKED_ID in text, (path, text)
    admin = server.client("admin")
    assert all(ID_NUMBER in admin.rest("GET", p).text for p in paths)  # entitled: the real message
    page = signed_in(server, "owner").get(f"/applications/{iid}")  # the application page's incidents
    assert page.status_code == 200 and 'id="incidents"' in page.text
    assert ID_NUMBER not in page.text and MASKED_ID in page.text


# --- finding 1: copies -----------------------------------------------------------------------------------

COPYING = ('<bpmn:scriptTask id="Script_Copy" name="复制" scriptFormat="python"><bpmn:script>'
           'spaced = " ".join(id_number)\nlabelled = "ID " + id_number\nphone_digits = int(mobile)'
           "</bpmn:script></bpmn:scriptTask>")
AFTER = '<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="process_owner" />'


def _deploy(owner, body: str) -> str:
    upload = modeler_upload({"pd_copy.bpmn": drawn("pd_copy", body)}, name="pd_copy")
    response = owner.rest("POST", "/deployment/create", **upload)
    assert response.status_code == 200, response.text
    [definition] = response.json()["deployedProcessDefinitions"].values()
    return definition["id"]


def test_a_copy_made_by_a_migrated_script_reads_masked(server):
    owner = server.client("owner")
    v1 = _deploy(owner, chain(START, OWNER_TASK, END))
    iid = _started(server, "pd_copy", {"id_number": {"value": ID_NUMBER},
                                       "mobile": {"value": MOBILE, "type": "Long"}})
    v2 = _deploy(owner, chain(START, OWNER_TASK, COPYING, AFTER, END))
    plan = owner.rest("POST", "/migration/generate", json={
        "sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2}).json()
    moved = owner.rest("POST", "/migration/execute",
                       json={"migrationPlan": plan, "processInstanceIds": [iid]})
    assert moved.status_code == 204, moved.text
    [task] = open_tasks(server, iid)
    assert owner.rest("POST", f"/task/{task['id']}/complete", json={}).status_code == 204
    seen = get(server, f"/process-instance/{iid}/variables", login="owner")
    assert seen["spaced"]["value"] == "1 1 0 1 * * * * * * * * * * 0 0 2 X"
    assert seen["labelled"]["value"] == f"ID {MASKED_ID}"
    assert seen["phone_digits"]["value"] == MASKED_MOBILE
    text = json.dumps(seen) + owner.rest("GET", f"/history/detail?processInstanceId={iid}").text
    assert ID_NUMBER not in text and str(MOBILE) not in text
    assert get(server, f"/process-instance/{iid}/variables/labelled")["value"] == f"ID {ID_NUMBER}"


def test_an_external_task_failure_quoting_the_identifier_reads_masked(server):
    deploy(server, "pd_worker", chain(START, WORK.replace("pd-any", "pd-worker"), OWNER_TASK, END))
    iid = _started(server, "pd_worker", {"id_number": {"value": ID_NUMBER}})
    admin, owner = server.client("admin"), server.client("owner")
    fetch = {"workerId": "w", "maxTasks": 1, "topics": [{"topicName": "pd-worker", "lockDuration": 60_000}]}
    [locked] = admin.rest("POST", "/external-task/fetchAndLock", json=fetch).json()
    assert locked["variables"]["id_number"]["value"] == ID_NUMBER  # entitled: the worker had it in full
    failed = admin.rest("POST", f"/external-task/{locked['id']}/failure", json={
        "workerId": "w", "errorMessage": f"no record for {ID_NUMBER}", "retries": 1, "retryTimeout": 0,
        "errorDetails": f"Traceback (most recent call last):\n  lookup('{ID_NUMBER}')\nKeyError"})
    assert failed.status_code == 204, failed.text
    tid = locked["id"]
    paths = (f"/external-task?processInstanceId={iid}", f"/external-task/{tid}",
             f"/external-task/{tid}/errorDetails")
    texts = [owner.rest("GET", p).text for p in paths]
    [relocked] = owner.rest("POST", "/external-task/fetchAndLock", json=fetch).json()
    texts.append(json.dumps(relocked))
    for text in texts:
        assert ID_NUMBER not in text and MASKED_ID in text, text
    assert ID_NUMBER in admin.rest("GET", f"/external-task/{tid}/errorDetails").text
