"""Corrections that correct (issue 13, item 2), through the use cases: a return names the sections with a
reason each; the correction may change exactly those, under the same checks as the steps that first filled
them; the case file shows old → new per field, and every version stays in the history."""

from __future__ import annotations

from datetime import date

import pytest

from service.consortium.casefile import read_case_material
from service.consortium.supervision import integrity
from service.consortium.supervision.integrity import IntegrityEvent
from service.engine import instances
from service.engine.uploads import Upload, store_for_task
from service.errors import InvalidInput
from tests.support.documents import pdf
from tests.support.procedure import FORMS, MEMBERS, Walk

PLAN = FORMS["Task_DraftPlan"]["plan"]
RETURN = {
    "district_decision": "return",
    "district_opinion": "进度安排不具体，成员结构需调整",
    "returned_sections": [
        {"section": "plan.goals", "reason": "进度节点过粗，请按季度细化"},
        {"section": "members", "reason": "第五家成员单位应为一般成员"},
    ],
}
NEW_GOALS = "目标任务：三年内完成伺服驱动、控制算法、核心材料三项攻关，按季度节点考核推进。"
NEW_MILESTONES = [
    {"due": "2026-09-30", "milestone": "完成伺服驱动方案评审"},
    {"due": "2026-12-31", "milestone": "完成伺服驱动样机研制"},
    {"due": "2027-12-31", "milestone": "控制算法通过第三方测试"},
]


def corrected_members() -> list[dict]:
    members = [dict(m) for m in MEMBERS]
    members[4]["role"] = "general"
    return members


def returned_walk(ctx) -> Walk:
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview", RETURN)
    return walk


def variables(ctx, walk: Walk) -> dict:
    return instances.get_instance(ctx, instance_id=walk.instance_id, actor=walk.actor("lead1"))["variables"]


def refused(walk: Walk, data: dict) -> dict:
    with pytest.raises(InvalidInput) as caught:
        walk.do("Task_CorrectForDistrict", data)
    return caught.value.fields


def test_a_return_names_at_least_one_section_each_with_a_reason(sqlite_ctx):
    walk = Walk(sqlite_ctx)
    walk.start()
    walk.prepare_and_submit()
    bare = {"district_decision": "return", "district_opinion": "材料不全"}
    with pytest.raises(InvalidInput) as caught:
        walk.do("Task_DistrictReview", bare)
    assert "returned_sections" in caught.value.fields
    no_reason = {**bare, "returned_sections": [{"section": "plan.goals"}]}
    with pytest.raises(InvalidInput) as caught:
        walk.do("Task_DistrictReview", no_reason)
    assert "reason" in caught.value.fields["returned_sections"][0]
    twice = {**bare, "returned_sections": [
        {"section": "members", "reason": "甲"}, {"section": "members", "reason": "乙"},
    ]}
    with pytest.raises(InvalidInput) as caught:
        walk.do("Task_DistrictReview", twice)
    assert "section" in caught.value.fields["returned_sections"][1]
    unknown = {**bare, "returned_sections": [{"section": "plan.six", "reason": "甲"}]}
    with pytest.raises(InvalidInput):
        walk.do("Task_DistrictReview", unknown)
    assert [t.element_id for t in walk.tasks_of("district1")] == ["Task_DistrictReview"]


def test_the_correction_changes_exactly_the_returned_sections(sqlite_ctx):
    walk = returned_walk(sqlite_ctx)
    assert variables(sqlite_ctx, walk)["returned_sections"] == RETURN["returned_sections"]
    good = {"plan": {"goals": NEW_GOALS, "milestones": NEW_MILESTONES},
            "invited_members": corrected_members()}

    fields = refused(walk, {**good, "agreement": FORMS["Task_SignAgreement"]["agreement"]})
    assert "不能" in str(fields["agreement"])  # not returned: cannot be changed
    fields = refused(walk, {**good, "plan": {**good["plan"], "results": PLAN["results"] + "补充"}})
    assert "results" in fields["plan"]
    fields = refused(walk, {"plan": good["plan"]})  # the members were returned too
    assert "invited_members" in fields
    fields = refused(walk, {**good, "plan": {"goals": NEW_GOALS}})  # section 三 includes its schedule
    assert "milestones" in fields["plan"]
    # the member list meets the rules of the first one: thresholds counted over the register ...
    fields = refused(walk, {**good, "invited_members": corrected_members()[:3]})
    assert "threshold_justification" in fields
    # ... and a registered unit keeps its registered category
    wrong = corrected_members()
    wrong[0]["category"] = "university" if wrong[0]["category"] == "enterprise" else "enterprise"
    justified = {"invited_members": wrong, "threshold_justification": "已书面说明成员结构"}
    fields = refused(walk, {**good, **justified})
    assert "category" in fields["invited_members"][0]

    # a unit that never confirmed its membership cannot come in by a correction
    stranger = {"credit_code": "91370200MA3C9Q0X7A", "name": "青岛新来科技有限公司", "category": "enterprise",
                "role": "general"}
    fields = refused(walk, {**good, "invited_members": [*corrected_members(), stranger]})
    assert list(fields["invited_members"]) == [5] and "credit_code" in fields["invited_members"][5]

    walk.do("Task_CorrectForDistrict", {**good, "correction_note": "已按意见细化进度并调整成员角色"})
    after = variables(sqlite_ctx, walk)
    assert after["plan"]["goals"] == NEW_GOALS and after["plan"]["milestones"] == NEW_MILESTONES
    for key in ("significance", "organisation", "results", "funding", "funding_table"):
        assert after["plan"][key] == PLAN[key]  # the sections not returned are untouched
    assert [m["role"] for m in after["invited_members"]] == ["core"] * 4 + ["general"]
    assert all(m["decision"] == "confirm" for m in after["invited_members"])  # confirmations stay
    assert [t.element_id for t in walk.tasks_of("district1")] == ["Task_DistrictReview"]

    material = read_case_material(sqlite_ctx, actor=walk.actor("district1"), instance_id=walk.instance_id)
    [correction] = material.corrections
    assert correction["by"] == "lead1" and correction["note"] == "已按意见细化进度并调整成员角色"
    goals, members = correction["sections"]
    assert (goals["section"], goals["reason"]) == ("plan.goals", "进度节点过粗，请按季度细化")
    assert ("plan.goals", PLAN["goals"], NEW_GOALS) in goals["changes"]
    assert ("plan.milestones[1].due", "2026-12-31", "2026-09-30") in goals["changes"]
    code = MEMBERS[4]["credit_code"]
    assert members["changes"] == [(f"invited_members[{code}].role", "core", "general")]
    walk.do("Task_DistrictReview")
    assert [t.element_id for t in walk.tasks_of("city1")] == ["Task_CityReview"]


