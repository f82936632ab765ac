"""One application's selection over HTTP as soon as its own review is complete (guideline 七（一）
"成熟一个、支持一个", issue 14 item 1): `POST /api/applications/{application_no}/selection`, documented."""

from __future__ import annotations

from tests.support.pages import log_in
from tests.support.procedure import Walk

from .test_idempotency import tokens


def reviewed(ctx, round_id: int | None = None) -> Walk:
    walk = Walk(ctx)
    walk.round_id = round_id
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    walk.expert_review()
    return walk


def in_review(ctx, round_id: int) -> Walk:
    walk = Walk(ctx)
    walk.round_id = round_id
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    return walk


def test_one_application_is_selected_over_http_while_another_of_its_round_is_in_review(ctx, server):
    done = reviewed(ctx)
    waiting = in_review(ctx, done.round_id)
    city = server.client("city1")
    path = f"/api/applications/{done.business_key}/selection"

    assert server.client("district1").post(path, json={}).status_code == 403
    assert city.post("/api/applications/CX-0000-9999/selection", json={}).status_code == 404
    blank = city.post(path, json={"excludeReason": ""})
    assert blank.status_code == 422 and "excludeReason" in blank.json()["fields"]
    early = city.post(f"/api/applications/{waiting.business_key}/selection", json={})
    assert early.status_code == 409 and "under review" in early.json()["message"]

    decided = city.post(path, json={"opinion": "综合排名靠前，拟予备案"})
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert body["decision"] == "selected" and body["roundId"] == done.round_id and body["publicity"]
    variables = city.get(f"/api/process-instances/{done.instance_id}").json()["variables"]
    assert variables["selection_decision"] == "selected"
    assert variables["publicity_start"] == body["publicity"]["start"]
    assert city.post(path, json={}).status_code == 409  # decided once
    assert waiting.tasks_of("city1", "Task_CityReview")  # the other goes on at its own pace


def test_the_operation_is_in_the_openapi_document(server):
    spec = server.client(None).get("/api/openapi.json").json()
    operation = spec["paths"]["/api/applications/{application_no}/selection"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    properties = set(spec["components"]["schemas"][schema]["properties"])
    assert properties == {"threshold", "opinion", "excludeReason"}
    assert {"200", "403", "404", "409", "422"} <= set(operation["responses"])


def test_the_round_page_decides_one_application_while_another_is_in_review(ctx, server):
    done = reviewed(ctx)
    waiting = in_review(ctx, done.round_id)
    city = server.client(None)
    assert log_in(city, "city1").status_code == 303
    action = f"/rounds/{done.round_id}/applications/{done.business_key}/selection"
    page = city.get(f"/rounds/{done.round_id}").text
    decided = city.post(action, data={**tokens(page, action), "exclude_reason": ""}, allow_redirects=False)
    assert decided.status_code == 303, decided.text
    page = city.get(f"/rounds/{done.round_id}").text
    ranking = page[page.index('id="ranking"'):]
    row = ranking[ranking.index(f'data-application="{done.business_key}"'):]
    assert "入选" in row[:row.index("</tr>")] and action not in page  # decided: no form any more
    assert waiting.tasks_of("city1", "Task_CityReview")
