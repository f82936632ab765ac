"""Refusals with a clear message over HTTP (issue 17 item 11): a site visit booked in the past, a second
visit for one application (cancelling the first frees it), and an objection to an application that is not
in publicity."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import requests
from werkzeug.serving import make_server

from service import create_app
from service.clock import SHANGHAI
from service.consortium.reviews import panels

from .support import declare_all, open_round, walk_to_panel

PASSWORD = "demo1234"


@pytest.fixture
def server(ctx):
    httpd = make_server("127.0.0.1", 0, create_app(ctx=ctx), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


def call(base: str, login: str | None, method: str, path: str, body=None, expect: int = 200):
    auth = (login, PASSWORD) if login else None
    response = requests.request(method, base + path, json=body, auth=auth, timeout=60)
    assert response.status_code == expect, (method, path, response.status_code, response.text)
    return response.json()


def local(moment: datetime, days: int, hour: int) -> str:
    day = moment.astimezone(SHANGHAI) + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def test_site_visits_in_the_past_or_twice_are_refused_and_a_cancelled_one_frees_the_application(ctx, server):
    walk = walk_to_panel(ctx, open_round(ctx, _walk_stub(ctx), panel_reserves=0))
    drawn = panels.draw_panel(ctx, round_id=walk.round_id, application_no=walk.business_key,
                              actor=walk.actor("city1"))
    declare_all(ctx, walk, drawn["panelId"], drawn["drawn"])
    now = ctx.now()
    visit = {"applicationNo": walk.business_key, "address": "青岛市崂山区科苑纬一路1号"}

    past = call(server, "city1", "POST", "/api/site-visits",
                {**visit, "startsAt": local(now, -1, 9), "endsAt": local(now, -1, 11)}, expect=422)
    assert list(past["fields"]) == ["startsAt"] and "过去" in past["fields"]["startsAt"][0]

    first = call(server, "city1", "POST", "/api/site-visits",
                 {**visit, "startsAt": local(now, 2, 9), "endsAt": local(now, 2, 11)}, expect=201)
    twice = call(server, "city1", "POST", "/api/site-visits",
                 {**visit, "startsAt": local(now, 3, 9), "endsAt": local(now, 3, 11)}, expect=422)
    assert list(twice["fields"]) == ["applicationNo"]
    assert f"#{first['id']}" in twice["fields"]["applicationNo"][0]

    moved_back = call(server, "city1", "PATCH", f"/api/site-visits/{first['id']}",
                      {"startsAt": local(now, -2, 9), "endsAt": local(now, -2, 11)}, expect=422)
    assert "startsAt" in moved_back["fields"]

    call(server, "city1", "POST", f"/api/site-visits/{first['id']}/cancellation", {"reason": "专家行程变更"})
    call(server, "city1", "POST", "/api/site-visits",
         {**visit, "startsAt": local(now, 3, 9), "endsAt": local(now, 3, 11)}, expect=201)


def _walk_stub(ctx):
    """open_round needs a walk only for the city clerk's actor."""
    from tests.support.procedure import Walk

    return Walk(ctx)


def test_an_objection_before_the_publicity_starts_is_refused_saying_when_objections_open(ctx):
    from service.consortium.publicity import lodge_objection
    from service.errors import NotFound

    walk = walk_to_panel(ctx, open_round(ctx, _walk_stub(ctx)))  # under expert review: not yet public
    with pytest.raises(NotFound) as refused:
        lodge_objection(ctx, application_no=walk.business_key, objector_name="张三", contact="13800000000",
                        reason="成员单位之一与牵头单位存在未披露的关联关系")
    assert "不在公示中：公示开始后方可提出异议" in str(refused.value)


def _walk_stub(ctx):
    """open_round needs a walk only for the city clerk's actor."""
    from tests.support.procedure import Walk

    return Walk(ctx)


def test_a_site_visit_report_dated_in_the_future_is_refused_on_its_date(ctx):
    from service.engine import tasks
    from service.errors import InvalidInput
    from tests.support.procedure import FORMS

    walk = walk_to_panel(ctx, open_round(ctx, _walk_stub(ctx), panel_reserves=0))
    walk.draw_and_declare()
    for login in walk.panel:
        walk.do("Task_DeskReview", login=login)
    tomorrow = (ctx.now().astimezone(SHANGHAI) + timedelta(days=1)).date().isoformat()
    [task] = walk.tasks_of("city1", "Task_SiteVisitReport")
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(ctx, task_id=task.id, actor=walk.actor("city1"),
                            data={**FORMS["Task_SiteVisitReport"], "visit_date": tomorrow})
    assert list(refused.value.fields) == ["visit_date"] and "今天是" in refused.value.fields["visit_date"][0]
    walk.do("Task_SiteVisitReport")  # dated before today: accepted


