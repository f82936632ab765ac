"""A whole round of three applications over HTTP on a real server: draw, declare, site visits, one defense
session, scores, ranking, selection, publicity."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta

import pytest
import requests
from icalendar import Calendar
from werkzeug.serving import make_server

from service import create_app
from service.clock import SHANGHAI
from tests.support.procedure import FORMS

from .support import walk_to_panel

PASSWORD = "demo1234"
SCORES = {  # each expert's totals: 85, 70, 41
    "A": FORMS["Task_DefenseScoring"],
    "B": {
        k: {"score": round(v["score"] * 0.82), "comment": "较好"}
        for k, v in FORMS["Task_DefenseScoring"].items()
    },
    "C": {
        k: {"score": v["score"] // 2, "comment": "基础薄弱"} for k, v in FORMS["Task_DefenseScoring"].items()
    },
}


@pytest.fixture
def server(ctx):
    httpd = make_server("127.0.0.1", 0, create_app(ctx=ctx), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


class Client:
    def __init__(self, base: str) -> None:
        self.base, self.http = base, requests.Session()

    def call(self, login: str, method: str, path: str, body=None, expect: int = 200):
        response = self.http.request(method, self.base + path, json=body, auth=(login, PASSWORD), timeout=60)
        assert response.status_code == expect, (method, path, response.status_code, response.text)
        return response.json() if "json" in response.headers.get("Content-Type", "") else response.text


def local(day: int, hour: int, minute: int = 0) -> str:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI).isoformat()


def test_a_round_of_three_runs_end_to_end_over_http(ctx, clock, server):
    api = Client(server)
    now = clock.now().astimezone(SHANGHAI)
    round_ = api.call(
        "city1",
        "POST",
        "/api/rounds",
        {
            "name": "2026年第一批创新联合体",
            "opensAt": (now - timedelta(hours=1)).isoformat(),
            "closesAt": (now + timedelta(days=14)).isoformat(),
            "panelSize": 5,
            "panelReserves": 0,
        },
        expect=201,
    )
    rid = round_["id"]
    assert round_["passingScore"] == 60 and [d["max"] for d in round_["rubric"]] == [25, 25, 20, 15, 15]
    walks = {label: walk_to_panel(ctx, rid) for label in SCORES}  # submitted inside the window
    apps = {label: w.business_key for label, w in walks.items()}

    # draw: seed and candidates recorded, the draw re-checks; the applicant cannot see the panel
    panels = {}
    for label, number in apps.items():
        drawn = api.call("city1", "POST", f"/api/rounds/{rid}/panels", {"applicationNo": number}, expect=201)
        check = api.call("city1", "GET", f"/api/panels/{drawn['panelId']}/verification")
        assert check["matches"] and len(drawn["drawn"]) == 5
        panels[label] = drawn
        api.call("lead1", "GET", f"/api/panels/{drawn['panelId']}", expect=404)

    # declare: before signing an expert sees the parties only, never the material
    for label, drawn in panels.items():
        pid, number = drawn["panelId"], apps[label]
        for login in drawn["drawn"]:
            seat = api.call(login, "GET", f"/api/panels/{pid}")
            assert seat["parties"]["creditCodes"] and "plan" not in seat
            api.call(login, "GET", f"/api/applications/{number}/review-file", expect=404)
            api.call(
                login,
                "POST",
                f"/api/panels/{pid}/declaration",
                {"noConflict": True, "statement": "本人与申报单位无利益冲突", "signature": login},
            )
        assert api.call("city1", "GET", f"/api/panels/{pid}")["confirmed"] is True
        material = api.call(drawn["drawn"][0], "GET", f"/api/applications/{number}/review-file")
        assert material["plan"]["goals"]

    # desk reviews through the Camunda-shaped task API
    for label, walk in walks.items():
        for login in panels[label]["drawn"]:
            [task] = api.call(
                login,
                "GET",
                f"/engine-rest/task?processInstanceId={walk.instance_id}&taskDefinitionKey=Task_DeskReview",
            )
            variables = {
                "opinion": {"value": "技术路线清晰", "type": "String"},
                "recommend": {"value": True, "type": "Boolean"},
            }
            api.call(
                login,
                "POST",
                f"/engine-rest/task/{task['id']}/complete",
                {"variables": variables},
                expect=204,
            )

    # site visits on three mornings (the same experts cannot be in two places), then their reports
    for day, (label, number) in zip((16, 17, 18), apps.items(), strict=True):
        visit = api.call(
            "city1",
            "POST",
            "/api/site-visits",
            {
                "applicationNo": number,
                "startsAt": local(day, 9),
                "endsAt": local(day, 11, 30),
                "address": "青岛市崂山区科苑纬一路1号",
            },
            expect=201,
        )
        assert sorted(visit["participants"]) == sorted([*panels[label]["drawn"], "city1"])
    clash = api.call(
        "city1",
        "POST",
        "/api/site-visits",
        {
            "applicationNo": apps["A"],
            "startsAt": local(16, 10),
            "endsAt": local(16, 12),
            "address": "青岛市",
        },
        expect=422,
    )
    assert "experts" in clash["fields"]
    path = f"/api/site-visits/{visit['id']}"
    wrong = api.call("city1", "PATCH", path, {"startsAt": local(18, 12)}, expect=422)
    assert "endsAt" in wrong["fields"]  # would end before it starts
    moved = api.call("city1", "PATCH", path, {"startsAt": local(18, 14), "endsAt": local(18, 16)})
    assert moved["sequence"] == 1
    ics = Calendar.from_ical(api.call(panels["C"]["drawn"][0], "GET", f"{path}/invitation.ics"))
    assert int(ics.walk("VEVENT")[0].get("sequence")) == 1
    for walk in walks.values():
        walk.do("Task_SiteVisitReport")

    # one defense session with a slot per consortium; everyone gets an invitation
    slots = [
        {"applicationNo": number, "startsAt": local(20, 9 + i), "endsAt": local(20, 10 + i)}
        for i, number in enumerate(apps.values())
    ]
    session = api.call(
        "city1",
        "POST",
        "/api/sessions",
        {
            "roundId": rid,
            "room": "市科技局第一会议室",
            "startsAt": local(20, 9),
            "endsAt": local(20, 12),
            "slots": slots,
        },
        expect=201,
    )
    ics = Calendar.from_ical(api.call("expert1", "GET", f"/api/sessions/{session['id']}/invitation.ics"))
    assert ics.walk("VEVENT")[0].get("dtstart").params["TZID"] == "Asia/Shanghai"
    assert len(ics.walk("VEVENT")[0].get("attendee")) == 5

    # a sheet is signed at the defense: before the session starts, 409 naming when it starts (issue 17)
    first = next(iter(panels.values()))
    api.call(first["drawn"][0], "PUT", f"/api/panels/{first['panelId']}/score-sheet", {"scores": SCORES["A"]})
    early = api.call(first["drawn"][0], "POST", f"/api/panels/{first['panelId']}/score-sheet/signature",
                     {"signature": first["drawn"][0]}, expect=409)
    assert "2026-03-20 09:00" in json.dumps(early, ensure_ascii=False)
    clock.set(datetime.fromisoformat(local(20, 9)))

    # scores: each expert fills and signs its sheet; a signed sheet refuses edits
    for label, drawn in panels.items():
        pid = drawn["panelId"]
        for login in drawn["drawn"]:
            api.call(login, "PUT", f"/api/panels/{pid}/score-sheet", {"scores": SCORES[label]})
            signed = api.call(login, "POST", f"/api/panels/{pid}/score-sheet/signature", {"signature": login})
            assert signed["signed"] is True
        api.call(
            drawn["drawn"][0], "PUT", f"/api/panels/{pid}/score-sheet", {"scores": SCORES["A"]}, expect=409
        )

    ranking = api.call("city1", "GET", f"/api/rounds/{rid}/ranking")
    assert [(r["applicationNo"], r["rank"], r["score"]) for r in ranking] == [
        (apps["A"], 1, 85.0),
        (apps["B"], 2, 70.0),
        (apps["C"], 3, 41.0),
    ]
    api.call("lead1", "GET", f"/api/rounds/{rid}/ranking", expect=403)

    decided = api.call("city1", "POST", f"/api/rounds/{rid}/selection", {"opinion": "综合评分择优"})
    assert decided["selected"] == [apps["A"], apps["B"]] and decided["notSelected"] == [apps["C"]]
    notice = api.call("lead1", "GET", f"/api/rounds/{rid}/publicity")
    assert [c["applicationNo"] for c in notice["consortia"]] == [apps["A"], apps["B"]]
    for label in ("A", "B"):
        state = api.call("city1", "GET", f"/api/process-instances/{walks[label].instance_id}")
        assert (state["variables"]["publicity_start"], state["variables"]["publicity_end"]) == (
            notice["start"],
            notice["end"],
        )
    rejected = api.call("lead1", "GET", f"/api/process-instances/{walks['C'].instance_id}")
    assert rejected["variables"]["selection_decision"] == "not_selected"
    assert "panel" not in rejected["variables"]  # the applicant never learns who reviewed it (F15)
