"""The plan's schedule and funding table on the task page (issue 14, item 7): the lead unit fills dated
milestones and funding rows in the browser's form, and a placeholder section comes back naming it."""

from __future__ import annotations

import re

from tests.support.pages import sign_in
from tests.support.procedure import FORMS, Walk

HIDDEN = re.compile(r'name="(csrf_token|idem)" value="([^"]+)"')


def _flat(prefix: str, value, out: dict[str, str]) -> dict[str, str]:
    if isinstance(value, dict):
        for key, item in value.items():
            _flat(f"{prefix}.{key}" if prefix else key, item, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flat(f"{prefix}.{index}", item, out)
    else:
        out[prefix] = str(value)
    return out


def test_the_plan_page_takes_milestones_and_funding_rows_and_refuses_a_placeholder(server):
    walk = Walk(server.ctx)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    walk.confirm_all_members()
    walk.do("Task_SignAgreement")
    walk.do("Task_HireChiefExpert")
    [task] = walk.tasks_of("lead1", "Task_DraftPlan")

    browser = server.client(None)
    assert sign_in(browser, "lead1").status_code == 303
    page = browser.get(f"/tasks/{task.id}")
    assert page.status_code == 200
    for name in (
        "plan.milestones.0.due",
        "plan.milestones.0.milestone",
        "plan.funding_table.0.source",
        "plan.funding_table.0.amount",
    ):
        assert f'name="{name}"' in page.text
    assert "三、进度安排（节点及完成时间）" in page.text and "五、经费投入表（来源及金额）" in page.text

    fields = _flat("", FORMS["Task_DraftPlan"], {})
    refused = browser.post(
        f"/tasks/{task.id}",
        data={**dict(HIDDEN.findall(page.text)), **fields, "plan.results": "略", "action": "complete"},
    )
    assert refused.status_code == 422
    assert "“预期标志性成果及水平”不能只填写“略”，请写明具体内容" in refused.text
    done = browser.post(
        f"/tasks/{task.id}",
        data={**dict(HIDDEN.findall(refused.text)), **fields, "action": "complete"},
        allow_redirects=False,
    )
    assert done.status_code == 303, done.text[-2000:]
    assert walk.open_steps() == ["Task_Submit"]