def test_a_panel_drawn_with_fewer_reserves_than_configured_warns(ctx, server):
    walk = walk_to_panel(ctx, open_round(ctx, _walk_stub(ctx), panel_reserves=3))  # 5 experts: none spare
    drawn = call(server, "city1", "POST", f"/api/rounds/{walk.round_id}/panels",
                 {"applicationNo": walk.business_key}, expect=201)
    assert drawn["reserves"] == 0 and drawn["reservesConfigured"] == 3
    assert len(drawn["warnings"]) == 1 and "少于设定的 3 名" in drawn["warnings"][0]


def test_selection_while_an_application_is_still_under_review_is_a_409_naming_it(ctx, server):
    from tests.support.procedure import Walk

    scored = walk_to_panel(ctx, open_round(ctx, _walk_stub(ctx), panel_reserves=0))
    scored.expert_review()
    pending = Walk(ctx)
    pending.round_id = scored.round_id
    pending.start()
    pending.prepare_and_submit()
    refused = call(server, "city1", "POST", f"/api/rounds/{scored.round_id}/selection", {}, expect=409)
    assert pending.business_key in str(refused) and "尚未完成评审" in str(refused)


def _bilingual(fields: dict) -> bool:
    return all(" / " in reason for reasons in fields.values() for reason in reasons)


def test_a_site_visit_names_every_bad_field_and_only_experts_or_the_bureau_take_part(ctx, server):
    """Hostile report A finding 9: participants were not checked (赵教授 got an invitation), the errors came
    one at a time, some in Chinese only or echoing the input, and a 100,000-character address was taken."""
    walk = walk_to_panel(ctx, open_round(ctx, _walk_stub(ctx), panel_reserves=0))
    drawn = panels.draw_panel(ctx, round_id=walk.round_id, application_no=walk.business_key,
                              actor=walk.actor("city1"))
    declare_all(ctx, walk, drawn["panelId"], drawn["drawn"])
    now = ctx.now()
    when = {"startsAt": local(now, 2, 9), "endsAt": local(now, 2, 11)}

    shapes = call(server, "city1", "POST", "/api/site-visits", {
        "applicationNo": walk.business_key, "startsAt": local(now, 2, 9)[:19], "endsAt": local(now, 1, 12),
        "participants": "expert1", "address": "x" * 100000}, expect=422)
    assert set(shapes["fields"]) == {"startsAt", "participants", "address"} and _bilingual(shapes["fields"])
    assert "x" * 100 not in str(shapes)

    unknown = "CXLHT-2026-9999"
    many = call(server, "city1", "POST", "/api/site-visits", {
        "applicationNo": unknown, "startsAt": local(now, -1, 9), "endsAt": local(now, -1, 11),
        "participants": [drawn["drawn"][0], "王教授", "lead1"]}, expect=422)
    assert set(many["fields"]) == {"applicationNo", "startsAt", "participants"} and _bilingual(many["fields"])
    assert many["fields"]["applicationNo"] == ["申请不存在 / no such application"]
    [strangers] = many["fields"]["participants"]
    assert "王教授" in strangers and "lead1" in strangers and drawn["drawn"][0] not in strangers

    visit = call(server, "city1", "POST", "/api/site-visits", {
        "applicationNo": walk.business_key, **when, "address": "青岛市崂山区科苑纬一路1号",
        "participants": [*drawn["drawn"], "city1"]}, expect=201)
    path = f"/api/site-visits/{visit['id']}"
    changed = call(server, "city1", "PATCH", path, {"participants": [drawn["drawn"][1], "赵教授"],
                                                     "address": "y" * 301}, expect=422)
    assert set(changed["fields"]) == {"participants", "address"} and _bilingual(changed["fields"])
    assert "赵教授" in changed["fields"]["participants"][0]
    for empty in ([], [""], "expert1", [1]):
        call(server, "city1", "PATCH", path, {"participants": empty}, expect=422)
    kept = call(server, "city1", "PATCH", path, {"participants": [*drawn["drawn"][:2], "city1"]})
    assert kept["participants"] == [*drawn["drawn"][:2], "city1"] and kept["sequence"] == 1
