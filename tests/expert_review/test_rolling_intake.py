"""Rolling intake (guideline 七（一） "成熟一个、支持一个", issue 14 item 1): an application proceeds on its
own as soon as it is ready. A submission needs no open round; an application sharing a review session with
another is selected, published and filed while the other is still in expert review."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from service.consortium.reviews import round_board, rounds, selection
from service.consortium.store.models import Consortium, PublicityNotice
from service.errors import Conflict, InvalidInput
from tests.support.procedure import Walk

from .support import open_round, walk_to_panel


class OwnWalk(Walk):
    """A walk whose lead unit chooses no round: it submits whether or not a round is open."""

    def enter_own_round(self) -> int | None:
        return self.round_id


def status_of(ctx, walk: Walk) -> str:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.scalars(
            sa.select(Consortium.status).where(Consortium.instance_id == walk.instance_id)
        ).one()


def notices_of(ctx, walk: Walk) -> list[PublicityNotice]:
    with ctx.unit_of_work(write=False) as uow:
        return list(uow.session.scalars(
            sa.select(PublicityNotice).where(PublicityNotice.instance_id == walk.instance_id)
        ))


def test_the_second_of_one_session_is_selected_published_and_filed_while_the_first_is_in_review(ctx, clock):
    round_id = open_round(ctx, Walk(ctx))
    first, second = walk_to_panel(ctx, round_id), walk_to_panel(ctx, round_id)
    first.draw_and_declare()  # the first is in expert review: its desk reviews are not done
    second.expert_review()

    with pytest.raises(Conflict, match="under review"):
        selection.decide_application(ctx, application_no=first.business_key, actor=first.actor("city1"))
    decided = selection.decide_application(
        ctx, application_no=second.business_key, actor=second.actor("city1")
    )
    assert decided["decision"] == "selected" and decided["publicity"] is not None
    assert [n.start_date.isoformat() for n in notices_of(ctx, second)] == [decided["publicity"]["start"]]
    second.end_publicity(clock)
    second.do("Task_FilingDecision")
    assert status_of(ctx, second) == "filed"

    # the first never waited on the second, nor the second on the first
    assert len(first.tasks_of(first.panel[0], "Task_DeskReview")) == 1
    assert notices_of(ctx, first) == []
    with pytest.raises(Conflict):  # decided once
        selection.decide_application(ctx, application_no=second.business_key, actor=second.actor("city1"))

    for login in first.panel:
        first.do("Task_DeskReview", login=login)
    first.do("Task_SiteVisitReport")
    for login in first.panel:
        first.sign_score_sheet(login)
    later = selection.decide_application(
        ctx, application_no=first.business_key, actor=first.actor("city1"), exclude_reason="产业布局重复"
    )
    assert later["decision"] == "not_selected" and later["reason"] == "产业布局重复"
    assert status_of(ctx, first) == "not_selected"
    assert rounds.get_round(ctx, round_id=round_id, actor=first.actor("city1"))["status"] == "open"  # window


def test_a_round_decision_takes_the_applications_not_decided_on_their_own(ctx, clock):
    round_id = open_round(ctx, Walk(ctx))
    first, second = walk_to_panel(ctx, round_id), walk_to_panel(ctx, round_id)
    first.expert_review()
    second.expert_review()
    selection.decide_application(ctx, application_no=first.business_key, actor=first.actor("city1"))
    together = selection.decide_selection(ctx, round_id=round_id, actor=first.actor("city1"))
    assert together["selected"] == [second.business_key] and together["notSelected"] == []


def test_a_submission_without_any_open_round_is_accepted_and_reviewed_on_its_own(ctx, clock):
    walk = OwnWalk(ctx)
    walk.start()
    walk.prepare_and_submit()  # no round was opened: rolling intake
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    walk.round_id = round_board.round_of_application(
        ctx, instance_id=walk.instance_id, actor=walk.actor("city1")
    )
    own = rounds.get_round(ctx, round_id=walk.round_id, actor=walk.actor("city1"))
    assert walk.business_key in own["name"]
    walk.expert_review()  # panel, site visit and scoring work in a round of one
    decided = selection.decide_application(ctx, application_no=walk.business_key, actor=walk.actor("city1"))
    assert decided["decision"] == "selected"
    assert rounds.get_round(ctx, round_id=walk.round_id, actor=walk.actor("city1"))["status"] == "decided"

    other = OwnWalk(ctx)  # the next one gets its own round, not the first one's
    other.start()
    other.prepare_and_submit()
    other_round = round_board.round_of_application(
        ctx, instance_id=other.instance_id, actor=walk.actor("city1")
    )
    assert other_round != walk.round_id


def test_batch_intake_can_be_configured_and_refuses_outside_a_window(ctx, monkeypatch):
    monkeypatch.setenv("CONSORTIUM_INTAKE", "rounds")
    walk = OwnWalk(ctx)
    walk.start()
    with pytest.raises(InvalidInput, match="no round is open"):
        walk.prepare_and_submit()
    assert walk.tasks_of("lead1", "Task_Submit")
