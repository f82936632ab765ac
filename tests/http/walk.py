"""The recommendation procedure driven over HTTP only, as each demo user, with Camunda-typed variables."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from service.consortium.demo import bundled_diagrams
from tests.support.procedure import FORMS, MEMBER_LOGINS, MEMBERS, PANEL, STEP_ACTORS

from .conftest import Client, Server

KEY = "consortium_recommendation"


def typed(value: Any) -> dict[str, Any]:
    """A plain value as a Camunda client library would send it (independent of the server's translation)."""
    if isinstance(value, bool):
        return {"value": value, "type": "Boolean"}
    if isinstance(value, int):
        return {"value": value, "type": "Integer"}
    if isinstance(value, float):
        return {"value": value, "type": "Double"}
    if isinstance(value, str):
        return {"value": value, "type": "String"}
    return {"value": json.dumps(value, ensure_ascii=False), "type": "Json", "valueInfo": {}}


def typed_map(data: dict[str, Any]) -> dict[str, Any]:
    return {k: typed(v) for k, v in data.items()}


def modeler_upload(files: dict[str, bytes], *, name: str, changed_only: bool = True) -> dict[str, Any]:
    """The multipart body Camunda Modeler sends: form fields plus one part per file, named by the file."""
    return {
        "data": {
            "deployment-name": name,
            "deployment-source": "Camunda Modeler",
            "deploy-changed-only": "true" if changed_only else "false",
        },
        "files": [(fname, (fname, content, "application/octet-stream")) for fname, content in files.items()],
    }


class HttpWalk:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.clients: dict[str, Client] = {}
        self.instance_id: str | None = None
        self.business_key: str | None = None
        self.round_id: int | None = None
        self.panel_id: int | None = None
        self.panel: list[str] = []

    def as_(self, login: str) -> Client:
        if login not in self.clients:
            self.clients[login] = self.server.client(login)
        return self.clients[login]

    def deploy_bundled(self, *, changed_only: bool = False) -> dict[str, Any]:
        response = self.as_("owner").rest(
            "POST",
            "/deployment/create",
            **modeler_upload(bundled_diagrams(), name="consortium-office", changed_only=changed_only),
        )
        assert response.status_code == 200, response.text
        return response.json()

    def start(self, login: str = "lead1") -> dict[str, Any]:
        response = self.as_(login).rest("POST", f"/process-definition/key/{KEY}/start", json={})
        assert response.status_code == 200, response.text
        started = response.json()
        self.instance_id, self.business_key = started["id"], started["businessKey"]
        return started

    def tasks_of(self, login: str, element_id: str | None = None) -> list[dict[str, Any]]:
        params = {"processInstanceId": self.instance_id}
        if element_id:
            params["taskDefinitionKey"] = element_id
        response = self.as_(login).rest("GET", "/task", params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def do(
        self,
        element_id: str,
        data: dict[str, Any] | None = None,
        login: str | None = None,
        *,
        return_variables: bool = False,
    ) -> dict[str, Any] | None:
        """Claim and complete the one open `element_id` task visible to its usual actor."""
        login = login or STEP_ACTORS[element_id]
        client = self.as_(login)
        found = self.tasks_of(login, element_id)
        assert len(found) == 1, f"{login} sees {len(found)} {element_id} tasks"
        task_id = found[0]["id"]
        claimed = client.rest("POST", f"/task/{task_id}/claim", json={"userId": login})
        assert claimed.status_code == 204, claimed.text
        form = {**FORMS.get(element_id, {}), **(data or {})}
        body: dict[str, Any] = {"variables": typed_map(form)}
        if return_variables:
            body["withVariablesInReturn"] = True
        done = client.rest("POST", f"/task/{task_id}/complete", json=body)
        assert done.status_code == (200 if return_variables else 204), done.text
        return done.json() if return_variables else None

    def api(self, login: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.as_(login).request(method, "/api" + path, json=body)
        assert response.status_code in (200, 201), f"{method} {path}: {response.text}"
        return response.json()

    def prepare_and_submit(self) -> None:
        self.do("Task_Initiate")
        self.do("Task_InviteMembers")
        for member in MEMBERS:
            self.do("Task_ConfirmMembership", login=MEMBER_LOGINS[member["credit_code"]])
        for step in ("Task_SignAgreement", "Task_HireChiefExpert", "Task_DraftPlan"):
            self.do(step)
        self.enter_round()
        self.do("Task_Submit")

    def enter_round(self) -> None:
        """The city opens an application round; the applicant enters it (submission needs one open)."""
        now = self.server.ctx.now()
        opened = self.api(
            "city1",
            "POST",
            "/rounds",
            {
                "name": f"HTTP 批次 {self.business_key}",
                "opensAt": (now - timedelta(days=1)).isoformat(),
                "closesAt": (now + timedelta(days=30)).isoformat(),
            },
        )
        self.round_id = opened["id"]
        self.api("lead1", "PUT", f"/rounds/{self.round_id}/applications/{self.business_key}")

    def expert_review(self) -> None:
        drawn = self.api(
            "city1", "POST", f"/rounds/{self.round_id}/panels", {"applicationNo": self.business_key}
        )
        self.panel_id, self.panel = drawn["panelId"], drawn["drawn"][: len(PANEL)]
        for login in self.panel:
            self.api(
                login,
                "POST",
                f"/panels/{self.panel_id}/declaration",
                {"noConflict": True, "statement": "本人与申报单位无利益冲突", "signature": login},
            )
        for login in self.panel:
            self.do("Task_DeskReview", login=login)
        self.do("Task_SiteVisitReport")
        for login in self.panel:
            self.api(
                login, "PUT", f"/panels/{self.panel_id}/score-sheet", {"scores": FORMS["Task_DefenseScoring"]}
            )
            self.api(login, "POST", f"/panels/{self.panel_id}/score-sheet/signature", {"signature": login})

    def select(self) -> None:
        self.api("city1", "POST", f"/rounds/{self.round_id}/selection", {"opinion": "综合排名靠前，拟予备案"})
