"""Who reviews an application stays hidden from its applicant, members and district until publication.

Issue 11 fault 6: `/engine-rest/history/task`, `/history/activity-instance` and the application page
named the experts. The scenario: one application at the expert review, its panel drawn and declared;
the first expert commented on and completed its desk review, the second claimed its own, the others
have not started. Every history and task endpoint and page is read over HTTP as each party.
"""

from __future__ import annotations

import re

import pytest

from service.engine import comments, tasks
from tests.support.pages import log_in
from tests.support.procedure import PANEL, Walk

from .conftest import Server

NAMES = {  # the demo experts' display names (service/consortium/demo.py)
    "expert1": "王教授", "expert2": "李研究员", "expert3": "张高工",
    "expert4": "赵教授", "expert5": "陈研究员",
}
MUST_NOT_SEE = ("lead1", "member1", "district1")
MAY_SEE = ("city1", "admin", "owner")


@pytest.fixture
def review(server: Server) -> dict:
    walk = Walk(server.ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    walk.draw_and_declare()
    first, second = walk.panel[0], walk.panel[1]
    [done] = walk.tasks_of(first, "Task_DeskReview")
    comments.add_comment(server.ctx, task_id=done.id, actor=walk.actor(first), message="材料齐全")
    walk.do("Task_DeskReview", login=first)
    [held] = walk.tasks_of(second, "Task_DeskReview")
    tasks.claim_task(server.ctx, task_id=held.id, actor=walk.actor(second))
    return {"walk": walk, "I": walk.instance_id, "done": done.id, "held": held.id, "no": walk.business_key}


def probes(s: dict) -> list[str]:
    """Every read that could show who holds, held or may take a task of the instance."""
    i = s["I"]
    paths = [
        f"/engine-rest/history/task?processInstanceId={i}",
        f"/engine-rest/history/task?processInstanceId={i}&sortBy=assignee&sortOrder=asc",
        f"/engine-rest/history/activity-instance?processInstanceId={i}",
        f"/engine-rest/history/process-instance?processInstanceId={i}",
        f"/engine-rest/task?processInstanceId={i}",
        f"/engine-rest/task/{s['held']}",
        f"/engine-rest/task/{s['done']}/comment",
        f"/engine-rest/process-instance/{i}/variables",
        f"/engine-rest/process-instance/{i}/activity-instances",
        f"/api/process-instances/{i}",
        f"/applications/{i}",
        f"/applications/{i}?process=expert_review",
        f"/casefile/{s['no']}",  # the case file lists review opinions with who and when (issue 13)
    ]
    return paths


def counting_probes(expert: str, i: str) -> list[str]:
    """Filters that would confirm an identity by a count, even with every row redacted."""
    return [
        f"/engine-rest/history/task/count?processInstanceId={i}&taskAssignee={expert}",
        f"/engine-rest/history/task?processInstanceId={i}&taskAssignee={expert}",
        f"/engine-rest/history/activity-instance/count?processInstanceId={i}&taskAssignee={expert}",
        f"/engine-rest/task/count?assignee={expert}",
        f"/engine-rest/task/count?candidateUser={expert}",
        f"/engine-rest/task?candidateUser={expert}",
    ]


def size(body) -> int:
    return body["count"] if isinstance(body, dict) else len(body)


def signed_in(server: Server, login: str):
    client = server.client(login)
    response = log_in(client, login)
    assert response.status_code == 303, response.text
    return client


def named(text: str, logins: list[str]) -> set[str]:
    """The experts among `logins` whose login or display name appears in `text`."""
    return {
        login
        for login in logins
        if re.search(rf"\b{login}\b", text) or NAMES.get(login, "\0") in text
    }


def test_no_party_outside_the_bureau_learns_the_panel_before_publication(server, review):
    panel = review["walk"].panel
    assert sorted(panel) == sorted(PANEL)
    leaks = []
    viewers = {login: [login] for login in MUST_NOT_SEE}
    viewers[panel[2]] = [panel[2]]  # a colleague on the same panel sees itself only
    viewers[panel[1]] = [panel[1]]  # the expert holding a task sees itself, not the one who finished
    for login, own in viewers.items():
        client = signed_in(server, login)
        hidden = [e for e in panel if e not in own]
        for path in probes(review):
            response = client.get(path)
            if response.status_code == 200 and named(response.text, hidden):
                leaks.append(f"{login} GET {path} names {sorted(named(response.text, hidden))}")
        claimed = client.post(f"/engine-rest/task/{review['done']}/claim", json={"userId": login})
        if named(claimed.text, hidden):  # "completed by …" in a 409 would name the expert
            leaks.append(f"{login} POST claim of the completed desk review: {claimed.text}")
        for expert in hidden:
            for path in counting_probes(expert, review["I"]):
                response = client.get(path)
                if response.status_code == 200 and size(response.json()) > 0:
                    leaks.append(f"{login} GET {path} counts {size(response.json())}")
    assert not leaks, "\n".join(leaks)


def test_the_expert_sees_itself_and_the_bureau_sees_the_panel(server, review):
    first, second = review["walk"].panel[:2]
    i = review["I"]
    mine = signed_in(server, second).get(f"/engine-rest/history/task?processInstanceId={i}").json()
    assert [t["assignee"] for t in mine] == [second]
    for login in MAY_SEE:
        client = signed_in(server, login)
        history = client.get(f"/engine-rest/history/task?processInstanceId={i}").json()
        assert {first, second} <= {t["assignee"] for t in history}, login
        count = client.get(
            f"/engine-rest/history/task/count?processInstanceId={i}&taskAssignee={first}"
        ).json()
        assert count["count"] == 1, login
        activities = client.get(f"/engine-rest/history/activity-instance?processInstanceId={i}").json()
        assert {first, second} <= {a["assignee"] for a in activities}, login
        page = client.get(f"/applications/{i}")
        assert page.status_code == 200 and {first, second} <= named(page.text, [first, second]), login
    comment = signed_in(server, "city1").get(f"/engine-rest/task/{review['done']}/comment").json()
    assert comment[0]["userId"] == first
    assert signed_in(server, "city1").get(f"/engine-rest/task/count?assignee={second}").json()["count"] == 1


def test_after_publication_the_panel_sees_the_panel_and_the_applicant_still_does_not(server, review):
    """Breakit F15 changed issue 11's rule: applicants, members and districts never learn who reviewed
    them (评审专家对申报单位保密), also after publication; the panel's experts then see each other."""
    walk = review["walk"]
    for login in walk.panel[1:]:
        walk.do("Task_DeskReview", login=login)
    walk.do("Task_SiteVisitReport")
    for login in walk.panel:
        walk.sign_score_sheet(login)
    walk.do("Task_Selection")
    i = review["I"]
    for login in MUST_NOT_SEE:
        client = signed_in(server, login)
        history = client.get(f"/engine-rest/history/task?processInstanceId={i}").json()
        assert not set(walk.panel) & {t["assignee"] for t in history}, login
        page = client.get(f"/applications/{i}")
        assert named(page.text, walk.panel) == set(), login
    city = signed_in(server, "city1")
    history = city.get(f"/engine-rest/history/task?processInstanceId={i}").json()
    assert set(walk.panel) <= {t["assignee"] for t in history}
