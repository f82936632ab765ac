"""Small steps of a process owner and a clerk over /engine-rest, for tests of drawn diagrams (issue 12)."""

from __future__ import annotations

from typing import Any

import requests

from tests.support.drawn import drawn

from .conftest import Server
from .walk import modeler_upload


def deploy(server: Server, key: str, body: str) -> None:
    """Deploy process `key` with `body` as Camunda Modeler does; asserts it is accepted."""
    upload = modeler_upload({f"{key}.bpmn": drawn(key, body)}, name=key)
    response = server.client("owner").rest("POST", "/deployment/create", **upload)
    assert response.status_code == 200, response.text


def start_response(server: Server, key: str, variables: dict[str, Any] | None = None) -> requests.Response:
    return server.client("city1").rest("POST", f"/process-definition/key/{key}/start",
                                       json={"variables": variables or {}})


def start(server: Server, key: str, variables: dict[str, Any] | None = None) -> str:
    """Start the latest `key` as city1; asserts 200 and returns the instance id."""
    response = start_response(server, key, variables)
    assert response.status_code == 200, response.text
    return response.json()["id"]


def open_tasks(server: Server, instance_id: str) -> list[dict[str, Any]]:
    response = server.client("city1").rest("GET", f"/task?processInstanceId={instance_id}")
    assert response.status_code == 200, response.text
    return response.json()


def complete(server: Server, task_id: str, variables: dict[str, Any] | None = None) -> requests.Response:
    return server.client("city1").rest("POST", f"/task/{task_id}/complete",
                                       json={"variables": variables or {}})


def get(server: Server, path: str, login: str = "city1") -> Any:
    response = server.client(login).rest("GET", path)
    assert response.status_code == 200, response.text
    return response.json()
