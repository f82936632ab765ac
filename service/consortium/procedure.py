"""Names the consortium domain's modules share: the recommendation process key and the deadline rule.

Kept apart from `consortia` (which calls into reviews and supervision) so that supervision can read
them without importing `consortia` back (issue 19: consortia <-> supervision was an import circle).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from ..clock import SHANGHAI

RECOMMENDATION = "consortium_recommendation"  # the process id of workflows/bpmn/recommendation.bpmn


def end_of_day(day, tz=SHANGHAI) -> datetime:
    """24:00 local time of `day`: deadlines run to the end of their last day (Civil Code Art. 203)."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz)
