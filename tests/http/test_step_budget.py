"""Issue 11 at the HTTP edge: a diagram that loops without a wait state, or diagram code that fails,
answers the person's request with a 400 naming the element (never a 500, never a hung request), and
the database is free for the next write at once. Every request has requests' timeout=60 (conftest),
so a regression fails instead of hanging."""

from __future__ import annotations

import html
import time

import requests

from tests.support.loops import loop_diagram

from .test_idempotency import signed_in, tokens
from .walk import modeler_upload


def _deploy(server, files: dict[str, bytes]) -> None:
    upload = modeler_upload(files, name="loops")
    response = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert response.status_code == 200, response.text


def _start(city: requests.Session, key: str, variables: dict[str, int]) -> requests.Response:
    body = {"variables": {name: {"value": value, "type": "Integer"} for name, value in variables.items()}}
    return city.rest("POST", f"/process-definition/key/{key}/start", json=body)


def _open_tasks(city: requests.Session, instance_id: str) -> list[dict]:
    response = city.rest("GET", "/task", params={"processInstanceId": instance_id})
    assert response.status_code == 200, response.text
    return response.json()


def test_starting_an_endless_script_loop_answers_400_naming_the_element_and_frees_the_database(server):
    _deploy(server, {"loop.bpmn": loop_diagram("http_loop")})
    city = server.client("city1")
    started = time.monotonic()
    response = _start(city, "http_loop", {"n": 0, "limit": 10**9})
    refused_after = time.monotonic() - started
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["type"] == "ProcessEngineException"
    assert "Script_Loop" in body["message"] or "Gateway_Loop" in body["message"], body
    assert refused_after < 30, refused_after
    started = time.monotonic()
    ok = _start(city, "http_loop", {"n": 0, "limit": 3})  # the next write is not kept waiting
    assert ok.status_code == 200, ok.text
    assert time.monotonic() - started < 10


def test_a_completion_reaching_an_endless_loop_answers_400_and_the_task_stays_open(server):
    _deploy(server, {"loop.bpmn": loop_diagram("http_loop_task", entry="task")})
    city = server.client("city1")
    started = _start(city, "http_loop_task", {"n": 0, "limit": 10**9})
    assert started.status_code == 200, started.text
    instance_id = started.json()["id"]
    [task] = _open_tasks(city, instance_id)
    response = city.rest("POST", f"/task/{task['id']}/complete", json={"variables": {}})
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "ProcessEngineException"
    message = response.json()["message"]
    assert "MAX_ENGINE_STEPS" in message or "MAX_ENGINE_CPU_SECONDS" in message, message
    assert [t["id"] for t in _open_tasks(city, instance_id)] == [task["id"]]


def test_a_failing_script_on_complete_answers_400_naming_the_element_not_500(server):
    _deploy(server, {"loop.bpmn": loop_diagram("http_script_fails", entry="task")})
    city = server.client("city1")
    started = city.rest("POST", "/process-definition/key/http_script_fails/start", json={})  # no `n`
    assert started.status_code == 200, started.text
    instance_id = started.json()["id"]
    [task] = _open_tasks(city, instance_id)
    response = city.rest("POST", f"/task/{task['id']}/complete", json={"variables": {}})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["type"] == "ProcessEngineException"
    assert "Script_Loop" in body["message"] and "n" in body["message"], body
    assert [t["id"] for t in _open_tasks(city, instance_id)] == [task["id"]]  # nothing saved
    done = city.rest("POST", f"/task/{task['id']}/complete",
                     json={"variables": {"n": {"value": 0, "type": "Integer"},
                                         "limit": {"value": 2, "type": "Integer"}}})
    assert done.status_code == 204, done.text
    assert _open_tasks(city, instance_id) == []


def test_the_task_page_shows_the_refusal_naming_the_element_in_chinese_and_keeps_the_task(server):
    _deploy(server, {"loop.bpmn": loop_diagram("page_loop_task", entry="task")})
    city = server.client("city1")
    started = _start(city, "page_loop_task", {"n": 0, "limit": 10**9})
    assert started.status_code == 200, started.text
    [task] = _open_tasks(city, started.json()["id"])
    browser = signed_in(server, "city1")
    path = f"/tasks/{task['id']}"
    form = tokens(browser.get(path).text, path)
    answer = browser.post(path, data=form, allow_redirects=False)
    assert answer.status_code == 422, answer.text[:500]
    page = html.unescape(answer.text)
    assert "流程执行失败" in page and "超出上限" in page, page[page.find("<section"):][:1500]
    assert "Script_Loop" in page or "Gateway_Loop" in page
    assert "_schema<" not in page  # the whole submission, labelled as such
    assert [t["id"] for t in _open_tasks(city, started.json()["id"])] == [task["id"]]
