"""The register behind guideline 四 (issue 14, items 3–5), through the use cases on SQLite and PostgreSQL:
districts from a list, organisations whose category fits their credit code, the lead-unit rule, and
member thresholds counted from the register."""

from __future__ import annotations

import json

import pytest

from service.consortium import districts, organisations
from service.engine import identities, instances
from service.engine.store import audit as audit_store
from service.errors import Conflict, Forbidden, InvalidInput
from tests.rules.codes import (
    BEIJING_COMPANY,
    QINGDAO_COMPANY,
    QINGDAO_COMPANY_2,
    QINGDAO_UNIVERSITY,
    RD_INSTITUTE_COMPANY,
    SOCIAL_INSTITUTE,
)
from tests.support.procedure import FORMS, MEMBERS, Walk


def _actor(ctx, login):
    return identities.actor_for(ctx, login)


# --- item 5: districts -----------------------------------------------------------------------------------


def test_the_list_holds_qingdaos_districts_cities_and_zones(ctx):
    names = [d["name"] for d in districts.list_districts(ctx)]
    assert names == [
        "市南区",
        "市北区",
        "西海岸新区",
        "崂山区",
        "李沧区",
        "城阳区",
        "即墨区",
        "胶州市",
        "平度市",
        "莱西市",
        "高新区",
    ]
    west = next(d for d in districts.list_districts(ctx) if d["name"] == "西海岸新区")
    assert "黄岛区" in west["aliases"]


def test_a_clerk_in_an_unknown_district_is_refused_and_an_alias_is_stored_as_listed(ctx):
    admin = _actor(ctx, "admin")
    with pytest.raises(InvalidInput) as refused:
        identities.add_user(
            ctx,
            user_id="mars1",
            password="s3cret-pass",
            groups=["district_clerk"],
            district="火星区",
            actor=admin,
        )
    assert "“火星区”不是青岛市的区（市、功能区）" in refused.value.fields["district"][0]
    identities.add_user(
        ctx,
        user_id="huangdao1",
        password="s3cret-pass",
        groups=["district_clerk"],
        district="黄岛区",
        actor=admin,
    )
    assert _actor(ctx, "huangdao1").district == "西海岸新区"


def test_an_organisation_in_an_unknown_district_is_refused(ctx):
    with pytest.raises(InvalidInput) as refused:
        organisations.register_organisation(
            ctx,
            actor=_actor(ctx, "city1"),
            credit_code=QINGDAO_COMPANY,
            name="青岛火星科技有限公司",
            category="enterprise",
            district="火星区",
        )
    assert "“火星区”不是青岛市的区（市、功能区）" in refused.value.fields["district"][0]


def test_only_an_administrator_edits_the_list(ctx):
    with pytest.raises(Forbidden):
        districts.add_district(
            ctx, actor=_actor(ctx, "city1"), code="QD-LG", name="青岛蓝谷", kind="function_zone"
        )
    added = districts.add_district(
        ctx,
        actor=_actor(ctx, "admin"),
        code="QD-LG",
        name="青岛蓝谷",
        kind="function_zone",
        aliases=["蓝谷"],
        sort_order=120,
    )
    assert added["kindName"] == "功能区 / Function zone"
    with pytest.raises(Conflict):
        districts.add_district(ctx, actor=_actor(ctx, "admin"), code="QD-X", name="蓝谷", kind="district")
    districts.update_district(ctx, actor=_actor(ctx, "admin"), code="QD-LG", active=False)
    assert "青岛蓝谷" not in [d["name"] for d in districts.list_districts(ctx)]
    with pytest.raises(InvalidInput):  # a deactivated district is no longer offered to new clerks
        identities.add_user(
            ctx,
            user_id="lg1",
            password="s3cret-pass",
            groups=["district_clerk"],
            district="青岛蓝谷",
            actor=_actor(ctx, "admin"),
        )


# --- item 4: the register checks the category against the code ---------------------------------------


def test_an_enterprise_cannot_be_registered_as_a_university(ctx):
    with pytest.raises(InvalidInput) as refused:
        organisations.register_organisation(
            ctx,
            actor=_actor(ctx, "city1"),
            credit_code=QINGDAO_COMPANY,
            name="青岛假大学有限公司",
            category="university",
            district="崂山区",
        )
    assert refused.value.fields["category"] == [
        "单位类别“高等院校”与统一社会信用代码不符：第1–2位（91）表明其为企业 / "
        'The category "a university" does not fit the credit code: '
        "positions 1–2 (91) say it is an enterprise."
    ]


