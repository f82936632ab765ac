"""Who reviews whom stays secret until the round's results are published: the one rule, in one place.

Guideline 五（六）has the city bureau organise the expert review; the applicant, its members and the
district bureau must not learn which experts review an application before the results are published
(they could approach them). Every edge that shows who holds, held or may take a task — runtime tasks,
historic tasks and activities, comments, the application page's timeline and open tasks, panel
variables — asks `ReviewerSecrecy` whether to show an identity, so no edge can forget a case.

The rule (source: service/consortium/reviews/panel_access.py, which already hid the panel variables):

- city clerks, administrators and process owners (`Actor.sees_everything`) see every identity;
- everyone sees their own identity (an expert sees itself, never a colleague);
- an identity of the expert pool on an instance whose round has published its results is shown to the
  experts who may see that instance (the panel);
- any other expert identity is hidden (None): applicants, member units and district clerks never learn
  which expert reviewed, scored or visited them, even after publication (评审专家对申报单位保密;
  breakit F15: a name next to a score invites lobbying or retaliation). They see "专家一、专家二…".

Identities that are not experts (clerks, applicants) are never secret.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...actors import Actor
from .review_models import Expert, ReviewRound, RoundEntry


class ReviewerSecrecy:
    """Decides, for one viewer within one session, whether an identity on a record is shown.

    Costs at most one query for the expert pool and one per instance asked about (results published?),
    and none at all for viewers who see everything.
    """

    def __init__(self, session: Session, viewer: Actor) -> None:
        self.session = session
        self.viewer = viewer
        self._pool: frozenset[str] | None = None
        self._published: dict[str, bool] = {}

    @property
    def privileged(self) -> bool:
        """Whether the viewer sees every reviewer (city clerk, admin, process owner)."""
        return self.viewer.sees_everything

    def is_reviewer(self, user_id: str | None) -> bool:
        """Whether `user_id` belongs to the expert pool (the identities this rule protects)."""
        if not user_id:
            return False
        if self._pool is None:
            self._pool = frozenset(self.session.scalars(sa.select(Expert.user_id)))
        return user_id in self._pool

    def results_published(self, instance_id: str | None) -> bool:
        """Whether the round of `instance_id` has published its results (False without a round)."""
        if instance_id is None:
            return False
        if instance_id not in self._published:
            found = self.session.execute(  # its own selection (rolling intake) or its round's decision
                sa.select(RoundEntry.outcome, ReviewRound.results_published_at)
                .join(RoundEntry, RoundEntry.round_id == ReviewRound.id)
                .where(RoundEntry.instance_id == instance_id)
            ).first()
            self._published[instance_id] = found is not None and any(v is not None for v in found)
        return self._published[instance_id]

    def shows(self, instance_id: str | None, user_id: str | None) -> bool:
        """Whether the viewer may see that `user_id` holds, held or may take work on `instance_id`."""
        if user_id is None or self.privileged or user_id == self.viewer.id:
            return True
        if not self.is_reviewer(user_id):
            return True
        return self.viewer_on_panel_side and self.results_published(instance_id)

    @property
    def viewer_on_panel_side(self) -> bool:
        """Whether the viewer is an expert (its instances are those it reviews): the panel sees the panel."""
        return self.is_reviewer(self.viewer.id)

    def sees_panel(self, instance_id: str | None) -> bool:
        """Whether the viewer sees every reviewer identity of `instance_id` (privileged, or an expert once
        the results are published)."""
        return self.privileged or (self.viewer_on_panel_side and self.results_published(instance_id))

    def shown(self, instance_id: str | None, user_id: str | None) -> str | None:
        """`user_id` if the viewer may see it on `instance_id`, else None (what the edges render)."""
        return user_id if self.shows(instance_id, user_id) else None

    def may_probe(self, user_id: str | None) -> bool:
        """Whether a query filter naming `user_id` (assignee=, candidateUser=…) may be answered at all.

        A non-privileged caller filtering by an expert other than itself learns nothing: counting the
        matches would tell who reviews whom even when the rows themselves are redacted.
        """
        if user_id is None or self.privileged or user_id == self.viewer.id:
            return True
        return not self.is_reviewer(user_id)
