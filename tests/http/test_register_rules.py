"""The register over HTTP (issue 14, items 3–5): /api/districts and /api/organisations, the organisation
page, the CLI, and the refusals with their messages (火星区, an enterprise typed as a university, a
Beijing lead, a university lead)."""

from __future__ import annotations

import re

from click.testing import CliRunner

from service.cli import cli
from tests.rules.codes import BEIJING_COMPANY, QINGDAO_COMPANY, QINGDAO_UNIVERSITY, RD_INSTITUTE_COMPANY
from tests.support.pages import sign_in

HIDDEN = re.compile(r'name="(csrf_token|idem)" value="([^"]+)"')


def _form_fields(page: str, action: str) -> dict[str, str]:
    """The hidden fields (CSRF and idempotency tokens) of the form posting to `action`."""
    start = page.index(f'action="{action}"')
    end = page.index("</form>", start)
    return dict(HIDDEN.findall(page[start:end]))


def test_districts_over_the_api_read_by_all_edited_by_the_administrator(server):
    listed = server.client("lead1").get("/api/districts")
    assert listed.status_code == 200
    assert [d["name"] for d in listed.json()][:3] == ["市南区", "市北区", "西海岸新区"]
    city = server.client("city1")
    refused = city.post("/api/districts", json={"code": "QD-LG", "name": "青岛蓝谷", "kind": "function_zone"})
    assert refused.status_code == 403
    assert refused.json()["message"].startswith("只有系统管理员可以维护区（市、功能区）列表")
    admin = server.client("admin")
    bad = admin.post("/api/districts", json={"code": "QD-LG", "name": "青岛蓝谷", "kind": "planet"})
    assert bad.status_code == 422 and "kind" in bad.json()["fields"]
    added = admin.post(
        "/api/districts",
        json={"code": "QD-LG", "name": "青岛蓝谷", "kind": "function_zone", "aliases": ["蓝谷"]},
    )
    assert added.status_code == 201 and added.json()["aliases"] == ["蓝谷"]
    changed = admin.patch("/api/districts/QD-LG", json={"active": False})
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert admin.patch("/api/districts/NOPE", json={"active": False}).status_code == 404
    names = [d["name"] for d in admin.get("/api/districts?all=true").json()]
    assert "青岛蓝谷" in names and "青岛蓝谷" not in [d["name"] for d in admin.get("/api/districts").json()]


def test_organisations_over_the_api_refuse_mars_and_an_enterprise_typed_as_a_university(server):
    city = server.client("city1")
    mars = city.post(
        "/api/organisations",
        json={
            "creditCode": QINGDAO_COMPANY,
            "name": "青岛火星科技有限公司",
            "category": "enterprise",
            "district": "火星区",
        },
    )
    assert mars.status_code == 422
    assert mars.json()["fields"]["district"][0].startswith(
        "“火星区”不是青岛市的区（市、功能区），请从列表中选择：市南区、"
    )
    fake = city.post(
        "/api/organisations",
        json={
            "creditCode": QINGDAO_COMPANY,
            "name": "青岛假大学",
            "category": "university",
            "district": "崂山区",
        },
    )
    assert fake.status_code == 422
    assert fake.json()["fields"]["category"][0].startswith(
        "单位类别“高等院校”与统一社会信用代码不符：第1–2位（91）表明其为企业"
    )
    applicant = server.client("lead1").post(
        "/api/organisations",
        json={
            "creditCode": QINGDAO_COMPANY,
            "name": "青岛某公司",
            "category": "enterprise",
            "district": "崂山区",
        },
    )
    assert applicant.status_code == 403
    institute = {
        "creditCode": RD_INSTITUTE_COMPANY,
        "name": "青岛新型研发研究院有限公司",
        "category": "institute",
        "district": "李沧区",
    }
    unconfirmed = city.post("/api/organisations", json=institute)
    assert unconfirmed.status_code == 422
    assert "以企业登记的研发机构须经科技主管部门确认" in unconfirmed.json()["fields"]["category"][0]
    confirmed = city.post("/api/organisations", json={**institute, "confirmationReason": "市级新型研发机构"})
    assert confirmed.status_code == 201 and confirmed.json()["categoryConfirmedBy"] == "city1"
    again = city.post("/api/organisations", json={**institute, "confirmationReason": "市级新型研发机构"})
    assert again.status_code == 409
    listed = city.get(f"/api/organisations/{RD_INSTITUTE_COMPANY}").json()
    assert listed["category"] == "institute" and listed["verification"] == "verified"


