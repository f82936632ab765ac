"""Deploy-time warning: a diagram offers work to a group nobody can be in (issue 15 item 2).

Camunda deploys a `camunda:candidateGroups="accounting"` whether or not the group exists, and so does
this back office; but since groups are data (app_group), it can say so: the deployment answers a
warning naming the file, line, element and group, so the process owner creates the group (admin page,
`POST /engine-rest/group/create`, `consortium group add`) before anyone waits on the task.
Expressions (`${…}`, `#{…}`) name their groups at run time and are not checked.
"""

from __future__ import annotations

from lxml import etree
from sqlalchemy.orm import Session

from .store import identities

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
CHECKED = (  # (element, attribute) pairs that name groups
    (BPMN + "userTask", "candidateGroups"),
    (BPMN + "process", "candidateStarterGroups"),
)


def named_groups(file: str, content: bytes) -> list[tuple[str, int | None, str, str]]:
    """(file, line, element id, group) for every literal group a diagram names; none for a file that
    is not XML (the compiler has already refused it)."""
    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return []
    out = []
    for tag, attribute in CHECKED:
        for element in root.iter(tag):
            value = element.get(CAMUNDA + attribute) or ""
            if "${" in value or "#{" in value:
                continue
            for group in (g.strip() for g in value.split(",")):
                if group:
                    out.append((file, element.sourceline, element.get("id") or "?", group))
    return out


def unknown_group_warnings(session: Session, files: dict[str, bytes]) -> list[str]:
    """Bilingual warnings, one per element and group that app_group does not hold."""
    named = [n for file, content in files.items() if file.endswith((".bpmn", ".bpmn20.xml"))
             for n in named_groups(file, content)]
    known = identities.existing_groups(session, {group for *_, group in named})
    return [
        f"{file}:{line} [{element}] 候选组 {group} 不存在，没有人能办理此任务，请先创建该组 / "
        f"candidate group '{group}' does not exist: nobody can work on this until the group is "
        "created and has members"
        for file, line, element, group in named if group not in known
    ]
