"""DMN decisions deployed with diagrams (issue 15 item 6): versions, references, lookup and evaluation.

A `.dmn` file of a deployment is validated and compiled by `workflows.dmn` (through the engine's
`compile_decisions`); each decision becomes a `DecisionDefinition` row, versioned per key as Camunda 7
versions decision definitions, and the file a resource of the deployment. With duplicate filtering, a
decision whose file is byte-identical to the newest version's keeps that version.

A business-rule task's `camunda:decisionRefBinding` (Camunda 7 BPMN reference, "Business Rule Task"):
`latest` resolves when the task runs (so it may name a decision deployed later, like a call activity's
callee); `deployment` must name a decision of the same deployment and `version` an existing version (or
the one this deployment creates), else the deployment is refused naming the task.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from workflows import dmn
from workflows.data import camunda_types, json_safe
from workflows.decision_task import Lookup
from workflows.engine import CompiledDecision
from workflows.errors import DiagramProblem
from workflows.numbers import whole_number

from ..actors import Actor
from ..context import Context
from ..errors import InvalidInput, NotFound
from .store import audit
from .store.decision_models import DecisionDefinition
from .store.models import ProcessDefinition, Resource
from .typed_variables import TypedVariables

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True)


def find_latest(session: Session, key: str) -> DecisionDefinition | None:
    """The newest version of decision `key`, or None."""
    return session.scalars(sa.select(DecisionDefinition).where(DecisionDefinition.key == key)
                           .order_by(DecisionDefinition.version.desc())).first()


def find_version(session: Session, key: str, version: int) -> DecisionDefinition | None:
    return session.scalars(sa.select(DecisionDefinition).where(
        DecisionDefinition.key == key, DecisionDefinition.version == version)).first()


def find_in_deployment(session: Session, key: str, deployment_id: str) -> DecisionDefinition | None:
    """Decision `key` as deployed in `deployment_id`: its own version there, or, when duplicate filtering
    kept the version of an unchanged `.dmn` file, the version whose file that deployment holds."""
    own = session.scalars(sa.select(DecisionDefinition).where(
        DecisionDefinition.key == key, DecisionDefinition.deployment_id == deployment_id)).first()
    if own is not None:
        return own
    files = sa.select(Resource.content_hash).where(Resource.deployment_id == deployment_id)
    return session.scalars(sa.select(DecisionDefinition).where(
        DecisionDefinition.key == key, DecisionDefinition.content_hash.in_(files))
        .order_by(DecisionDefinition.version.desc())).first()


def changed(session: Session, decisions: Mapping[str, CompiledDecision], files: Mapping[str, bytes],
            changed_only: bool) -> tuple[list[tuple[CompiledDecision, str]], list[DecisionDefinition]]:
    """(decisions to create with their file's hash, newest versions kept unchanged)."""
    create: list[tuple[CompiledDecision, str]] = []
    kept: list[DecisionDefinition] = []
    for key, decision in decisions.items():
        digest = hashlib.sha256(files[decision.resource_name]).hexdigest()
        latest = find_latest(session, key)
        if changed_only and latest is not None and latest.content_hash == digest:
            kept.append(latest)
        else:
            create.append((decision, digest))
    return create, kept


def references(content: bytes) -> list[tuple[str, str, str, int | None, int | None]]:
    """(element id, decision key, binding, version, line) of each business-rule task of a BPMN document."""
    try:
        root = etree.fromstring(content, parser=_SAFE)
    except etree.XMLSyntaxError:
        return []
    out = []
    for node in root.iter(f"{{{BPMN}}}businessRuleTask"):
        key = (node.get(f"{{{CAMUNDA}}}decisionRef") or "").strip()
        binding = node.get(f"{{{CAMUNDA}}}decisionRefBinding") or "latest"
        raw = (node.get(f"{{{CAMUNDA}}}decisionRefVersion") or "").strip()
        if key:
            out.append((node.get("id") or "", key, binding, whole_number(raw),
                        node.sourceline))
    return out


def check_references(session: Session, files: Mapping[str, bytes], deployed: Mapping[str, CompiledDecision],
                     versioned: set[str]) -> list[DiagramProblem]:
    """Problems of the deployment's business-rule task bindings (module docstring), each naming the
    file, the task and its line; empty when every `deployment` / `version` binding resolves.
    `deployed`: the decisions in this deployment; `versioned`: the keys it gives a new version."""
    problems = []
    for file, content in files.items():
        for element_id, key, binding, version, line in references(content):
            if binding == "deployment" and key not in deployed:
                message = (f"decisionRefBinding=deployment：本次部署没有决策 {key} / the decision {key!r} is "
                           "not in this deployment")
                problems.append(DiagramProblem(file, element_id, line, message))
            if binding == "version" and version is not None:
                latest = find_latest(session, key)
                next_version = (latest.version if latest is not None else 0) + (1 if key in versioned else 0)
                if find_version(session, key, version) is None and version != next_version:
                    problems.append(DiagramProblem(file, element_id, line, f"decisionRefVersion：决策 {key} "
                                                   f"没有版本 {version} / decision {key!r} has no version "
                                                   f"{version}"))
    return problems


def missing_warnings(session: Session, files: Mapping[str, bytes], deployed: Mapping[str, CompiledDecision]
                     ) -> list[str]:
    """A warning per business-rule task bound `latest` to a decision deployed nowhere yet: it deploys
    (the decision may follow, as Camunda resolves it when the task runs), but would fail if run now."""
    warnings = []
    for file, content in files.items():
        for element_id, key, binding, _version, _line in references(content):
            if binding == "latest" and key not in deployed and find_latest(session, key) is None:
                warnings.append(f"{file} [{element_id}] 决策 {key} 尚未部署，运行到此将失败 / the decision "
                                f"{key!r} is not deployed yet: the task fails if reached before it is")
    return warnings


def record(session: Session, deployment_id: str, create: list[tuple[CompiledDecision, str]],
           now: datetime) -> list[DecisionDefinition]:
    """New decision definition rows (next version per key) for `create`."""
    rows = []
    for decision, digest in create:
        latest = find_latest(session, decision.key)
        version = (latest.version if latest is not None else 0) + 1
        row = DecisionDefinition(
            id=f"{decision.key}:{version}:{uuid.uuid4()}", key=decision.key, version=version,
            name=decision.name, deployment_id=deployment_id, resource_name=decision.resource_name,
            content_hash=digest, table_json=decision.table_json, version_tag=decision.version_tag,
            deployed_at=now)
        session.add(row)
        rows.append(row)
    return rows


def lookup_for(session: Session, definition_id: str) -> Lookup:
    """The decision lookup a command binds for its instance (`workflows.decision_task.bound`):
    `deployment` means the deployment of the instance's definition or, for a task of a called process,
    of that process's newest version (the one a new call runs, binding latest)."""
    cache: dict[tuple[str, str, int | None, str], dict[str, Any] | None] = {}

    def deployment_of(process_key: str) -> str | None:
        own = session.get(ProcessDefinition, definition_id)
        if own is not None and own.key == process_key:
            return own.deployment_id
        return session.scalar(sa.select(ProcessDefinition.deployment_id).where(
            ProcessDefinition.key == process_key).order_by(ProcessDefinition.version.desc()))

    def lookup(key: str, binding: str, version: int | None, process_key: str) -> dict[str, Any] | None:
        if (key, binding, version, process_key) not in cache:
            if binding == "deployment":
                deployment_id = deployment_of(process_key)
                row = find_in_deployment(session, key, deployment_id) if deployment_id else None
            elif binding == "version" and version is not None:
                row = find_version(session, key, version)
            else:
                row = find_latest(session, key)
            cache[(key, binding, version, process_key)] = json.loads(row.table_json) if row else None
        return cache[(key, binding, version, process_key)]

    return lookup


# --- reading and evaluating (/engine-rest/decision-definition) -----------------------------------------

def list_definitions(ctx: Context, *, key: str | None = None, latest_only: bool = False,
                     deployment_id: str | None = None) -> list[DecisionDefinition]:
    """Decision definitions, newest first per key (every signed-in user may read them, as process
    definitions)."""
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(DecisionDefinition).order_by(DecisionDefinition.key, DecisionDefinition.version)
        if key is not None:
            query = query.where(DecisionDefinition.key == key)
        if deployment_id is not None:
            query = query.where(DecisionDefinition.deployment_id == deployment_id)
        rows = list(uow.session.scalars(query))
    if latest_only:
        newest: dict[str, DecisionDefinition] = {}
        for row in rows:
            newest[row.key] = row
        rows = list(newest.values())
    return rows


def get_definition(ctx: Context, *, definition_id: str | None = None, key: str | None = None
                   ) -> DecisionDefinition:
    """One decision definition by id, or the newest of `key`.

    Raises:
        NotFound: no such decision definition.
    """
    with ctx.unit_of_work(write=False) as uow:
        if definition_id is not None:
            row = uow.session.get(DecisionDefinition, definition_id)
        else:
            row = find_latest(uow.session, key or "")
    if row is None:
        raise NotFound(f"没有该决策定义 / No decision definition {definition_id or key!r}")
    return row


def decision_xml(ctx: Context, definition: DecisionDefinition) -> bytes:
    """The `.dmn` file the decision was deployed from, byte for byte.

    Raises:
        NotFound: the file is gone.
    """
    with ctx.unit_of_work(write=False) as uow:
        content = uow.session.scalar(sa.select(Resource.content).where(
            Resource.deployment_id == definition.deployment_id, Resource.name == definition.resource_name))
    if content is None:
        raise NotFound(f"决策定义没有 DMN 文件 / No DMN resource for decision definition '{definition.id}'")
    return content


def evaluate(ctx: Context, *, definition: DecisionDefinition, variables: dict[str, Any],
             actor: Actor) -> list[TypedVariables]:
    """The decision result for `variables` (`workflows.dmn.evaluate`): one JSON-safe map of output values
    per matched rule, dates typed `Date`; audited.

    Raises:
        InvalidInput: the hit policy refused the match (UNIQUE with two rules, ANY with different outputs),
            or an input's value cannot be converted to its typeRef (naming the input).
    """
    try:
        results = dmn.evaluate(json.loads(definition.table_json), variables)
    except dmn.DecisionFailed as exc:
        raise InvalidInput(f"决策无法求值 / The decision could not be evaluated: {exc.reason}",
                           {"variables": [exc.reason]}) from exc
    except (ArithmeticError, ValueError, TypeError) as exc:  # a table deployed before today's checks
        reason = f"决策 {definition.key} 无法求值 / decision {definition.key!r} could not be evaluated: {exc}"
        raise InvalidInput(reason, {"variables": [reason]}) from exc
    with ctx.unit_of_work() as uow:
        audit.record(uow.session, actor=actor, action="decision.evaluated", at=ctx.now(),
                     detail={"decisionDefinition": definition.id, "results": len(results)})
        uow.commit()
    return [TypedVariables(json_safe(result), camunda_types(result)) for result in results]
