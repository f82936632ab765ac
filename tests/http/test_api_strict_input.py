"""/api takes its input as documented (report-users finding 8): booleans are JSON booleans, a query value
outside its documented enum is a 400 naming the parameter, field errors name the field as the request
spelt it and come all at once, and a 404 does not repeat a 5000-character id."""

from __future__ import annotations

from service.api.strict import allowed_values
from service.consortium.demo import AGENCY

from .test_agencies_api import OTHER


def test_a_boolean_is_true_or_false_only(server):
    city = server.client("city1")
    path = f"/api/evaluation-agencies/{AGENCY[0]}"
    for loose in ("no", "false", 0, 1, "yes", None):
        refused = city.patch(path, json={"active": loose})
        assert refused.status_code == 422, loose
        assert list(refused.json()["fields"]) == ["active"]
    assert city.get("/api/evaluation-agencies").json()[0]["active"] is True  # not withdrawn
    assert city.patch(path, json={"active": True}).status_code == 200
    expert = city.post("/api/experts", json={"userId": "x1", "name": "专家甲", "fields": ["QD-01"],
                                             "active": "no"})
    assert expert.status_code == 422 and "active" in expert.json()["fields"]


def test_every_documented_query_enum_is_enforced(server):
    spec = server.client(None).get("/api/openapi.json").json()
    city = server.client("city1")
    checked = []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if "{" in path or get is None:
            continue
        for parameter in get.get("parameters", []):
            if parameter["in"] != "query" or allowed_values(parameter.get("schema") or {}) is None:
                continue
            answer = city.get(path, params={parameter["name"]: "maybe"})
            assert answer.status_code == 400, (path, parameter["name"], answer.status_code)
            assert list(answer.json()["fields"]) == [parameter["name"]], path
            assert "400" in get["responses"], path
            checked.append((path, parameter["name"]))
    assert ("/api/evaluation-agencies", "all") in checked and ("/api/notifications", "unread") in checked
    assert len(checked) >= 8
    assert city.get("/api/evaluation-agencies?all=false").status_code == 200


def test_field_errors_use_the_request_spelling_and_come_together(server):
    city = server.client("city1")
    both = city.post("/api/evaluation-agencies",
                     json={**OTHER, "creditCode": OTHER["creditCode"][:-1] + "A", "qualification": "有"})
    assert both.status_code == 422
    assert set(both.json()["fields"]) == {"creditCode", "qualification"}
    backwards = city.post("/api/evaluation-rounds", json={
        "title": "2025 年度绩效评价", "dataFrom": "2025-12-31", "dataUntil": "2025-01-01"})
    assert backwards.status_code == 422
    assert "dataUntil" in backwards.json()["fields"] and "data_until" not in backwards.json()["fields"]


def test_a_404_cuts_a_long_id(server):
    city = server.client("city1")
    answer = city.patch(f"/api/evaluation-agencies/{'9' * 5000}", json={"active": False})
    assert answer.status_code == 404
    message = answer.json()["message"]
    assert len(message) < 300 and "9" * 64 + "…" in message
    missing = server.client("lead1").get(f"/api/filings/{'F' * 3000}")
    assert missing.status_code == 404 and len(missing.json()["message"]) < 300


def _bilingual(reasons: dict) -> bool:
    return all(" / " in reason for messages in reasons.values() for reason in messages)


def test_every_bad_query_parameter_is_named_at_once(server):
    """Hostile report A finding 1: only the first bad query parameter was named."""
    lead = server.client("lead1")
    inbox = lead.get("/api/inbox", params={"view": "bogus", "sort": "x", "order": "up", "page": "0",
                                           "size": "1000", "round": "12", "q": "q" * 101})
    assert inbox.status_code == 400, inbox.text
    assert inbox.json()["error"] == "MalformedRequest"
    assert set(inbox.json()["fields"]) == {"view", "sort", "order", "page", "size", "round", "q"}
    assert _bilingual(inbox.json()["fields"])
    results = lead.get("/api/evaluation-results", params={"roundId": "abc", "consortiumId": "x"})
    assert results.status_code == 400
    assert set(results.json()["fields"]) == {"roundId", "consortiumId"}
    assert _bilingual(results.json()["fields"])
    assert lead.get("/api/evaluation-results", params={"roundId": "-1"}).status_code == 400
    assert lead.get("/api/inbox", params={"view": "mine", "page": "1", "size": "10"}).status_code == 200


def test_free_slots_query_is_checked_like_the_others(server):
    """Hostile report A finding 2: `day` echoed the input as its "reason", 422, `minutes` out of range
    not reported, a 5000-character room taken."""
    city = server.client("city1")
    path = "/api/sessions/free-slots"
    answer = city.get(path, params={"day": "2026-13-45", "minutes": "-5", "experts": "a,b",
                                    "room": "r" * 5000})
    assert answer.status_code == 400, answer.text
    fields = answer.json()["fields"]
    assert answer.json()["error"] == "MalformedRequest"
    assert set(fields) == {"day", "minutes", "room"} and _bilingual(fields)
    assert "2026-13-45" not in str(fields)
    missing = city.get(path, params={"minutes": "60"})
    assert missing.status_code == 400 and missing.json()["fields"] == {"day": ["必填 / required"]}
    for minutes in ("10", "541", "1.5", "sixty"):
        short = city.get(path, params={"day": "2026-12-21", "minutes": minutes})
        assert short.status_code == 400 and list(short.json()["fields"]) == ["minutes"], minutes
    spec = server.client(None).get("/api/openapi.json").json()["paths"][path]["get"]
    minutes = next(p for p in spec["parameters"] if p["name"] == "minutes")["schema"]
    assert (minutes["minimum"], minutes["maximum"]) == (15, 540) and "400" in spec["responses"]
    slots = city.get(path, params={"day": "2026-12-21", "minutes": "90", "room": "第一会议室"})
    assert slots.status_code == 200 and slots.json()


def test_an_integer_is_a_json_integer(server):
    """Hostile report A finding 3: `"consortiumId": "2"` was taken while booleans were strict."""
    from .test_supervision_api import ENTRY

    city = server.client("city1")
    for loose in ("2", True, 1.5, 2.0, [2]):
        refused = city.post("/api/integrity-records", json={**ENTRY, "consortiumId": loose})
        assert refused.status_code == 422, (loose, refused.text)
        assert list(refused.json()["fields"]) == ["consortiumId"], loose
        assert _bilingual(refused.json()["fields"])
    typed = city.post("/api/integrity-records", json={**ENTRY, "consortiumId": 999999})  # a JSON integer:
    assert typed.json()["fields"] == {"consortiumId": ["不存在 / does not exist"]}  # looked up, not refused
    # (test_supervision_api takes one that exists)
    district = city.post("/api/districts", json={"code": "QD-99", "name": "测试区", "sortOrder": "5"})
    assert district.status_code == 422 and "sortOrder" in district.json()["fields"]
    rounds = city.post("/api/rounds", json={"name": "2027 年第一批", "opensAt": "2027-01-01T00:00:00+08:00",
                                            "closesAt": "2027-02-01T00:00:00+08:00", "panelSize": "5"})
    assert rounds.status_code == 422 and list(rounds.json()["fields"]) == ["panelSize"], rounds.text
    spec = server.client(None).get("/api/openapi.json").json()["components"]["schemas"]
    assert spec["IntegrityEventIn"]["properties"]["consortiumId"]["type"] == "integer"
    assert spec["SessionIn"]["properties"]["roundId"]["type"] == "integer"
