"""Identities as data (issue 15 item 2): users, groups and memberships made over /engine-rest with the
real `pycamunda` client (PyPI, unmodified) and the `consortium` CLI; a diagram's candidateGroups
offers work to any group's members; unknown groups deploy with a warning; the roles' scoping holds."""

from __future__ import annotations

import uuid

import pycamunda
import pycamunda.group
import pycamunda.identity
import pycamunda.user
import pytest
from click.testing import CliRunner
from requests.auth import HTTPBasicAuth

from service.cli import cli
from service.consortium.demo import DEMO_PASSWORD
from tests.support.drawn import chain, drawn

from .walk import modeler_upload

ARCHIVE = chain(
    '<bpmn:startEvent id="Start_1" />',
    '<bpmn:userTask id="Task_Archive" name="材料补充说明" camunda:candidateGroups="archive_clerk" />',
    '<bpmn:endEvent id="End_1" />',
)


def call(request, login: str = "admin", password: str = DEMO_PASSWORD):
    request.auth = HTTPBasicAuth(login, password)
    return request()


def new_user(user_id: str, password: str = "long-enough") -> dict:
    return {"profile": {"id": user_id}, "credentials": {"password": password}}


def deploy(server, key: str, body: str, starters: str = "city_clerk") -> dict:
    upload = modeler_upload({f"{key}.bpmn": drawn(key, body, starters=starters)}, name=key)
    response = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_user_in_a_new_group_made_over_rest_sees_and_completes_the_groups_task(server):
    url = server.base + "/engine-rest"
    call(pycamunda.group.Create(url, id_="archive_clerk", name="档案管理员", type_="WORKFLOW"))
    call(pycamunda.user.Create(url, id_="archivist1", first_name="档案", last_name="李",
                               email="archivist1@example.cn", password="archive-pass-1"))
    call(pycamunda.group.MemberCreate(url, id_="archive_clerk", user_id="archivist1"))

    profile = call(pycamunda.user.GetProfile(url, id_="archivist1"))
    assert (profile.id_, profile.first_name, profile.last_name) == ("archivist1", "档案", "李")
    assert [g.id_ for g in call(pycamunda.group.GetList(url, member="archivist1"))] == ["archive_clerk"]
    members = call(pycamunda.user.GetList(url, member_of_group="archive_clerk"))
    assert [u.id_ for u in members] == ["archivist1"]
    mine = call(pycamunda.identity.GetGroups(url, user_id="archivist1"), "archivist1", "archive-pass-1")
    assert [g.id_ for g in mine.groups] == ["archive_clerk"]
    stored = server.client("admin").rest("GET", "/user", params={"id": "archivist1"}).json()
    assert "password" not in str(stored)

    deployed = deploy(server, "archive_step", ARCHIVE)
    assert "warnings" not in deployed or not any("archive_clerk" in w for w in deployed["warnings"])
    started = server.client("admin").rest("POST", "/process-definition/key/archive_step/start", json={})
    assert started.status_code == 200, started.text
    instance = started.json()["id"]

    archivist = server.client("archivist1", password="archive-pass-1")
    [task] = archivist.rest("GET", "/task", params={"processInstanceId": instance}).json()
    assert task["taskDefinitionKey"] == "Task_Archive"
    offered = archivist.rest("GET", "/task", params={"candidateGroup": "archive_clerk"}).json()
    assert [t["id"] for t in offered] == [task["id"]]
    assert server.client("lead1").rest("GET", "/task", params={"processInstanceId": instance}).json() == []
    for read in ("variables", "form"):  # seeing the task is reading its form and variables (Camunda READ)
        assert archivist.rest("GET", f"/task/{task['id']}/{read}").status_code == 200, read
    assert archivist.rest("GET", f"/process-instance/{instance}").status_code == 404  # not the instance
    claimed = archivist.rest("POST", f"/task/{task['id']}/claim", json={"userId": "archivist1"})
    assert claimed.status_code == 204, claimed.text
    done = archivist.rest("POST", f"/task/{task['id']}/complete", json={"variables": {}})
    assert done.status_code in (200, 204), done.text
    [history] = server.client("admin").rest("GET", "/history/process-instance",
                                            params={"processInstanceId": instance}).json()
    assert history["state"] == "COMPLETED"


