"""Issue 11, fault 2 at the HTTP edge: a timer out of bounds is a clean 400 naming the element, in seconds.

Before, the start request of a diagram with `'P99999999Y'` ran for about ten minutes at 100 % CPU.
"""

from __future__ import annotations

import time

from tests.service.test_timer_bounds import two_timers
from tests.support.diagrams import diagram

from .walk import modeler_upload


def test_modeler_deploy_of_a_huge_literal_is_a_parse_exception_naming_the_timer(server):
    owner = server.client("owner")
    huge = diagram("huge_timer", duration='"P99999999Y"')
    started = time.monotonic()
    response = owner.rest("POST", "/deployment/create", **modeler_upload({"huge.bpmn": huge}, name="x"))
    assert time.monotonic() - started < 30
    assert response.status_code == 400 and response.json()["type"] == "ParseException"
    errors = response.json()["details"]["huge.bpmn"]["errors"]
    assert any(e["mainElementId"] == "Wait" and "P99999999Y" in e["message"] for e in errors)


def test_start_reaching_a_huge_computed_duration_is_a_400_naming_the_timer(server):
    owner = server.client("owner")
    upload = modeler_upload({"t.bpmn": two_timers("timer_at_start", first=False)}, name="t")
    assert owner.rest("POST", "/deployment/create", **upload).status_code == 200
    city = server.client("city1")
    started = time.monotonic()
    response = city.rest("POST", "/process-definition/key/timer_at_start/start",
                         json={"variables": {"years": {"value": 99999999, "type": "Integer"}}})
    assert time.monotonic() - started < 30
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "InvalidRequestException"
    assert "Timer_Computed" in response.json()["message"]
    ok = city.rest("POST", "/process-definition/key/timer_at_start/start",
                   json={"variables": {"years": {"value": 1, "type": "Integer"}}})
    assert ok.status_code == 200, ok.text
