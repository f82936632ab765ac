"""Deploy diagrams: validate, version, and refuse anything that would run unsafe or broken code."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from lxml import etree

from forms import camunda_forms
from workflows.errors import DiagramInvalid, DiagramProblem

from ..actors import ADMIN, PROCESS_OWNER, Actor
from ..context import Context
from ..errors import Forbidden, InvalidInput
from . import called, candidate_groups, decisions, drawn_forms, timer_starts
from .store import audit, definitions, messages
from .store.decision_models import DecisionDefinition
from .store.models import Deployment, ProcessDefinition, Resource

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DEPLOYABLE = (".bpmn", ".bpmn20.xml", ".dmn")
DMN_FILES = (".dmn",)
"""DMN 1.3 decision tables (`service/engine/decisions.py`), validated against the DMN schema."""
FORM_FILES = (".form",)
"""Camunda Forms (form-js JSON) Modeler deploys beside the diagram: stored as deployment resources."""


@dataclass
class DeployResult:
    deployment: Deployment | None
    created: list[ProcessDefinition] = field(default_factory=list)
    unchanged: list[ProcessDefinition] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # deployed anyway (workflows/advice.py)
    decisions_created: list[DecisionDefinition] = field(default_factory=list)
    decisions_unchanged: list[DecisionDefinition] = field(default_factory=list)


def deploy(
    ctx: Context,
    *,
    files: dict[str, bytes],
    actor: Actor,
    name: str | None = None,
    source: str | None = None,
    tenant_id: str | None = None,
    changed_only: bool = True,
) -> DeployResult:
    """Create a deployment; a process whose content is unchanged keeps its version (deploy-changed-only),
    and so does a decision whose `.dmn` file is unchanged (`decisions`).

    Raises:
        Forbidden: the actor is not a process owner or an administrator.
        InvalidInput: a refused file (every problem of every file: BPMN lint, DMN schema and FEEL, forms,
            bindings), or nothing deployable.
    """
    if not actor.has(PROCESS_OWNER, ADMIN):
        raise Forbidden("只有流程管理员可以部署 / Only process owners may deploy")
    forms = {n: c for n, c in files.items() if n.endswith(FORM_FILES)}
    files = {n: c for n, c in files.items() if n.endswith(DEPLOYABLE)}
    _check_forms(forms, files)
    if not files and forms:  # Modeler's Deploy from the form editor: the forms alone
        return _deploy_forms(ctx, forms=forms, actor=actor, name=name, source=source, tenant_id=tenant_id,
                             changed_only=changed_only)
    if not files:
        raise InvalidInput(
            "没有可部署的 BPMN 文件 / No BPMN file in the deployment", {"data": ["no .bpmn file"]}
        )
    dmn_files = {n: c for n, c in files.items() if n.endswith(DMN_FILES)}
    files = {n: c for n, c in files.items() if not n.endswith(DMN_FILES)}
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        library = called.library_for_deploy(session, files, definitions.latest_resources(session))
        problems: list[DiagramProblem] = []  # every problem of every file at once (issue 15 item 7)
        compiled, compiled_decisions = {}, {}
        try:
            compiled_decisions = ctx.workflows.compile_decisions(dmn_files)
        except DiagramInvalid as exc:
            problems += exc.problems
        try:
            compiled = ctx.workflows.compile(files, library=library) if files else {}
        except DiagramInvalid as exc:
            problems += exc.problems
        new_decisions, kept_decisions = decisions.changed(session, compiled_decisions, dmn_files,
                                                          changed_only)
        if not problems:
            problems = decisions.check_references(session, files, compiled_decisions,
                                                  {d.key for d, _ in new_decisions})
        if problems:
            raise InvalidInput("流程图校验未通过 / The diagram is invalid",
                               {"diagram": [_describe(p) for p in problems]}) from DiagramInvalid(problems)
        result = DeployResult(deployment=None, warnings=[w for p in compiled.values() for w in p.warnings],
                              decisions_unchanged=kept_decisions)
        result.warnings += candidate_groups.unknown_group_warnings(session, files)
        result.warnings += decisions.missing_warnings(session, files, compiled_decisions)
        form_problems, form_warnings = drawn_forms.form_ref_findings(session, files, forms)
        if form_problems:
            raise InvalidInput("表单文件无效 / A form file is invalid", {"forms": form_problems})
        result.warnings += form_warnings
        pending: list[tuple] = []
        firings = {key: timer_starts.first_firings(ctx, process, now) for key, process in compiled.items()}
        forms_digest = _forms_digest(forms)
        for key, process in compiled.items():
            content = files[process.resource_name]
            # duplicate filtering compares the whole resource set: a changed .form is a new version
            digest = hashlib.sha256(content + forms_digest).hexdigest() if forms else hashlib.sha256(
                content).hexdigest()
            latest = definitions.find_latest(session, key)
            if changed_only and latest is not None and latest.content_hash == digest:
                result.unchanged.append(latest)
            else:
                pending.append((key, process, digest, definitions.next_version(session, key)))
        if not pending and not new_decisions:
            uow.commit()
            return result
        deployment = Deployment(
            id=str(uuid.uuid4()),
            name=name,
            source=source,
            tenant_id=tenant_id,
            deployed_at=now,
            deployed_by=actor.id,
        )
        session.add(deployment)
        for resource_name, content in (files | dmn_files | forms).items():
            session.add(
                Resource(
                    id=str(uuid.uuid4()),
                    deployment_id=deployment.id,
                    name=resource_name,
                    content=content,
                    content_hash=hashlib.sha256(content).hexdigest(),
                )
            )
        session.flush()
        content_of = {key: files[process.resource_name] for key, process, _, _ in pending}
        for key, process, digest, version in pending:
            definition = ProcessDefinition(
                id=f"{key}:{version}:{uuid.uuid4()}",
                key=key,
                version=version,
                name=process.name,
                deployment_id=deployment.id,
                resource_name=process.resource_name,
                content_hash=digest,
                spec_json=process.spec_json,
                starter_groups=_starter(files[process.resource_name], key, "candidateStarterGroups"),
                starter_users=_starter(files[process.resource_name], key, "candidateStarterUsers"),
                version_tag=_starter(files[process.resource_name], key, "versionTag"),
                deployed_at=now,
            )
            session.add(definition)
            result.created.append(definition)
        result.decisions_created = decisions.record(session, deployment.id, new_decisions, now)
        session.flush()
        for definition in result.created:  # the called versions it was compiled with (binding latest)
            called.record_deployed(session, definition, content_of[definition.key])
            # Camunda: the new version's timer start events replace the previous version's
            timer_starts.schedule(session, ctx, definition, firings[definition.key], actor=actor, now=now)
            # message start events: unique among the processes, taken over by the newest version
            messages.record_start_events(session, definition, content_of[definition.key], now)
        result.deployment = deployment
        audit.record(
            session,
            actor=actor,
            action="deployment.created",
            at=now,
            detail={"deployment": deployment.id, "definitions": [d.id for d in result.created],
                    "decisions": [d.id for d in result.decisions_created]},
        )
        uow.commit()
        return result


def _deploy_forms(ctx: Context, *, forms: dict[str, bytes], actor: Actor, name: str | None,
                  source: str | None, tenant_id: str | None, changed_only: bool) -> DeployResult:
    """A deployment of Camunda Forms only (a new version of each, for `formRefBinding="latest"`); with
    duplicate filtering, forms identical to the newest of the same names answer that deployment."""
    now = ctx.now()
    with ctx.unit_of_work() as uow:
        session = uow.session
        if changed_only:
            newest = {n: _newest_resource(session, n) for n in forms}
            deployments = {r.deployment_id for r in newest.values() if r is not None}
            same = all(r is not None and r.content == forms[n] for n, r in newest.items())
            if same and len(deployments) == 1:
                return DeployResult(deployment=definitions.get_deployment(session, deployments.pop()))
        deployment = Deployment(id=str(uuid.uuid4()), name=name, source=source, tenant_id=tenant_id,
                                deployed_at=now, deployed_by=actor.id)
        session.add(deployment)
        for resource_name, content in forms.items():
            session.add(Resource(id=str(uuid.uuid4()), deployment_id=deployment.id, name=resource_name,
                                 content=content, content_hash=hashlib.sha256(content).hexdigest()))
        audit.record(session, actor=actor, action="deployment.created", at=now,
                     detail={"deployment": deployment.id, "definitions": [], "forms": sorted(forms)})
        uow.commit()
        return DeployResult(deployment=deployment)


def _newest_resource(session, name: str) -> Resource | None:
    return session.scalars(
        sa.select(Resource).join(Deployment, Deployment.id == Resource.deployment_id)
        .where(Resource.name == name).order_by(Deployment.deployed_at.desc())
    ).first()


def _check_forms(forms: dict[str, bytes], files: dict[str, bytes]) -> None:
    """Refuse a `.form` that is not a Camunda Form (form-js JSON with typed, keyed components), a
    generated form with an unknown type or constraint, or a deployment-bound formKey whose file is
    missing, naming the file and the component or element (InvalidInput, field `forms`)."""
    problems = []
    for name, content in sorted(files.items()):
        if name.endswith((".bpmn", ".bpmn20.xml")):
            try:
                problems.extend(drawn_forms.problems_in(name, content, set(forms)))
            except etree.XMLSyntaxError:
                pass  # the diagram check reports it
    for name, content in sorted(forms.items()):
        try:
            camunda_forms.parse_form_js(name, content)
        except camunda_forms.FormDefinitionInvalid as exc:
            problems.append(str(exc))
    if problems:
        raise InvalidInput("表单文件无效 / A form file is invalid", {"forms": problems})


def _forms_digest(forms: dict[str, bytes]) -> bytes:
    """One digest of the deployment's form files (names and contents), folded into each process's."""
    digest = hashlib.sha256()
    for name in sorted(forms):
        digest.update(name.encode() + b"\0" + hashlib.sha256(forms[name]).digest())
    return digest.hexdigest().encode()


def _describe(problem) -> str:
    where = f"{problem.file}:{problem.line}" if problem.line else problem.file
    element = f" [{problem.element_id}]" if problem.element_id else ""
    return f"{where}{element} {problem.message}"


def _starter(content: bytes, key: str, attribute: str) -> str | None:
    """The process's `camunda:candidateStarterGroups`, `camunda:candidateStarterUsers` or
    `camunda:versionTag` (any camunda attribute of the process), as written."""
    root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for process in root.iter(f"{{{BPMN}}}process"):
        if process.get("id") == key:
            return process.get(f"{{{CAMUNDA}}}{attribute}")
    return None
