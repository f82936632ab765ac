"""细分赛道, the consortium head, member commitments and the 链主 flag (issue 14, item 6; guideline 一,
三（三）, 三（六）, 四（一）1): the sub-track list is kept by an administrator over /api, and an application
in an industry that has sub-tracks names one of them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.consortium.casefile import read_case_material
from service.consortium.store.models import Consortium
from service.engine import browse, tasks
from service.errors import InvalidInput
from tests.support.procedure import FORMS, MEMBER_LOGINS, MEMBERS, Walk


def test_the_administrator_keeps_the_sub_track_list(server):
    lead = server.client("lead1")
    assert lead.get("/api/sub-tracks").json() == []  # the bureau's list is not public: it starts empty
    refused = server.client("city1").post(
        "/api/sub-tracks", json={"code": "ZB-01", "industry": "XX-05", "name": "工业母机"}
    )
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("只有系统管理员可以维护细分赛道")
    admin = server.client("admin")
    bad = admin.post("/api/sub-tracks", json={"code": "ZB-01", "industry": "XX-99", "name": "工业母机"})
    assert bad.status_code == 422 and "industry" in bad.json()["fields"]
    added = admin.post("/api/sub-tracks", json={"code": "ZB-01", "industry": "XX-05", "name": "工业母机"})
    assert added.status_code == 201 and added.json()["industryName"].startswith("智能装备")
    again = admin.post("/api/sub-tracks", json={"code": "ZB-01", "industry": "XX-05", "name": "机器人"})
    assert again.status_code == 409
    admin.post("/api/sub-tracks", json={"code": "AI-01", "industry": "XL-02", "name": "大模型"})
    assert [t["code"] for t in lead.get("/api/sub-tracks?industry=XX-05").json()] == ["ZB-01"]
    assert lead.get("/api/sub-tracks?industry=XX-99").status_code == 400
    assert admin.patch("/api/sub-tracks/AI-01", json={"active": False}).json()["active"] is False
    assert [t["code"] for t in lead.get("/api/sub-tracks").json()] == ["ZB-01"]
    assert len(lead.get("/api/sub-tracks?all=true").json()) == 2
    assert admin.patch("/api/sub-tracks/NOPE", json={"active": False}).status_code == 404


def test_an_application_names_a_sub_track_of_its_industry_once_the_bureau_lists_them(server, ctx):
    admin = server.client("admin")
    admin.post("/api/sub-tracks", json={"code": "ZB-01", "industry": "XX-05", "name": "工业母机"})
    admin.post("/api/sub-tracks", json={"code": "AI-01", "industry": "XL-02", "name": "大模型"})
    walk = Walk(ctx)
    walk.start()
    assert FORMS["Task_Initiate"]["industry"] == "XX-05"
    with pytest.raises(InvalidInput) as missing:
        walk.do("Task_Initiate")
    assert "ZB-01 工业母机" in missing.value.fields["sub_track"][0]
    with pytest.raises(InvalidInput) as foreign:
        walk.do("Task_Initiate", {"sub_track": "AI-01"})
    assert foreign.value.fields["sub_track"][0].startswith("细分赛道 AI-01 不属于所选产业或已停用")
    walk.do("Task_Initiate", {"sub_track": "ZB-01", "chain_leader": True})
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(Consortium).where(Consortium.instance_id == walk.instance_id)
        record = uow.session.scalars(query).one()
        assert (record.sub_track, record.chain_leader) == ("ZB-01", True)


def test_the_head_and_each_members_commitments_are_part_of_the_application(ctx):
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")  # no sub-track listed for the industry: none asked for
    walk.do("Task_InviteMembers")
    first = MEMBER_LOGINS[MEMBERS[0]["credit_code"]]
    with pytest.raises(InvalidInput) as bare:
        walk.do("Task_ConfirmMembership", {"commitments": {"staff": 0}}, first)
    assert "commitments" in bare.value.fields
    walk.confirm_all_members()
    walk.do("Task_SignAgreement")
    [hire] = walk.tasks_of("lead1", "Task_HireChiefExpert")
    headless = {"chief_expert": FORMS["Task_HireChiefExpert"]["chief_expert"]}
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(ctx, task_id=hire.id, actor=walk.actor("lead1"), data=headless)
    assert "consortium_head" in refused.value.fields
    walk.do("Task_HireChiefExpert")
    variables = browse.instance_variables(ctx, instance_id=walk.instance_id, actor=walk.actor("city1"))
    assert variables["consortium_head"]["name"] == "王统筹"
    members = variables["invited_members"]
    assert [m["commitments"]["funds_wan"] for m in members] == [500] * len(MEMBERS)
    material = read_case_material(ctx, actor=walk.actor("city1"), instance_id=walk.instance_id)
    assert {c.key: c.value for c in material.consortium_head}["name"] == "王统筹"  # in the case file


def test_the_initiate_page_offers_the_sub_track_list_and_refuses_an_unknown_one(server, ctx):
    """Follow-up item 2: 细分赛道 is a choice from the administrator's list on the lead unit's page, not free
    text; a code typed around the select is refused server-side (422 naming the field)."""
    import re

    from .test_panel_opinion_document import csrf, signed_in

    admin = server.client("admin")
    admin.post("/api/sub-tracks", json={"code": "ZB-01", "industry": "XX-05", "name": "工业母机"})
    admin.post("/api/sub-tracks", json={"code": "AI-01", "industry": "XL-02", "name": "大模型"})
    admin.post("/api/sub-tracks", json={"code": "ZB-09", "industry": "XX-05", "name": "已停用赛道"})
    admin.patch("/api/sub-tracks/ZB-09", json={"active": False})
    walk = Walk(ctx)
    walk.start()
    [task] = walk.tasks_of("lead1", "Task_Initiate")
    lead = signed_in(server, "lead1")
    page = lead.get(f"/tasks/{task.id}").text
    select = re.search(r'<select id="f-sub_track" name="sub_track"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, "细分赛道 is drawn as a select"
    offered = re.findall(r'<option value="([^"]*)"', select.group(1))
    assert offered == ["", "AI-01", "ZB-01"]  # by industry, then order and code
    assert "工业母机" in select.group(1) and "ZB-09" not in select.group(1)  # withdrawn: not offered

    form = {**FORMS["Task_Initiate"], **csrf(page), "action": "complete"}
    for code in ("NOPE", "ZB-09", "AI-01"):  # unknown, withdrawn, another industry's
        refused = lead.post(f"/tasks/{task.id}", data={**form, "sub_track": code}, allow_redirects=False)
        assert refused.status_code == 422, code
        assert 'id="f-sub_track-error"' in refused.text and code in refused.text
        form.update(csrf(refused.text))
    done = lead.post(f"/tasks/{task.id}", data={**form, "sub_track": "ZB-01"}, allow_redirects=False)
    assert done.status_code == 303, done.text[:2000]
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(Consortium.sub_track).where(Consortium.instance_id == walk.instance_id)
        assert uow.session.scalars(query).one() == "ZB-01"
