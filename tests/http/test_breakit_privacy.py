"""Personal identifiers and reviewer identities over HTTP (breakit findings F16, F15).

F16: the chief expert's ID number and the consortium head's phone were readable in clear over every
/engine-rest variable read by member units, district clerks and experts, while the case file masks
them. Now every read path masks them for whoever is not entitled (city clerks, administrators, the lead
unit that entered them); a write through the REST API can neither corrupt nor forge them.
"""

from __future__ import annotations

import json

import pytest

from tests.support.procedure import Walk

from .conftest import Server

ID_NUMBER = "11010519491231002X"
MASKED_ID = "1101**********002X"
PHONE = "13805320001"


@pytest.fixture
def submitted(server: Server) -> Walk:
    walk = Walk(server.ctx)
    walk.start()
    walk.prepare_and_submit()
    return walk


def variable_reads(server: Server, login: str, walk: Walk) -> list[str]:
    """The raw answer bodies of every /engine-rest read that carries the instance's variables."""
    client, i = server.client(login), walk.instance_id
    paths = [
        "/variable-instance?variableName=chief_expert",
        f"/variable-instance?processInstanceIdIn={i}",
        f"/history/variable-instance?processInstanceId={i}",
        f"/process-instance/{i}/variables",
        f"/process-instance/{i}/variables/chief_expert",
        f"/variable-instance/{i}:consortium_head",
    ]
    for task in walk.tasks_of("city1"):
        paths.append(f"/task/{task.id}/variables")
        paths.append(f"/task/{task.id}/form-variables")
    bodies = []
    for path in paths:
        answer = client.rest("GET", path)
        if answer.status_code == 404:  # a task the caller does not see
            continue
        assert answer.status_code == 200, (login, path, answer.text)
        bodies.append(answer.text)
    return bodies


@pytest.mark.parametrize("login", ["member1", "district1", "owner"])
def test_parties_not_entitled_read_the_identifiers_masked(server: Server, submitted: Walk, login: str):
    bodies = variable_reads(server, login, submitted)
    text = "\n".join(bodies)
    assert MASKED_ID in text, login  # they do see the instance and its chief expert
    assert ID_NUMBER not in text and PHONE not in text, login
    assert "1380***0001" in text


@pytest.mark.parametrize("login", ["lead1", "city1"])
def test_the_lead_unit_and_the_city_read_them_in_full(server: Server, submitted: Walk, login: str):
    text = "\n".join(variable_reads(server, login, submitted))
    assert ID_NUMBER in text and PHONE in text


def stored_chief(server: Server, walk: Walk) -> dict:
    path = f"/process-instance/{walk.instance_id}/variables/chief_expert"
    value = server.client("city1").rest("GET", path).json()["value"]
    return json.loads(value) if isinstance(value, str) else value


def test_writing_back_the_masked_copy_keeps_the_stored_number(server: Server, submitted: Walk):
    owner, i = server.client("owner"), submitted.instance_id
    seen = owner.rest("GET", f"/process-instance/{i}/variables/chief_expert").json()
    assert MASKED_ID in json.dumps(seen, ensure_ascii=False)
    answer = owner.rest("PUT", f"/process-instance/{i}/variables/chief_expert", json=seen)
    assert answer.status_code == 204, answer.text
    assert stored_chief(server, submitted)["id_number"] == ID_NUMBER


def test_a_forged_masked_number_is_refused(server: Server, submitted: Walk):
    owner, i = server.client("owner"), submitted.instance_id
    seen = owner.rest("GET", f"/process-instance/{i}/variables/chief_expert").json()
    forged = json.dumps(seen, ensure_ascii=False).replace(MASKED_ID, "1101**********0000")
    answer = owner.rest("PUT", f"/process-instance/{i}/variables/chief_expert",
                        data=forged, headers={"Content-Type": "application/json"})
    assert answer.status_code in (400, 422), answer.text
    assert "chief_expert" in answer.text
    answer = owner.rest("POST", f"/process-instance/{i}/variables",
                        json={"modifications": {"id_number": {"value": "1101****002X"}}})
    assert answer.status_code in (400, 422), answer.text
    assert stored_chief(server, submitted)["id_number"] == ID_NUMBER
