"""After a member unit declines, the lead's invitation page says who declined and why and opens prefilled
with the other units (issue 17 item 10)."""

from __future__ import annotations

import re
from html import unescape

from tests.http.test_idempotency import signed_in
from tests.support.procedure import MEMBERS, Walk


def test_the_reinvitation_names_who_declined_and_keeps_the_others(server):
    walk = Walk(server.ctx)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    walk.confirm_all_members(decline="member2")
    [task] = walk.tasks_of("lead1", "Task_InviteMembers")

    page = signed_in(server, "lead1").get(f"/tasks/{task.id}")
    assert page.status_code == 200
    notice = re.search(r'id="declined-members"(.*?)</div>', page.text, re.S)
    assert notice, "no declined-members notice"
    said = unescape(notice.group(1))
    gone = MEMBERS[1]
    assert gone["name"] in said and gone["credit_code"] in said and "本单位暂无参与计划" in said

    typed = dict(re.findall(r'name="(invited_members\.\d+\.[a-z_]+)"[^>]*value="([^"]*)"', page.text))
    codes = [v for k, v in typed.items() if k.endswith(".credit_code") and v]  # then blank spare rows
    assert codes == [m["credit_code"] for m in MEMBERS if m is not gone], typed
    names = [unescape(v) for k, v in typed.items() if k.endswith(".name")]
    assert gone["name"] not in names and MEMBERS[0]["name"] in names