def test_institutions_and_social_organisations_register_as_institutes(ctx):
    city = _actor(ctx, "city1")
    uni = organisations.register_organisation(
        ctx,
        actor=city,
        credit_code=QINGDAO_UNIVERSITY,
        name="青岛理工研究大学",
        category="university",
        district="黄岛区",
    )
    assert uni["verification"] == "verified" and uni["district"] == "西海岸新区"
    inst = organisations.register_organisation(
        ctx,
        actor=city,
        credit_code=SOCIAL_INSTITUTE,
        name="青岛民营智造研究院",
        category="institute",
        district="市南区",
    )
    assert inst["category"] == "institute"


def test_an_enterprise_coded_institute_needs_a_clerks_confirmation(ctx):
    city = _actor(ctx, "city1")
    with pytest.raises(InvalidInput) as refused:
        organisations.register_organisation(
            ctx,
            actor=city,
            credit_code=RD_INSTITUTE_COMPANY,
            name="青岛新型研发研究院有限公司",
            category="institute",
            district="李沧区",
        )
    assert "以企业登记的研发机构须经科技主管部门确认" in refused.value.fields["category"][0]
    done = organisations.register_organisation(
        ctx,
        actor=city,
        credit_code=RD_INSTITUTE_COMPANY,
        name="青岛新型研发研究院有限公司",
        category="institute",
        district="李沧区",
        confirmation_reason="经核查为市级新型研发机构（备案号 2024-017）",
    )
    assert done["categoryConfirmedBy"] == "city1"


def test_only_staff_register_and_a_code_is_registered_once(ctx):
    with pytest.raises(Forbidden):
        organisations.register_organisation(
            ctx,
            actor=_actor(ctx, "lead1"),
            credit_code=QINGDAO_COMPANY,
            name="青岛某公司",
            category="enterprise",
            district="崂山区",
        )
    city = _actor(ctx, "city1")
    organisations.register_organisation(
        ctx,
        actor=city,
        credit_code=QINGDAO_COMPANY,
        name="青岛某公司",
        category="enterprise",
        district="崂山区",
    )
    with pytest.raises(Conflict):
        organisations.register_organisation(
            ctx,
            actor=city,
            credit_code=QINGDAO_COMPANY,
            name="青岛某公司",
            category="enterprise",
            district="崂山区",
        )


# --- item 3: the lead unit is 我市独立注册的企业 -----------------------------------------------------


def _lead_user(ctx, login, code):
    identities.add_user(
        ctx,
        user_id=login,
        password="s3cret-pass",
        groups=["applicant"],
        org_credit_code=code,
        actor=_actor(ctx, "admin"),
    )
    return _actor(ctx, login)


def test_a_beijing_company_cannot_lead(ctx):
    organisations.register_organisation(
        ctx,
        actor=_actor(ctx, "city1"),
        credit_code=BEIJING_COMPANY,
        name="北京海淀智能科技有限公司",
        category="enterprise",
    )
    lead = _lead_user(ctx, "beijing1", BEIJING_COMPANY)
    with pytest.raises(InvalidInput) as refused:
        instances.start_instance(ctx, key="consortium_recommendation", actor=lead)
    assert refused.value.fields["lead_credit_code"] == [
        "牵头单位须为我市独立注册的企业（指引 四（一）1）："
        "登记管理机关行政区划码显示其在北京市（110108）登记，"
        "不在青岛市（3702） / The lead unit must be an enterprise independently registered in Qingdao "
        "(guideline 4.1.1): its registration authority's division code 110108 is outside Qingdao (3702)."
    ]


def test_a_university_cannot_lead_until_a_city_clerk_overrides_with_a_reason(ctx):
    organisations.register_organisation(
        ctx,
        actor=_actor(ctx, "city1"),
        credit_code=QINGDAO_UNIVERSITY,
        name="青岛理工研究大学",
        category="university",
        district="崂山区",
    )
    lead = _lead_user(ctx, "uni1", QINGDAO_UNIVERSITY)
    with pytest.raises(InvalidInput) as refused:
        instances.start_instance(ctx, key="consortium_recommendation", actor=lead)
    assert (
        "统一社会信用代码第1–2位（12）表明其为事业单位，不是企业"
        in refused.value.fields["lead_credit_code"][0]
    )
    with pytest.raises(Forbidden):
        organisations.override_lead_check(
            ctx, actor=_actor(ctx, "district1"), credit_code=QINGDAO_UNIVERSITY, reason="经研究同意"
        )
    with pytest.raises(InvalidInput):
        organisations.override_lead_check(
            ctx, actor=_actor(ctx, "city1"), credit_code=QINGDAO_UNIVERSITY, reason=" "
        )
    organisations.override_lead_check(
        ctx,
        actor=_actor(ctx, "city1"),
        credit_code=QINGDAO_UNIVERSITY,
        reason="市政府专题会议纪要〔2026〕3号同意试点",
    )
    started = instances.start_instance(ctx, key="consortium_recommendation", actor=lead)
    assert started.business_key
    with ctx.unit_of_work(write=False) as uow:  # the override is in the audit trail, with its reason
        events = [
            e
            for e in audit_store.list_events(uow.session)
            if e.action == "organisation.lead_check_overridden"
        ]
    assert len(events) == 1 and events[0].actor == "city1"
    assert json.loads(events[0].detail_json)["reason"] == "市政府专题会议纪要〔2026〕3号同意试点"


