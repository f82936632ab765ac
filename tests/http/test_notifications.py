"""/api/notifications: each user reads and marks only their own in-app notifications."""

from __future__ import annotations

from service.engine.notifications import notify


def test_a_user_sees_and_marks_only_their_own_notifications(ctx, server):
    with ctx.unit_of_work() as uow:
        notify(
            ctx,
            uow.session,
            ["lead1"],
            kind="validity_reminder",
            subject="备案有效期将于 90 天后届满",
            body="请准备重新申请备案",
            now=ctx.now(),
        )
        uow.commit()
    lead, city = server.client("lead1"), server.client("city1")
    mine = lead.get("/api/notifications").json()
    assert [n["subject"] for n in mine] == ["备案有效期将于 90 天后届满"] and mine[0]["readAt"] is None
    assert city.get("/api/notifications").json() == []
    assert city.post(f"/api/notifications/{mine[0]['id']}/read").status_code == 404
    assert lead.post(f"/api/notifications/{mine[0]['id']}/read").status_code == 204
    assert lead.get("/api/notifications?unread=true").json() == []
    assert lead.get("/api/notifications").json()[0]["readAt"] is not None
    assert server.client(None).get("/api/notifications").status_code == 401


def test_the_notifications_page_shows_a_body_in_the_page_language_only(ctx, server):
    from tests.support.pages import sign_in

    with ctx.unit_of_work() as uow:
        notify(ctx, uow.session, ["lead1"], kind="validity_reminder", now=ctx.now(),
               subject="备案有效期将于 2027-01-01 届满 / Filing validity ends on 2027-01-01",
               body="创新联合体 CXLHT-2024-0001（备案号 QD-1）的备案有效期还有 90 天届满。\n"
                    "The filing of consortium CXLHT-2024-0001（备案号 QD-1） ends in 90 days.")
        uow.commit()
    browser = server.client(None)
    assert sign_in(browser, "lead1").status_code == 303
    chinese = browser.get("/notifications").text
    assert "还有 90 天届满" in chinese and "ends in 90 days" not in chinese
    browser.get("/lang/en?next=/")
    english = browser.get("/notifications").text
    assert "ends in 90 days" in english and "还有 90 天届满" not in english
