"""Personal identifiers and reviewer identities over HTTP (breakit findings F16, F15).

F16: the chief expert's ID number and the consortium head's phone were readable in clear over every
/engine-rest variable read by member units, district clerks and experts, while the case file masks
them. Now every read path masks them for whoever is not entitled (city clerks, administrators, the lead
unit that entered them); a write through the REST API can neither corrupt nor forge them.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.support.pages import log_in
from tests.support.procedure import PANEL, Walk

from .conftest import Server
from .test_documents import pdf_text
from .test_findings import reviewed

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


# F15: the expert-group opinion and the history named each expert, by login id, next to its score.

EXPERT_NAMES = {"expert1": "王教授", "expert2": "李研究员", "expert3": "张高工", "expert4": "赵教授",
                "expert5": "陈研究员"}


def signed_in(server: Server, login: str):
    client = server.client(login)
    client.auth = None  # the pages read the signed-in session
    assert log_in(client, login).status_code == 303
    return client


@pytest.fixture
def published(server: Server) -> Walk:
    walk = reviewed(server.ctx)
    city = server.client("city1")
    leader = city.post(f"/api/panels/{walk.panel_id}/opinion").json()["leader"]
    assert server.client(leader).post(f"/api/panels/{walk.panel_id}/opinion/confirm",
                                      json={"signature": f"组长 {EXPERT_NAMES[leader]}"}).status_code == 200
    walk.select()  # the results are published
    return walk


def identities_in(text: str, panel: list[str]) -> set[str]:
    return {e for e in panel if re.search(rf"\b{e}\b", text) or EXPERT_NAMES[e] in text}


@pytest.mark.parametrize("login", ["lead1", "member1", "district1"])
def test_applicants_and_districts_read_the_opinion_and_history_anonymised(server: Server, published: Walk,
                                                                          login: str):
    client = signed_in(server, login)
    page = client.get(f"/casefile/{published.business_key}/opinion")
    assert page.status_code == 200
    assert identities_in(page.text, published.panel) == set(), login
    assert "专家一" in page.text and "专家五" in page.text and "专家组组长" in page.text
    pdf = client.get(f"/casefile/{published.business_key}/opinion.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"].startswith("application/pdf")
    text = "\n".join(pdf_text(pdf.content))
    assert identities_in(text, published.panel) == set() and "专家一" in text
    application = client.get(f"/applications/{published.instance_id}")
    assert identities_in(application.text, published.panel) == set(), login
    rest = server.client(login)
    history = rest.rest("GET", f"/history/task?processInstanceId={published.instance_id}").json()
    assert not set(published.panel) & {t["assignee"] for t in history}


@pytest.mark.parametrize("who", ["city1", "panel"])
def test_the_city_and_the_panel_read_real_names_not_login_ids(server: Server, published: Walk, who: str):
    login = published.panel[0] if who == "panel" else who
    page = signed_in(server, login).get(f"/casefile/{published.business_key}/opinion").text
    opinion = page[page.index('id="panel-opinion"'):]
    assert all(EXPERT_NAMES[e] in opinion for e in published.panel), login
    assert not any(re.search(rf"\b{e}\b", opinion) for e in published.panel), login
    assert "暂无" not in opinion  # signed: no dissent is "无", not "none yet"


# Users' report finding 1: the site-visit report's 参加人员 (`participants`, expert accounts) reached the
# lead unit, members and the district on the case file, its PDF and every /engine-rest variable read.

def participant_reads(server: Server, login: str, walk: Walk) -> str:
    """The case file, its PDF text and every /engine-rest read carrying `participants`, as `login`."""
    client, i = signed_in(server, login), walk.instance_id
    page = client.get(f"/casefile/{walk.business_key}")
    pdf = client.get(f"/casefile/{walk.business_key}.pdf")
    assert page.status_code == 200 and pdf.status_code == 200, login
    texts = [page.text, "\n".join(pdf_text(pdf.content))]
    rest = server.client(login)
    for path in ("/variable-instance?variableName=participants", f"/process-instance/{i}/variables",
                 f"/process-instance/{i}/variables/participants",
                 f"/history/variable-instance?processInstanceId={i}",
                 f"/history/detail?processInstanceId={i}"):
        answer = rest.rest("GET", path)
        assert answer.status_code in (200, 404), (login, path, answer.text)
        texts.append(answer.text)
    return "\n".join(texts)


@pytest.mark.parametrize("login", ["lead1", "member1", "district1"])
def test_the_site_visit_participants_are_anonymised_for_applicants_and_districts(server: Server,
                                                                                published: Walk, login: str):
    text = participant_reads(server, login, published)
    assert identities_in(text, PANEL) == set(), login
    assert "参加人员" in text and "专家一" in text, login
    rest = server.client(login).rest(
        "GET", f"/process-instance/{published.instance_id}/variables/participants").json()
    labels = rest["value"] if isinstance(rest["value"], list) else json.loads(rest["value"])
    assert all(label.startswith("专家") for label in labels) and len(set(labels)) == 3


def test_the_city_reads_the_site_visit_participants(server: Server, published: Walk):
    text = participant_reads(server, "city1", published)
    assert set(PANEL[:3]) <= identities_in(text, PANEL)


# Users' report finding 11: the case file masked the chief expert's ID number for the city clerks, who
# read it in full on /engine-rest; it now follows the same rule as the variable reads (personal_data.py).

@pytest.mark.parametrize("login,entitled", [("city1", True), ("lead1", True), ("member1", False),
                                            ("district1", False)])
def test_the_case_file_shows_identifiers_as_the_variable_reads_do(server: Server, submitted: Walk, login: str,
                                                                  entitled: bool):
    page = signed_in(server, login).get(f"/casefile/{submitted.business_key}")
    assert page.status_code == 200, login
    assert (ID_NUMBER in page.text, PHONE in page.text) == (entitled, entitled), login
    if not entitled:
        assert MASKED_ID in page.text and "1380***0001" in page.text, login
