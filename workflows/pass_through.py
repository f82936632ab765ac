"""`bpmn:task` and `bpmn:manualTask` pass straight through, as in Camunda 7.

SpiffWorkflow makes both "manual" (they wait for someone to complete them), so they became inbox items
nobody was offered and nobody could complete (issue 15 item 3). Camunda's user guide ("Tasks / Manual
Task", "Task"): the engine treats them as pass-through activities, continuing the process at once.
These spec classes are the stock ones with `manual` off; they have their own typenames in the
serializer (`workflows/serializer.py`), so specs deployed before keep the old behaviour.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.defaults import ManualTask, NoneTask


class PassThroughTask(NoneTask):
    """A `bpmn:task`: completes as soon as it is reached."""

    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


class PassThroughManualTask(ManualTask):
    """A `bpmn:manualTask`: work done outside the engine; completes as soon as it is reached."""

    def __init__(self, wf_spec: Any, bpmn_id: str, **kwargs: Any) -> None:
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.manual = False


PASS_THROUGH = {NoneTask: PassThroughTask, ManualTask: PassThroughManualTask}
"""Stock spec class -> ours (parser and serializer)."""
