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
