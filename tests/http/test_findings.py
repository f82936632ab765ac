"""The experts' findings count (issue 13 item 4): a failed site visit or a desk-review majority against keeps
an application out of the round's selection unless the city clerk overrides it with a written reason;
over the use cases and /api on a live server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.consortium.casefile import read_casefile
from service.consortium.reviews import findings
from service.consortium.store.models import Consortium
from service.engine.store import audit
from tests.support.pages import log_in
from tests.support.procedure import Walk

from .test_idempotency import tokens

REASON = "现场考察时样机正在外场试验，已补充视频及第三方检测报告，经集体研究同意进入遴选"


def reviewed(ctx, *, site_visit_passed: bool = True, not_recommending: int = 0) -> Walk:
    """An application through the expert review with these findings (scores as usual: 85, above the line)."""
    walk = Walk(ctx)
    walk.start()
    walk.prepare_and_submit()
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    walk.draw_and_declare()
    for i, login in enumerate(walk.panel):
        walk.do("Task_DeskReview", {"recommend": i >= not_recommending}, login=login)
    walk.do("Task_SiteVisitReport", {"passed": site_visit_passed})
    for login in walk.panel:
        walk.sign_score_sheet(login)
    return walk


def status_of(ctx, walk: Walk) -> str:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.scalars(
            sa.select(Consortium.status).where(Consortium.instance_id == walk.instance_id)
        ).one()


def ranking_row(server, walk: Walk) -> dict:
    answer = server.client("city1").get(f"/api/rounds/{walk.round_id}/ranking")
    assert answer.status_code == 200, answer.text
    rows = answer.json()
    rows = rows["ranking"] if isinstance(rows, dict) else rows
    return next(r for r in rows if r["applicationNo"] == walk.business_key)


def test_a_failed_site_visit_is_not_selected_without_an_override(ctx, server):
    walk = reviewed(ctx, site_visit_passed=False)
    row = ranking_row(server, walk)
    assert row["score"] >= 60 and row["selectable"] is False and row["findings"]["siteVisitFailed"] is True

    decided = server.client("city1").post(f"/api/rounds/{walk.round_id}/selection", json={})
    assert decided.status_code == 200, decided.text
    assert decided.json()["notSelected"] == [walk.business_key]
    assert status_of(ctx, walk) == "not_selected"
    variables = server.client("city1").get(f"/api/process-instances/{walk.instance_id}").json()["variables"]
    assert "现场考察未通过" in str(variables["selection_opinion"])


def test_the_city_clerks_written_override_makes_it_selectable(ctx, server):
    walk = reviewed(ctx, site_visit_passed=False)
    path = f"/api/applications/{walk.business_key}/findings-override"
    city = server.client("city1")
    assert server.client("district1").post(path, json={"reason": REASON}).status_code == 403
    refused = city.post(path, json={"reason": "同意"})
    assert refused.status_code == 422 and "reason" in refused.json()["fields"]
    assert ranking_row(server, walk)["selectable"] is False

    done = city.post(path, json={"reason": REASON})
    assert done.status_code == 200, done.text
    assert done.json()["override"]["reason"] == REASON and done.json()["override"]["by"] == "city1"
    row = ranking_row(server, walk)
    assert row["selectable"] is True and row["findingsOverride"]["reason"] == REASON

    # the case file's data carries the findings and the override; the audit trail has it too
    shown = read_casefile(ctx, instance_id=walk.instance_id, actor=walk.actor("city1")).review_findings
    assert shown["findings"]["siteVisitFailed"] is True and shown["override"]["reason"] == REASON
    with ctx.unit_of_work(write=False) as uow:
        events = [e for e in audit.list_events(uow.session, instance_id=walk.instance_id)
                  if e.action == "selection.findings_overridden"]
    assert len(events) == 1

    decided = city.post(f"/api/rounds/{walk.round_id}/selection", json={})
    assert decided.status_code == 200 and decided.json()["selected"] == [walk.business_key]
    assert status_of(ctx, walk) == "publicity"
    # once decided, no more overrides
    assert city.post(path, json={"reason": REASON}).status_code == 409


def test_a_desk_review_majority_against_blocks_and_a_minority_does_not(ctx):
    against = reviewed(ctx, not_recommending=3)
    with ctx.unit_of_work(write=False) as uow:
        blocked = findings.findings_for(uow.session, against.instance_id)
    assert (blocked.not_recommended, blocked.desk_reviewed) == (3, 5) and blocked.blocking
    with pytest.raises(Exception) as no_reason:
        findings.override_findings(ctx, application_no=against.business_key, actor=against.actor("city1"),
                                   reason="")
    assert "reason" in getattr(no_reason.value, "fields", {})
    against.select()
    assert status_of(ctx, against) == "not_selected"

    minority = reviewed(ctx, not_recommending=2)
    with ctx.unit_of_work(write=False) as uow:
        assert findings.findings_for(uow.session, minority.instance_id).blocking == ()
    minority.select()
    assert status_of(ctx, minority) == "publicity"


def test_the_panel_opinion_is_generated_confirmed_and_signed_by_the_leader(ctx, server):
    walk = reviewed(ctx, not_recommending=1)
    city = server.client("city1")
    generated = city.post(f"/api/panels/{walk.panel_id}/opinion")
    assert generated.status_code == 201, generated.text
    opinion = generated.json()
    leader = opinion["leader"]
    assert leader in walk.panel and opinion["confirmedAt"] is None
    content = opinion["content"]
    assert [d["key"] for d in content["dimensions"]] == [
        "significance", "organisation", "goals", "results", "funding"]
    assert content["dimensions"][0]["scores"] == [22.0] * 5 and content["dimensions"][0]["mean"] == 22.0
    assert content["aggregate"] == 85.0 and content["trimmed"] is True
    assert content["findings"]["notRecommended"] == 1 and content["recommendation"] == "recommended"

    other = next(login for login in walk.panel if login != leader)
    path = f"/api/panels/{walk.panel_id}/opinion/confirm"
    assert server.client(other).post(path, json={"signature": other}).status_code == 403
    assert server.client(leader).post(path, json={"signature": " "}).status_code == 422
    signed = server.client(leader).post(path, json={"signature": f"组长 {leader}"})
    assert signed.status_code == 200 and signed.json()["confirmedAt"]
    assert city.post(f"/api/panels/{walk.panel_id}/opinion").status_code == 409  # final once signed

    shown = read_casefile(ctx, instance_id=walk.instance_id, actor=walk.actor("city1")).review_findings
    assert shown["panelOpinion"]["signature"] == f"组长 {leader}"
    assert shown["panelOpinion"]["content"]["recommendation"] == "recommended"


def test_a_failed_site_visit_makes_the_opinion_not_recommended(ctx, server):
    walk = reviewed(ctx, site_visit_passed=False)
    generated = server.client("city1").post(f"/api/panels/{walk.panel_id}/opinion").json()
    assert generated["content"]["recommendation"] == "not_recommended"
    assert generated["content"]["findings"]["siteVisitFailed"] is True


def test_the_round_page_shows_the_findings_and_takes_the_override(ctx, server):
    walk = reviewed(ctx, site_visit_passed=False)
    city = server.client(None)
    assert log_in(city, "city1").status_code == 303
    page = city.get(f"/rounds/{walk.round_id}").text
    ranking = page[page.index('id="ranking"'):]
    row = ranking[ranking.index(f'data-application="{walk.business_key}"'):]
    assert "现场考察未通过" in row[:row.index("</tr>")]
    action = f"/rounds/{walk.round_id}/findings-override"
    form = {**tokens(page, action), "application_no": walk.business_key}
    short = city.post(action, data={**form, "reason": "同意"}, allow_redirects=False)
    assert short.status_code == 422 and "至少 10 字" in short.text
    form = {**tokens(city.get(f"/rounds/{walk.round_id}").text, action), "application_no": walk.business_key}
    done = city.post(action, data={**form, "reason": REASON}, allow_redirects=False)
    assert done.status_code == 303
    page = city.get(f"/rounds/{walk.round_id}").text
    assert REASON in page and action not in page  # overridden: no form any more