def test_the_demo_lead_still_starts(ctx):
    walk = Walk(ctx)
    assert walk.start()


# --- item 4: members come from the register; thresholds count its categories -----------------------------


def test_an_enterprise_typed_as_a_university_is_refused_naming_the_register(ctx):
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    members = [dict(m) for m in MEMBERS]
    members[0]["category"] = "university"  # 青岛链上精密部件有限公司 is an enterprise
    with pytest.raises(InvalidInput) as refused:
        walk.do("Task_InviteMembers", {"invited_members": members, "threshold_justification": "说明"})
    message = refused.value.fields["invited_members"][0]["category"][0]
    assert message.startswith("单位名录中青岛链上精密部件有限公司登记为“企业”，与填写的“高等院校”不符")


def test_unknown_members_are_registered_pending_and_do_not_count(ctx):
    organisations.register_organisation(
        ctx,
        actor=_actor(ctx, "city1"),
        credit_code=QINGDAO_COMPANY,
        name="青岛某公司",
        category="enterprise",
        district="崂山区",
    )
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    members = [m for m in MEMBERS if m["category"] == "enterprise"] + [
        {
            "credit_code": SOCIAL_INSTITUTE,
            "name": "青岛民营智造研究院",
            "category": "institute",
            "role": "core",
        },
        {"credit_code": QINGDAO_COMPANY_2, "name": "青岛冒名大学", "category": "university", "role": "core"},
    ]
    with pytest.raises(InvalidInput) as refused:  # the enterprise typed as a university is refused outright
        walk.do("Task_InviteMembers", {"invited_members": members, "threshold_justification": "说明"})
    assert "第1–2位（91）表明其为企业" in refused.value.fields["invited_members"][4]["category"][0]
    members = members[:4] + [
        {
            "credit_code": QINGDAO_UNIVERSITY,
            "name": "青岛理工研究大学",
            "category": "university",
            "role": "core",
        }
    ]
    with pytest.raises(InvalidInput) as short:  # declared 3 + 2, but two are pending verification
        walk.do("Task_InviteMembers", {"invited_members": members})
    assert short.value.fields["threshold_justification"][0].startswith(
        "按单位名录核定，成员单位中企业3家、高校院所0家（待核实单位不计入：青岛民营智造研究院、青岛理工研究大学）"
    )
    with ctx.unit_of_work(write=False) as uow:  # the refused completion registered nothing
        from service.consortium.store import consortia

        assert consortia.find_organisation(uow.session, SOCIAL_INSTITUTE) is None
    walk.do("Task_InviteMembers", {"invited_members": members, "threshold_justification": "高校院所待核实"})
    pending = organisations.list_organisations(ctx, actor=_actor(ctx, "city1"), verification="pending")
    assert {o["creditCode"] for o in pending} == {SOCIAL_INSTITUTE, QINGDAO_UNIVERSITY}
    verified = organisations.confirm_organisation(
        ctx, actor=_actor(ctx, "district1"), credit_code=QINGDAO_UNIVERSITY, district="崂山区"
    )
    assert verified["verification"] == "verified"


def test_the_standard_members_still_pass(ctx):
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers", FORMS["Task_InviteMembers"])


def test_a_member_added_by_supplementary_agreement_comes_from_the_register_too(ctx, clock):
    from service.consortium.supervision import member_changes
    from tests.supervision.support import Steps, filed_consortium

    _, consortium_id = filed_consortium(ctx, clock)
    started = member_changes.start_member_change(ctx, actor=_actor(ctx, "lead1"), consortium_id=consortium_id)
    steps = Steps(ctx, started.id)
    proposal = {
        "reason": "承担市级关键技术攻关项目，需要工业软件单位加入",
        "effective_on": "2026-04-01",
        "agreement_summary": "新增青岛即墨工业软件有限公司为核心层成员",
    }
    jimo = {"credit_code": "91370282MA3C1005X3", "name": "青岛即墨工业软件有限公司", "role": "core"}
    with pytest.raises(InvalidInput) as refused:
        steps.do(
            "lead1", "Task_ProposeChange", {**proposal, "additions": [{**jimo, "category": "institute"}]}
        )
    assert refused.value.fields["additions"][0]["category"][0].startswith(
        "单位名录中青岛即墨工业软件有限公司登记为“企业”，与填写的“科研院所”不符"
    )
    steps.do("lead1", "Task_ProposeChange", {**proposal, "additions": [{**jimo, "category": "enterprise"}]})
