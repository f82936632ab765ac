"""Deploy-time warnings: what deploys and runs, but probably not as the process owner meant.

Unlike `workflows/lint.py` (refusals), nothing here stops a deployment; the warnings are returned with
it (`POST /deployment/create` answers them in `warnings`, beside Camunda's own fields).

* A user task with no `camunda:assignee`, `candidateGroups` or `candidateUsers` is offered to nobody:
  only an administrator or a process owner can claim it or hand it to someone (issue 15 item 3).
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.camunda.parser.CamundaParser import NSMAP

_B = "{" + NSMAP["bpmn"] + "}"
_C = "{" + NSMAP["camunda"] + "}"
OFFERING = ("assignee", "candidateGroups", "candidateUsers")


def warnings_for(process: etree._Element, file: str) -> list[str]:
    """Bilingual warnings for one process element (its embedded sub-processes included), each naming
    the file, line and element id as deploy refusals do."""
    out: list[str] = []
    for task in process.iter(_B + "userTask"):
        if any((task.get(_C + name) or "").strip() for name in OFFERING):
            continue
        out.append(f"{file}:{task.sourceline} [{task.get('id')}] 用户任务未指定办理人或候选人，"
                   "只有系统管理员或流程管理员可以认领或指派 / user task offered to nobody (no assignee, "
                   "candidateGroups or candidateUsers): only an administrator or a process owner can "
                   "claim or assign it")
    return out
