"""Elements Camunda 7 reads as documentation: data stores, data objects and their associations.

Camunda's engine gives `bpmn:dataStoreReference`, `bpmn:dataObject(Reference)` and the data input/output
associations that connect them to activities no behaviour (user guide, "Data Objects and Data
Stores": "not executed"); Modeler draws them so a procedure reads well. SpiffWorkflow does execute
data objects (it moves the variable of that name out of the task's data) and cannot resolve an
association to a data store at all, so one drawn archive refused the whole deployment (issue 15 items
3, 7). The associations are removed from the parsed tree before SpiffWorkflow reads it; the deployed
resource keeps them (Modeler and the diagram viewer still show them).
"""

from __future__ import annotations

from lxml import etree
from SpiffWorkflow.camunda.parser.CamundaParser import NSMAP

_B = "{" + NSMAP["bpmn"] + "}"
DOCUMENTATION_ONLY = ("dataStoreReference", "dataObjectReference", "dataObject", "dataStore")


def drop_data_associations(root: etree._Element) -> int:
    """Remove every data input/output association whose source or target is a data store or data
    object of the document; returns how many were removed."""
    ids = {node.get("id") for name in DOCUMENTATION_ONLY for node in root.iter(_B + name) if node.get("id")}
    removed = 0
    for tag, end in (("dataInputAssociation", "sourceRef"), ("dataOutputAssociation", "targetRef")):
        for association in list(root.iter(_B + tag)):
            refs = {(ref.text or "").strip() for ref in association.findall(_B + end)}
            if refs & ids:
                association.getparent().remove(association)
                removed += 1
    return removed
