"""Tasks the user cannot take are not offered (issue 17 item 7): the city bureau sees the district's
review but gets neither a claim button nor a form it could only send to be refused (403)."""

from __future__ import annotations

from tests.support.pages import sign_in
from tests.support.procedure import Walk


def test_a_task_one_may_only_see_offers_no_claim_and_no_form(ctx, server):
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    [task] = walk.tasks_of("district1", "Task_DistrictReview")
    city = server.client(None)
    assert sign_in(city, "city1").status_code == 303
    inbox = city.get("/", params={"view": "all", "step": "Task_DistrictReview"}).text
    row = inbox.split(f'data-task="{task.id}"')[1].split("</tr>")[0]
    assert 'data-may-take="no"' in row and "/claim" not in row and f"/tasks/{task.id}" not in row
    page = city.get(f"/tasks/{task.id}")
    assert page.status_code == 200 and 'id="not-yours"' in page.text and 'value="complete"' not in page.text
    district = server.client(None)
    assert sign_in(district, "district1").status_code == 303
    own = district.get(f"/tasks/{task.id}").text
    assert 'value="complete"' in own and 'id="not-yours"' not in own
    assert 'data-may-take="yes"' in district.get("/").text
