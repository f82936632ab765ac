"""The review rules the diagrams declare, seen from HTTP (issue 19).

The panel step declares `<camunda:taskListener event="complete" delegateExpression="${decidedByRound}"/>`
and `consortium.step` = assign_panel: a hand completion over /engine-rest is refused with the listener's
own 409 and nothing is saved; the pages find the step by what it declares (the round board's label and
draw button, the task page sending the clerk to the round).
"""

from __future__ import annotations

import sqlalchemy as sa

from service.engine.store.models import AuditEvent, HumanTask
from tests.expert_review.support import open_round, walk_to_panel
from tests.support.pages import log_in
from tests.support.procedure import Walk

from .conftest import Server


def signed_in(server: Server, login: str):
    client = server.client(login)
    assert log_in(client, login).status_code == 303
    return client


def waiting_for_panel(ctx) -> tuple[Walk, int, str]:
    walk = Walk(ctx)
    round_id = open_round(ctx, walk)
    walk = walk_to_panel(ctx, round_id)
    [task] = walk.tasks_of("city1", "Task_AssignPanel")
    return walk, round_id, task.id


def test_a_hand_completion_of_the_panel_step_is_the_listeners_409_and_nothing_is_saved(ctx, server):
    walk, _round_id, task_id = waiting_for_panel(ctx)
    answer = server.client("city1").rest(
        "POST", f"/task/{task_id}/complete",
        json={"variables": {"panel": {"value": '["expert1"]', "type": "Json"}}},
    )
    assert answer.status_code == 409, answer.text
    assert "/api/rounds/<id>/panels" in answer.json()["message"]
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.get(HumanTask, task_id) is not None  # still open
        completed = uow.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.task_id == task_id, AuditEvent.action == "task.completed")).all()
    assert completed == []
    assert walk.open_steps() == ["Task_AssignPanel"]


def test_the_pages_find_the_panel_step_by_what_it_declares(ctx, server):
    walk, round_id, task_id = waiting_for_panel(ctx)
    city = signed_in(server, "city1")
    board = city.get(f"/rounds/{round_id}")
    assert board.status_code == 200
    row = board.text.split(f'data-application="{walk.business_key}"')[1].split("</tr>")[0]
    assert "待抽取专家" in row and f"/rounds/{round_id}/panels" in row  # the label and the draw button
    task_page = city.get(f"/tasks/{task_id}", allow_redirects=False)
    assert task_page.status_code == 303 and task_page.headers["Location"].endswith(f"/rounds/{round_id}")