def test_only_administrators_write_identities_and_others_read_only_themselves(server):
    url = server.base + "/engine-rest"
    owner, lead = server.client("owner"), server.client("lead1")
    assert owner.rest("POST", "/group/create", json={"id": "accounting", "name": "财务"}).status_code == 403
    assert lead.rest("POST", "/user/create", json=new_user("x1")).status_code == 403
    assert lead.rest("PUT", "/group/admin/members/lead1").status_code == 403
    assert lead.rest("DELETE", "/user/city1").status_code == 403
    with pytest.raises(pycamunda.Forbidden):
        call(pycamunda.group.MemberCreate(url, id_="admin", user_id="lead1"), "lead1")

    # reading: owners see everyone (they name groups in diagrams); others only themselves
    assert {u["id"] for u in owner.rest("GET", "/user").json()} >= {"lead1", "city1", "admin"}
    assert [u["id"] for u in lead.rest("GET", "/user").json()] == ["lead1"]
    assert lead.rest("GET", "/user/city1/profile").status_code == 404
    assert [g["id"] for g in lead.rest("GET", "/group").json()] == ["applicant"]
    assert lead.rest("GET", "/group/admin").status_code == 404
    assert lead.rest("GET", "/identity/groups", params={"userId": "city1"}).status_code == 404
    assert owner.rest("GET", "/group/count").json()["count"] >= 7
    roles = {g["id"] for g in owner.rest("GET", "/group", params={"type": "SYSTEM"}).json()}
    assert roles == {"applicant", "member", "district_clerk", "city_clerk", "expert", "process_owner",
                     "admin", "evaluation_agency"}  # the eighth: third-party evaluation agencies (七（二）)

    admin = server.client("admin")
    bad = admin.rest("POST", "/user/create", json=new_user("bad id!", "x"))
    assert bad.status_code == 400 and "name" in bad.text and "password" in bad.text
    assert admin.rest("POST", "/group/create", json={"id": "city_clerk"}).status_code == 409
    assert admin.rest("PUT", "/group/nope/members/lead1").status_code == 404
    assert admin.rest("PUT", "/group/applicant/members/nobody").status_code == 404
    clerkless = admin.rest("PUT", "/group/district_clerk/members/city1")
    assert clerkless.status_code == 400 and "district" in clerkless.text
    orgless = admin.rest("PUT", "/group/applicant/members/city1")
    assert orgless.status_code == 400 and "organisation" in orgless.text
    assert admin.rest("POST", "/user/create", json=new_user("temp1")).status_code == 204
    assert admin.rest("DELETE", "/user/temp1").status_code == 204
    assert admin.rest("GET", "/user/temp1/profile").status_code == 404


def test_a_membership_removed_takes_the_groups_work_away(server):
    admin = server.client("admin")
    assert admin.rest("POST", "/group/create", json={"id": "archive_clerk"}).status_code == 204
    made = admin.rest("POST", "/user/create", json=new_user("archivist2", "archive-pass-2"))
    assert made.status_code == 204, made.text
    assert admin.rest("PUT", "/group/archive_clerk/members/archivist2").status_code == 204
    deploy(server, "archive_step", ARCHIVE)
    instance = admin.rest("POST", "/process-definition/key/archive_step/start", json={}).json()["id"]
    archivist = server.client("archivist2", password="archive-pass-2")
    assert len(archivist.rest("GET", "/task", params={"processInstanceId": instance}).json()) == 1
    assert admin.rest("DELETE", "/group/archive_clerk/members/archivist2").status_code == 204
    assert archivist.rest("GET", "/task", params={"processInstanceId": instance}).json() == []


def test_a_diagram_naming_an_unknown_group_deploys_with_a_warning_naming_element_and_group(server):
    body = chain(
        '<bpmn:startEvent id="Start_1" />',
        '<bpmn:userTask id="Task_Books" name="记账" camunda:candidateGroups="accounting, city_clerk" />',
        '<bpmn:userTask id="Task_Dyn" name="动态" camunda:candidateGroups="${reviewers}" />',
        '<bpmn:endEvent id="End_1" />',
    )
    deployed = deploy(server, "books", body)
    assert deployed["deployedProcessDefinitions"], deployed
    [warning] = [w for w in deployed.get("warnings", []) if "accounting" in w]
    assert "Task_Books" in warning and "books.bpmn" in warning
    assert not any("city_clerk" in w or "reviewers" in w for w in deployed["warnings"])

    assert server.client("admin").rest("POST", "/group/create", json={"id": "accounting"}).status_code == 204
    again = deploy(server, "books", body.replace("记账", "记账（二）"))
    assert not any("accounting" in w for w in again.get("warnings", []))


