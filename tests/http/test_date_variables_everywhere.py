"""hbreak fault 4: a `Date` variable is a `Date` on every read path, in Camunda's
`yyyy-MM-dd'T'HH:mm:ss.SSSZ`. Before the fix only the two whole-map reads kept the type; the
single-variable reads, `/variable-instance`, `/history/variable-instance` and fetchAndLock answered
`{"type": "String", "value": "2026-12-07T10:00:00+01:00"}`.
"""

from __future__ import annotations

from datetime import datetime

from tests.support.drawn import chain

from .running import deploy, get, open_tasks, start

START = '<bpmn:startEvent id="Start_1" />'
END = '<bpmn:endEvent id="End_1" />'
WORK = '<bpmn:serviceTask id="Ext_Date" name="外部" camunda:type="external" camunda:topic="hb-date" />'
NOW = ('<bpmn:scriptTask id="Script_Now" name="此刻" scriptFormat="python">'
       "<bpmn:script>stamped = now()</bpmn:script></bpmn:scriptTask>")
AFTER = '<bpmn:userTask id="Task_After" name="后办" camunda:candidateGroups="city_clerk" />'
SENT = "2026-12-07T10:00:00.000+0100"
FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"  # Camunda's yyyy-MM-dd'T'HH:mm:ss.SSSZ


def _is_date(dto: dict, value: str | None = SENT) -> None:
    assert dto["type"] == "Date", dto
    if value is not None:
        assert datetime.strptime(dto["value"], FORMAT) == datetime.strptime(value, FORMAT), dto
    else:  # the engine's own clock: only the format is known
        datetime.strptime(dto["value"], FORMAT)


def test_a_date_is_a_date_on_every_read_path(server):
    deploy(server, "hb_dates", chain(START, WORK, NOW, AFTER, END))
    iid = start(server, "hb_dates", {"vdt": {"value": SENT, "type": "Date"}})
    owner = server.client("owner")
    fetch = {"workerId": "w", "maxTasks": 1, "topics": [{"topicName": "hb-date", "lockDuration": 60_000}]}
    [locked] = owner.rest("POST", "/external-task/fetchAndLock", json=fetch).json()
    _is_date(locked["variables"]["vdt"])
    done = owner.rest("POST", f"/external-task/{locked['id']}/complete",
                      json={"workerId": "w", "variables": {"vex": {"value": SENT, "type": "Date"}}})
    assert done.status_code == 204, done.text
    put = owner.rest("PUT", f"/process-instance/{iid}/variables/dd", json={"value": SENT, "type": "Date"})
    assert put.status_code == 204, put.text
    [task] = open_tasks(server, iid)
    for name in ("vdt", "vex", "dd"):
        _is_date(get(server, f"/process-instance/{iid}/variables/{name}", login="owner"))
        _is_date(get(server, f"/task/{task['id']}/variables/{name}"))
        _is_date(get(server, f"/process-instance/{iid}/variables", login="owner")[name])
    _is_date(get(server, f"/process-instance/{iid}/variables/stamped", login="owner"), None)
    for path in ("/variable-instance", "/history/variable-instance"):
        rows = {r["name"]: r for r in get(server, f"{path}?processInstanceIdIn={iid}", login="owner")}
        for name in ("vdt", "vex", "dd"):
            _is_date(rows[name])
        _is_date(rows["stamped"], None)
    _is_date(get(server, f"/variable-instance/{iid}:vdt", login="owner"))
