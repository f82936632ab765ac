"""Hand a task to a colleague with a comment, and comments on tasks, both in the history (issue 17
item 7): only colleagues the task is offered to are proposed; anyone else is refused before anything
is saved."""

from __future__ import annotations

import re

from tests.support.pages import sign_in
from tests.support.procedure import Walk

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def _form(page: str, action: str) -> dict[str, str]:
    start = page.index(f'action="{action}"')
    return dict(HIDDEN.findall(page[start:page.index("</form>", start)]))


def test_a_clerk_hands_a_review_to_a_colleague_with_a_comment_seen_in_the_history(ctx, server):
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    [task] = walk.tasks_of("city1", "Task_CityReview")
    city1 = server.client(None)
    assert sign_in(city1, "city1").status_code == 303
    page = city1.get(f"/tasks/{task.id}").text
    assert 'id="assign"' in page and 'value="city2"' in page and 'value="district1"' not in page
    action = f"/tasks/{task.id}/assign"
    refused = city1.post(action, data={**_form(page, action), "user_id": "district1", "message": "请办理"})
    assert refused.status_code == 422 and "不是该任务的候选人" in refused.text
    page = city1.get(f"/tasks/{task.id}").text
    handed = city1.post(action, data={**_form(page, action), "user_id": "city2", "message": "请复核成员资质"})
    assert handed.status_code == 200 and "已转办给 市科技局 复核人" in handed.text

    city2 = server.client(None)
    assert sign_in(city2, "city2").status_code == 303
    inbox = city2.get("/").text
    assert f'data-task="{task.id}"' in inbox
    own = city2.get(f"/tasks/{task.id}").text
    assert "请复核成员资质" in own and 'value="complete"' in own
    action = f"/tasks/{task.id}/comment"
    noted = city2.post(action, data={**_form(own, action), "message": "已联系区科技局核实"})
    assert noted.status_code == 200 and "已联系区科技局核实" in noted.text

    history = city1.get(f"/applications/{walk.instance_id}").text
    assert "请复核成员资质" in history and "已联系区科技局核实" in history
    assert "转办给 city2" in history