def test_every_version_stays_in_the_history(ctx):
    walk = returned_walk(ctx)
    walk.do("Task_CorrectForDistrict",
            {"plan": {"goals": NEW_GOALS, "milestones": NEW_MILESTONES},
             "invited_members": corrected_members()})
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview", {
        "city_decision": "return", "city_opinion": "负责人联系电话有误",
        "returned_sections": [{"section": "chief_expert", "reason": "联合体负责人电话有误"}],
    })
    hire = FORMS["Task_HireChiefExpert"]
    head = {**hire["consortium_head"], "phone": "13805320002"}
    walk.do("Task_CorrectForCity", {"chief_expert": hire["chief_expert"], "consortium_head": head})
    assert variables(ctx, walk)["consortium_head"]["phone"] == "13805320002"
    material = read_case_material(ctx, actor=walk.actor("city1"), instance_id=walk.instance_id)
    first, second = material.corrections
    assert [s["section"] for s in first["sections"]] == ["plan.goals", "members"]
    [chief] = second["sections"]
    assert chief["changes"] == [("consortium_head.phone", "13805320001", "13805320002")]
    # the first version is still readable after the second
    assert ("plan.goals", PLAN["goals"], NEW_GOALS) in first["sections"][0]["changes"]


def test_a_returned_document_is_sent_again_and_plan_rows_stay_whole(sqlite_ctx, tmp_path):
    walk = Walk(sqlite_ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview", {
        "district_decision": "return", "district_opinion": "缺少证明材料",
        "returned_sections": [{"section": "documents", "reason": "请上传成员单位营业执照"},
                              {"section": "plan.goals", "reason": "进度节点过粗"}],
    })
    half_rows = [{"milestone": "完成伺服驱动方案评审"}, {"due": "2027-12-31"}]
    fields = refused(walk, {"plan": {"goals": NEW_GOALS, "milestones": half_rows}})
    assert "due" in fields["plan"]["milestones"][0] and "milestone" in fields["plan"]["milestones"][1]
    fields = refused(walk, {"plan": {"goals": NEW_GOALS, "milestones": NEW_MILESTONES}})
    assert "supplementary_document" in fields
    [task] = walk.tasks_of("lead1", "Task_CorrectForDistrict")
    stored = store_for_task(sqlite_ctx, directory=tmp_path, task_id=task.id, actor=walk.actor("lead1"),
                            upload=Upload("成员单位营业执照.pdf", "application/pdf", pdf()),
                            field="supplementary_document")
    document = {"file_id": stored.id, "sha256": stored.sha256, "name": stored.name}
    walk.do("Task_CorrectForDistrict", {"plan": {"goals": NEW_GOALS, "milestones": NEW_MILESTONES},
                                        "supplementary_document": document})
    material = read_case_material(sqlite_ctx, actor=walk.actor("district1"), instance_id=walk.instance_id)
    documents = material.corrections[0]["sections"][0]
    assert documents["section"] == "documents"
    assert ("supplementary_document.name", None, "成员单位营业执照.pdf") in documents["changes"]


def test_a_corrected_member_list_meets_the_credit_record(sqlite_ctx):
    walk = returned_walk(sqlite_ctx)
    restricted = MEMBERS[0]
    integrity.record_integrity_event(sqlite_ctx, actor=walk.actor("city1"), event=IntegrityEvent(
        subject_kind="org", subject_id=restricted["credit_code"], subject_name=restricted["name"],
        record_type="dishonesty", description="科研项目结题材料中伪造测试报告",
        decision_document="青科字〔2026〕31号", decided_on=date(2026, 3, 2),
        restriction_until=date(2028, 3, 1),
    ))
    good = {"plan": {"goals": NEW_GOALS, "milestones": NEW_MILESTONES},
            "invited_members": corrected_members()}
    fields = refused(walk, good)  # the creditRecordCheck listener the correction tasks declare
    assert list(fields["invited_members"]) == [0]
    assert "青科字〔2026〕31号" in str(fields["invited_members"][0])
    as_general = corrected_members()
    as_general[0]["role"] = "general"
    walk.do("Task_CorrectForDistrict", {**good, "invited_members": as_general})
    assert [t.element_id for t in walk.tasks_of("district1")] == ["Task_DistrictReview"]
