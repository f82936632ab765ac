"""The notifications page with the header's unread count, and "my applications" (issue 17 items 5, 6)."""

from __future__ import annotations

import re

from service.actors import SYSTEM
from service.consortium.demo import ORGANISATIONS
from service.engine import identities, instances
from service.engine.notifications import notify
from tests.support.pages import sign_in
from tests.support.procedure import FORMS, MEMBERS, Walk

HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
UNREAD = re.compile(r'id="unread-count"[^>]*>(\d+)<')


def _hidden(page: str, action: str) -> dict[str, str]:
    start = page.index(f'action="{action}"')
    return dict(HIDDEN.findall(page[start:page.index("</form>", start)]))


def _notify(ctx, user: str, subject: str) -> None:
    with ctx.unit_of_work() as uow:
        notify(ctx, uow.session, [user], kind="validity_reminder", subject=subject, body="请及时处理",
               now=ctx.now())
        uow.commit()


def _signed_in(server, login: str):
    browser = server.client(None)
    assert sign_in(browser, login).status_code == 303
    return browser


def test_notifications_page_counts_unread_and_marks_only_ones_own(ctx, server):
    _notify(ctx, "lead1", "备案有效期将于 90 天后届满 / Filing expires in 90 days")
    _notify(ctx, "lead1", "补正材料已逾期 / Correction overdue")
    _notify(ctx, "city1", "市级任务逾期 / City task overdue")
    lead = _signed_in(server, "lead1")
    inbox = lead.get("/")
    assert UNREAD.search(inbox.text).group(1) == "2"  # in the header of every page
    page = lead.get("/notifications")
    assert page.status_code == 200 and "备案有效期将于 90 天后届满" in page.text
    assert "市级任务逾期" not in page.text
    assert page.text.count('class="unread"') == 2 and "2 条未读" in page.text
    own = [int(n) for n in re.findall(r'data-note="(\d+)"', page.text)]
    city_note = max(own) + 1  # written last, for city1
    form = _hidden(page.text, f"/notifications/{own[0]}/read")
    foreign = lead.post(f"/notifications/{city_note}/read", data=form)
    assert foreign.status_code == 404
    page = lead.get("/notifications")
    form = _hidden(page.text, f"/notifications/{own[0]}/read")
    done = lead.post(f"/notifications/{own[0]}/read", data=form)
    assert done.status_code == 200 and UNREAD.search(done.text).group(1) == "1"  # followed the 303
    done = lead.post("/notifications/read-all", data=_hidden(done.text, "/notifications/read-all"))
    assert done.status_code == 200 and not UNREAD.search(done.text) and 'class="unread"' not in done.text
    city = _signed_in(server, "city1")
    assert UNREAD.search(city.get("/").text).group(1) == "1"  # the other user's is still unread


def test_my_applications_show_stage_waiting_step_and_who_for_lead_and_member(ctx, server):
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    identities.add_user(ctx, user_id="lead2", password="demo1234", groups=["applicant"],
                        display_name="即墨工业软件 申报员", org_credit_code=ORGANISATIONS[4][0],
                        district="即墨区", actor=SYSTEM)
    instances.start_instance(ctx, key="consortium_recommendation", actor=identities.actor_for(ctx, "lead2"))

    lead = _signed_in(server, "lead1").get("/my-applications")
    assert lead.status_code == 200
    row = lead.text.split(f'data-application="{walk.business_key}"')[1].split("</tr>")[0]
    assert FORMS["Task_Initiate"]["consortium_name"] in row and "申报中" in row  # the stage in Chinese
    assert "成员单位确认" in row and f"{MEMBERS[0]['name']} 成员单位" in row  # step, group and its unit
    assert lead.text.count("data-application=") == 1  # another organisation's application never shows
    member = _signed_in(server, "member1").get("/my-applications")
    assert f'data-application="{walk.business_key}"' in member.text and "已邀请" in member.text
    assert _signed_in(server, "district1").get("/my-applications").text.count("data-application=") == 0
    assert 'href="/my-applications"' in lead.text  # in the header for organisation users


def test_the_api_marks_all_of_ones_own_read(ctx, server):
    _notify(ctx, "lead1", "一 / one")
    _notify(ctx, "lead1", "二 / two")
    _notify(ctx, "city1", "三 / three")
    lead = server.client("lead1")
    assert lead.post("/api/notifications/read-all").json() == {"marked": 2}
    assert lead.get("/api/notifications?unread=true").json() == []
    assert len(server.client("city1").get("/api/notifications?unread=true").json()) == 1
    assert server.client(None).post("/api/notifications/read-all").status_code == 401
