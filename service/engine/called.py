"""Which version of a called process a call activity runs: Camunda's `calledElementBinding`.

Camunda 7 user guide, "Call Activity" > "CalledElement Binding": `latest` (the default) calls the
newest deployed version; `deployment` the version deployed together with the caller; `version` the
version number in `calledElementVersion`. The engine embeds the called processes in the caller's
spec, so:

* at deploy (`library_for_deploy`): the library the caller is compiled against has, per called key,
  the newest version (latest), the one in this deployment (deployment; refused if absent), or the
  numbered one (version; refused if it does not exist), 400 naming the call activity;
* at start (`spec_for_start`): when a called key bound `latest` has a newer version than the one the
  caller was compiled with, the caller is compiled again with the newest versions once, stored as a
  `CalledSpec`, and the new instance runs with it (issue 12 fault 4: "a new parent instance calls
  the newest child version"). Instances keep the spec they started with.

The signature covers the caller's own call activities (not those of the called processes).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from workflows.errors import DiagramInvalid
from workflows.numbers import whole_number

from ..context import Context
from ..errors import InvalidInput
from .store import definitions
from .store.models import CalledSpec, ProcessDefinition, Resource

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Binding:
    """One call activity's binding: element id, called key, `latest|deployment|version`, version."""

    element_id: str
    key: str
    binding: str
    version: int | None


def bindings(content: bytes) -> list[Binding]:
    """The call activities of a BPMN document with a constant `calledElement` (linted elsewhere)."""
    try:
        root = etree.fromstring(content, parser=_SAFE)
    except etree.XMLSyntaxError:
        return []
    out: list[Binding] = []
    for node in root.iter(f"{{{BPMN}}}callActivity"):
        key = (node.get("calledElement") or "").strip()
        if not key or "{" in key:
            continue
        binding = node.get(f"{{{CAMUNDA}}}calledElementBinding") or "latest"
        raw = (node.get(f"{{{CAMUNDA}}}calledElementVersion") or "").strip()
        out.append(Binding(node.get("id") or "", key, binding, whole_number(raw)))
    return out


def _processes(content: bytes) -> set[str]:
    try:
        root = etree.fromstring(content, parser=_SAFE)
    except etree.XMLSyntaxError:
        return set()
    return {p.get("id") for p in root.iter(f"{{{BPMN}}}process") if p.get("id")}


def _resource(session: Session, definition: ProcessDefinition) -> Resource | None:
    query = sa.select(Resource).where(Resource.deployment_id == definition.deployment_id,
                                      Resource.name == definition.resource_name)
    return session.scalars(query).first()


def _refused(file: str, element_id: str, message: str) -> InvalidInput:
    text = f"{file} [{element_id}] {message}"
    return InvalidInput("流程图校验未通过 / The diagram is invalid", {"diagram": [text]})


def library_for_deploy(session: Session, files: Mapping[str, bytes],
                       latest: Mapping[str, bytes]) -> dict[str, bytes]:
    """The BPMN the deployment's call activities are compiled against (file name -> content).

    `latest` is `definitions.latest_resources` ("key::file name" -> content). Keys deployed in
    `files` are taken from them; `version` bindings replace the key's newest version by the numbered.

    Raises:
        InvalidInput: a `deployment` binding whose key is not in the deployment, a `version` binding
        to a version that does not exist, or two bindings of one key to different versions.
    """
    deployed = set().union(*(_processes(c) for c in files.values())) if files else set()
    by_key = {k.split("::", 1)[0]: (k.split("::", 1)[1], v) for k, v in latest.items()}
    pinned: dict[str, tuple[str, bytes, str]] = {}
    for file, content in files.items():
        for call in bindings(content):
            if call.binding == "deployment" and call.key not in deployed:
                raise _refused(file, call.element_id, f"calledElementBinding=deployment：本次部署没有流程 "
                               f"{call.key} / the process {call.key!r} is not in this deployment")
            if call.binding != "version" or call.key in deployed:
                continue
            target = session.scalars(sa.select(ProcessDefinition).where(
                ProcessDefinition.key == call.key, ProcessDefinition.version == call.version)).first()
            resource = _resource(session, target) if target is not None else None
            if resource is None:
                raise _refused(file, call.element_id, f"calledElementVersion：流程 {call.key} 没有版本 "
                               f"{call.version} / process {call.key!r} has no version {call.version}")
            if call.key in pinned and pinned[call.key][2] != target.id:
                raise _refused(file, call.element_id, f"同一流程 {call.key} 只能绑定一个版本 / one "
                               f"version per called process: {call.key!r} is bound to two")
            pinned[call.key] = (resource.name, resource.content, target.id)
    library: dict[str, bytes] = {}
    for key, (name, content) in by_key.items():
        if key in deployed or key in pinned:
            continue
        library[name] = content
    for key, (name, content, _) in pinned.items():
        library[f"{key}@{name}"] = content
    return {n: c for n, c in library.items() if n not in files}


