"""Supervision over /api under hostile use (breakit findings F13, F19, F22).

F19: a lead unit dissolved its consortium while its performance evaluation was open, escaping it.
F22: any number of member changes ran at once, each checking the thresholds alone; an empty body started one.
F13: duplicate project numbers (also two at once), start dates of 9999 and 1990, support for a draft,
credit-record entries about "123", a decision day in 2099, an evaluation of a data period not yet over,
a consortium evaluated twice at once.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from service.clock import local_today
from service.consortium.demo import ORGANISATIONS
from tests.supervision.support import consortium, filed_consortium
from tests.support.procedure import Walk

from .conftest import Server

PROJECT = {"projectNo": "2026ZDYF001", "name": "高端数控系统联合攻关", "level": "provincial",
           "startedOn": "2026-03-01", "endsOn": "2028-02-28"}
ROUND = {"title": "2026年度创新联合体绩效评价", "dataFrom": "2025-01-01", "dataUntil": "2025-12-31"}
MEMBER = ORGANISATIONS[1]
ENTRY = {
    "subjectKind": "org", "subjectId": MEMBER[0], "subjectName": MEMBER[1], "type": "dishonesty",
    "description": "科研项目验收材料中伪造测试报告", "decisionDocument": "青科字〔2026〕40号",
    "decidedOn": "2026-03-02",
}
MEASURE = {"kind": "platform", "name": "测试平台", "grantedOn": "2026-06-01"}


@pytest.fixture
def filed(server: Server, clock) -> int:
    return filed_consortium(server.ctx, clock)[1]


def test_no_dissolution_while_the_evaluation_is_open(server: Server, filed: int):
    city, lead = server.client("city1"), server.client("lead1")
    opened = city.post("/api/evaluation-rounds", json=ROUND)
    assert opened.status_code == 201, opened.text
    [evaluation] = opened.json()["instances"]
    key = city.rest("GET", f"/process-instance/{evaluation}").json()["businessKey"]
    refused = lead.post(f"/api/consortia/{filed}/dissolution", json={"reason": "合作期满，各方协商一致解散"})
    assert refused.status_code == 409, refused.text
    assert "绩效评价" in refused.json()["message"] and key in refused.json()["message"]
    assert consortium(server.ctx, consortium_id=filed).status == "filed"
    # the same consortium is not evaluated twice while that evaluation is open
    again = city.post("/api/evaluation-rounds", json={**ROUND, "title": "第二轮"})
    assert again.status_code == 201 and again.json()["instances"] == []
    assert again.json()["skipped"] == [consortium(server.ctx, consortium_id=filed).application_no]


def test_no_dissolution_while_a_lead_failure_case_is_open(server: Server, filed: int):
    case = server.client("city1").post(f"/api/consortia/{filed}/lead-failure-cases")
    assert case.status_code == 201
    refused = server.client("lead1").post(f"/api/consortia/{filed}/dissolution", json={"reason": "不再合作"})
    assert refused.status_code == 409 and case.json()["businessKey"] in refused.json()["message"]


def test_one_member_change_at_a_time_and_never_without_a_reason(server: Server, filed: int):
    lead = server.client("lead1")
    path = f"/api/consortia/{filed}/member-changes"
    empty = lead.post(path, json={})
    assert empty.status_code == 422 and "reason" in empty.json()["fields"]
    blank = lead.post(path, json={"reason": "   "})
    assert blank.status_code == 422 and "reason" in blank.json()["fields"]
    first = lead.post(path, json={"reason": "新增一家高校成员"})
    assert first.status_code == 201, first.text
    second = lead.post(path, json={"reason": "退出一家企业"})
    assert second.status_code == 409, second.text
    assert first.json()["businessKey"] in second.json()["message"]
    variables = lead.rest("GET", f"/process-instance/{first.json()['id']}/variables").json()
    assert variables["change_reason"]["value"] == "新增一家高校成员"


def test_project_numbers_are_unique_per_consortium(server: Server, filed: int):
    lead = server.client("lead1")
    path = f"/api/consortia/{filed}/projects"
    assert lead.post(path, json=PROJECT).status_code == 201
    twice = lead.post(path, json={**PROJECT, "name": "另一个名称"})
    assert twice.status_code == 409 and "2026ZDYF001" in twice.json()["message"]
    answers: list[int] = []
    barrier = threading.Barrier(2)

    def record() -> None:
        client = server.client("lead1")
        barrier.wait()
        answers.append(client.post(path, json={**PROJECT, "projectNo": "RACE-1"}).status_code)

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 409]
    listed = server.client("city1").get(f"/api/consortia/{filed}/supervision").json()["projects"]
    assert sorted(p["projectNo"] for p in listed) == ["2026ZDYF001", "RACE-1"]


@pytest.mark.parametrize("started", ["9999-12-31", "1990-01-01"])
def test_project_dates_must_be_plausible(server: Server, filed: int, started: str):
    answer = server.client("lead1").post(f"/api/consortia/{filed}/projects",
                                         json={**PROJECT, "startedOn": started, "endsOn": None})
    assert answer.status_code == 422 and "startedOn" in answer.json()["fields"], answer.text


def test_support_measures_only_for_filed_consortia_and_on_plausible_days(server: Server, filed: int):
    city = server.client("city1")
    far = city.post(f"/api/consortia/{filed}/support-measures", json={**MEASURE, "grantedOn": "2099-01-01"})
    assert far.status_code == 422 and "grantedOn" in far.json()["fields"]
    assert city.post(f"/api/consortia/{filed}/support-measures", json=MEASURE).status_code == 201
    draft = Walk(server.ctx)
    draft.start()
    draft.do("Task_Initiate")
    drafting = consortium(server.ctx, draft.instance_id).id
    refused = city.post(f"/api/consortia/{drafting}/support-measures", json=MEASURE)
    assert refused.status_code == 409 and "不在备案有效期内" in refused.json()["message"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"subjectId": "123"}, "subjectId"),
    ({"subjectId": MEMBER[0][:-1] + ("0" if MEMBER[0][-1] != "0" else "1")}, "subjectId"),
    ({"subjectKind": "person", "subjectId": "123456"}, "subjectId"),
    ({"subjectKind": "person", "subjectId": "110105194912310021"}, "subjectId"),
    ({"decidedOn": "2099-01-01"}, "decidedOn"),
])
def test_credit_record_subjects_must_be_real_identifiers(server: Server, changes: dict, field: str):
    answer = server.client("city1").post("/api/integrity-records", json={**ENTRY, **changes})
    assert answer.status_code == 422, answer.text
    assert field in answer.json()["fields"]


def test_a_credit_record_about_a_person_with_a_valid_id_is_accepted(server: Server):
    person = {**ENTRY, "subjectKind": "person", "subjectId": "11010519491231002X", "subjectName": "刘海岳"}
    assert server.client("city1").post("/api/integrity-records", json=person).status_code == 201


def test_an_evaluation_round_needs_a_data_period_that_has_ended(server: Server, filed: int):
    city = server.client("city1")
    today = local_today(server.ctx.now())
    future = city.post("/api/evaluation-rounds", json={
        **ROUND, "dataFrom": "2090-01-01", "dataUntil": "2099-01-01"})
    assert future.status_code == 422 and "dataUntil" in future.json()["fields"]
    tomorrow = city.post("/api/evaluation-rounds", json={
        **ROUND, "dataUntil": (today + timedelta(days=1)).isoformat()})
    assert tomorrow.status_code == 422 and "dataUntil" in tomorrow.json()["fields"]
    assert city.rest("GET", "/process-instance?processDefinitionKey=performance_evaluation").json() == []