def test_a_beijing_lead_and_a_university_lead_are_refused_until_a_city_clerk_overrides(server):
    city = server.client("city1")
    for code, name, category, district in (
        (BEIJING_COMPANY, "北京海淀智能科技有限公司", "enterprise", None),
        (QINGDAO_UNIVERSITY, "青岛理工研究大学", "university", "崂山区"),
    ):
        made = city.post(
            "/api/organisations",
            json={"creditCode": code, "name": name, "category": category, "district": district},
        )
        assert made.status_code == 201, made.text
    runner = CliRunner()
    env = {"CONSORTIUM_DATABASE_URL": server.ctx.config.database_url}
    for login, code in (("beijing1", BEIJING_COMPANY), ("uni1", QINGDAO_UNIVERSITY)):
        made = runner.invoke(
            cli,
            ["user", "add", login, "--password", "s3cret-pass", "--group", "applicant", "--org", code],
            env=env,
        )
        assert made.exit_code == 0, made.output

    beijing = server.client(None)
    assert sign_in(beijing, "beijing1", "s3cret-pass").status_code == 303
    inbox = beijing.get("/").text
    started = beijing.post("/applications", data=_form_fields(inbox, "/applications"))
    assert started.status_code == 422
    assert (
        "不能发起组建申请：牵头单位须为我市独立注册的企业（指引 四（一）1）："
        "登记管理机关行政区划码显示其在北京市（110108）登记" in started.text
    )

    uni = server.client("uni1", password="s3cret-pass")
    refused = uni.rest("POST", "/process-definition/key/consortium_recommendation/start", json={})
    assert refused.status_code in (400, 422)
    assert "统一社会信用代码第1–2位（12）表明其为事业单位，不是企业" in refused.text

    by_district = server.client("district1").post(
        f"/api/organisations/{QINGDAO_UNIVERSITY}/lead-check-override", json={"reason": "同意"}
    )
    assert by_district.status_code == 403
    no_reason = city.post(
        f"/api/organisations/{QINGDAO_UNIVERSITY}/lead-check-override", json={"reason": "好"}
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json()["fields"]
    overridden = city.post(
        f"/api/organisations/{QINGDAO_UNIVERSITY}/lead-check-override",
        json={"reason": "市政府专题会议同意试点"},
    )
    assert overridden.status_code == 200 and overridden.json()["leadCheckOverriddenBy"] == "city1"
    allowed = uni.rest("POST", "/process-definition/key/consortium_recommendation/start", json={})
    assert allowed.status_code == 200, allowed.text


def test_the_organisation_page_registers_and_shows_the_refusal_beside_the_form(server):
    browser = server.client(None)
    assert sign_in(browser, "district1").status_code == 303
    page = browser.get("/organisations")
    assert page.status_code == 200 and "登记单位" in page.text and "西海岸新区" in page.text
    fields = {
        "credit_code": QINGDAO_COMPANY,
        "name": "青岛火星科技有限公司",
        "category": "enterprise",
        "district": "火星区",
    }
    refused = browser.post("/organisations", data={**_form_fields(page.text, "/organisations"), **fields})
    assert refused.status_code == 422 and "“火星区”不是青岛市的区（市、功能区）" in refused.text
    fields["district"] = "崂山区"
    done = browser.post("/organisations", data={**_form_fields(refused.text, "/organisations"), **fields})
    assert done.status_code == 200 and f'id="org-{QINGDAO_COMPANY}"' in done.text  # followed the 303

    member = server.client(None)
    assert sign_in(member, "member1").status_code == 303
    read_only = member.get("/organisations")
    assert read_only.status_code == 200 and "登记单位</h2>" not in read_only.text
    assert QINGDAO_COMPANY in read_only.text


def test_the_cli_edits_districts_and_registers_organisations(server):
    runner = CliRunner()
    env = {"CONSORTIUM_DATABASE_URL": server.ctx.config.database_url}
    added = runner.invoke(
        cli, ["district", "add", "QD-LG", "青岛蓝谷", "--kind", "function_zone", "--alias", "蓝谷"], env=env
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["district", "list"], env=env)
    assert "QD-LG\t青岛蓝谷\tfunction_zone\t蓝谷\tactive" in listed.output
    mars = runner.invoke(
        cli,
        [
            "org",
            "register",
            QINGDAO_COMPANY,
            "青岛火星科技有限公司",
            "--category",
            "enterprise",
            "--district",
            "火星区",
        ],
        env=env,
    )
    assert mars.exit_code == 2 and "火星区" in mars.output
    made = runner.invoke(
        cli,
        [
            "org",
            "register",
            QINGDAO_COMPANY,
            "青岛蓝谷科技有限公司",
            "--category",
            "enterprise",
            "--district",
            "蓝谷",
        ],
        env=env,
    )
    assert made.exit_code == 0, made.output
    orgs = runner.invoke(cli, ["org", "list"], env=env)
    assert f"{QINGDAO_COMPANY}\t青岛蓝谷科技有限公司\tenterprise\t青岛蓝谷\tverified" in orgs.output
    override = runner.invoke(
        cli,
        ["org", "override-lead", QINGDAO_COMPANY, "--reason", "理由充分的说明", "--as", "district1"],
        env=env,
    )
    assert override.exit_code == 2 and "市科技局" in override.output


def test_a_none_clause_over_engine_rest_is_refused_naming_the_clause(server):
    from tests.http.walk import HttpWalk, typed_map
    from tests.support.procedure import FORMS

    walk = HttpWalk(server)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    from tests.support.procedure import MEMBER_LOGINS, MEMBERS

    for member in MEMBERS:
        walk.do("Task_ConfirmMembership", login=MEMBER_LOGINS[member["credit_code"]])
    client = walk.as_("lead1")
    task_id = walk.tasks_of("lead1", "Task_SignAgreement")[0]["id"]
    agreement = {**FORMS["Task_SignAgreement"]["agreement"], "benefit_distribution": "无"}
    done = client.rest(
        "POST", f"/task/{task_id}/complete", json={"variables": typed_map({"agreement": agreement})}
    )
    assert done.status_code == 400
    assert "“收益分配办法”不能只填写“无”，请写明具体内容" in done.text