def test_cli_user_add_with_a_new_group_and_group_add_list(server, monkeypatch):
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", server.ctx.config.database_url)
    runner = CliRunner()
    made = runner.invoke(cli, ["user", "add", "bookkeeper", "--password", "s3cret-pass",
                               "--group", "accounting"])
    assert made.exit_code == 0, made.output
    assert "group accounting created" in made.output
    added = runner.invoke(cli, ["group", "add", "archive_clerk", "--name", "档案管理员"])
    assert added.exit_code == 0, added.output
    again = runner.invoke(cli, ["group", "add", "archive_clerk"])
    assert again.exit_code == 2 and "exists" in again.output
    listed = runner.invoke(cli, ["group", "list"])
    assert "accounting\taccounting\tWORKFLOW\t-\tbookkeeper" in listed.output
    assert "archive_clerk\t档案管理员" in listed.output
    assert "district_clerk\t" in listed.output and "\tdistrict\t" in listed.output
    bad = runner.invoke(cli, ["user", "add", "y", "--password", "s3cret-pass", "--group", "no spaces"])
    assert bad.exit_code == 2 and "group" in bad.output

    bookkeeper = server.client("bookkeeper", password="s3cret-pass")
    assert bookkeeper.rest("GET", "/identity/groups", params={"userId": "bookkeeper"}).json()["groups"] == [
        {"id": "accounting", "name": "accounting"}]


def test_role_scoping_still_holds_for_district_clerks_made_over_rest(server, monkeypatch):
    """A district clerk sees only their district's task, also one made by the CLI and a membership."""
    from tests.support.procedure import Walk

    walk = Walk(server.ctx)
    walk.start()
    walk.prepare_and_submit()  # waits on the 崂山区 district review
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", server.ctx.config.database_url)
    for login, district in (("laoshan9", "崂山区"), ("chengyang9", "城阳区")):
        made = CliRunner().invoke(cli, ["user", "add", login, "--password", "s3cret-pass",
                                        "--group", "expert", "--district", district])
        assert made.exit_code == 0, made.output
    admin = server.client("admin")
    for login in ("laoshan9", "chengyang9"):
        assert admin.rest("PUT", f"/group/district_clerk/members/{login}").status_code == 204
    laoshan = server.client("laoshan9", password="s3cret-pass").rest("GET", "/task").json()
    chengyang = server.client("chengyang9", password="s3cret-pass").rest("GET", "/task").json()
    assert [t for t in laoshan if t["taskDefinitionKey"].startswith("Task_District")], laoshan
    assert not [t for t in chengyang if t["taskDefinitionKey"].startswith("Task_District")]


def test_the_admin_page_lists_users_and_groups_and_adds_a_member(server):
    from tests.support.pages import form_token, sign_in

    browser = server.client(None)
    assert sign_in(browser, "admin").status_code == 303
    page = browser.get("/admin/identities")
    assert page.status_code == 200 and "用户和组" in page.text
    assert 'data-group="district_clerk"' in page.text and 'data-user="lead1"' in page.text
    token = form_token(browser, "/admin/identities")

    def post(path: str, **fields: str):
        data = {"csrf_token": token, "idem": uuid.uuid4().hex, **fields}
        return browser.post(path, data=data, allow_redirects=False)

    made = post("/admin/identities/groups", group_id="archive_clerk", name="档案管理员")
    assert made.status_code == 303, made.text[:500]
    bad = post("/admin/identities/groups", group_id="no spaces")
    assert bad.status_code == 422 and "组名不合法" in bad.text
    added = post("/admin/identities/members", group_id="archive_clerk", user_id="city2")
    assert added.status_code == 303, added.text[:500]
    assert server.client("admin").rest("GET", "/user", params={"memberOfGroup": "archive_clerk"}).json()[0][
        "id"] == "city2"
    lead = server.client(None)
    assert sign_in(lead, "lead1").status_code == 303
    assert lead.get("/admin/identities").status_code == 404