def signature(session: Session, content: bytes, deployed: set[str]) -> str:
    """`key=definition id` of the newest version of each key the document calls with binding
    `latest` (keys deployed with the caller excluded: they resolve to the caller's deployment's)."""
    parts = []
    for key in sorted({c.key for c in bindings(content) if c.binding == "latest" and c.key not in deployed}):
        newest = definitions.find_latest(session, key)
        parts.append(f"{key}={newest.id if newest is not None else ''}")
    return ",".join(parts)


def record_deployed(session: Session, definition: ProcessDefinition, content: bytes) -> None:
    """Remember the versions `definition` was compiled with (its own spec: `spec_json` None)."""
    sig = signature(session, content, _processes(content))
    if sig:
        session.add(CalledSpec(id=str(uuid.uuid4()), definition_id=definition.id, signature=sig,
                               spec_json=None))


@dataclass(frozen=True)
class StartSpec:
    """The spec a new instance runs: `called_spec_id` None = the definition's own."""

    called_spec_id: str | None
    cache_key: str
    spec_json: str


def spec_for_start(ctx: Context, session: Session, definition: ProcessDefinition) -> StartSpec:
    """The spec for a new instance of `definition`, with the newest versions of the processes its
    call activities bind `latest` (compiled once per set of versions and stored)."""
    own = StartSpec(None, definition.id, definition.spec_json)
    resource = _resource(session, definition)
    if resource is None or b"callActivity" not in resource.content:
        return own
    sig = signature(session, resource.content, _processes(resource.content))
    if not sig:
        return own
    found = session.scalars(sa.select(CalledSpec).where(
        CalledSpec.definition_id == definition.id, CalledSpec.signature == sig)).first()
    if found is None:
        files = {definition.resource_name: resource.content}
        pinned = {c.key for c in bindings(resource.content) if c.binding == "deployment"}
        for other in definitions.resources_of(session, definition.deployment_id):
            wanted = other.name.endswith(".bpmn") and bool(_processes(other.content) & pinned)
            if wanted and other.name not in files:
                files[other.name] = other.content  # calledElementBinding deployment: the caller's deployment
        library = library_for_deploy(session, files, definitions.latest_resources(session))
        try:
            compiled = ctx.workflows.compile(files, library=library)[definition.key]
        except (DiagramInvalid, KeyError, InvalidInput):
            return own  # the called versions no longer compile with the caller: keep the deployed ones
        spec = None if compiled.spec_json == definition.spec_json else compiled.spec_json
        found = CalledSpec(id=str(uuid.uuid4()), definition_id=definition.id, signature=sig, spec_json=spec)
        session.add(found)
        session.flush()
    if found.spec_json is None:
        return own
    return StartSpec(found.id, found.id, found.spec_json)


def spec_loader(session: Session, definition_id: str, called_spec_id: str | None) -> Callable[[], str]:
    """A loader of the spec an instance runs (read only on a spec-cache miss)."""
    if called_spec_id is None:
        return lambda: definitions.spec_json(session, definition_id)
    return lambda: session.scalar(sa.select(CalledSpec.spec_json).where(CalledSpec.id == called_spec_id))
