"""The form a user task was drawn with in Camunda Modeler: a built-in one (`forms/`), a Camunda Form
deployed beside the diagram (`camunda:formRef` or `camunda:formKey="camunda-forms:deployment:X.form"`),
a generated one (`camunda:formData`), or none (Camunda completes such a task with its variables).

Definitions and deployments are immutable, so what is read from the stored BPMN is kept per
(definition, process, element).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.orm import Session

from forms import camunda_forms
from forms import registry as form_registry
from workflows import numbers as versions

from ..clock import SHANGHAI
from ..errors import InvalidInput, NotFound
from .store import definitions
from .store.models import Deployment, ProcessDefinition, Resource
from .typed_variables import Long

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DEPLOYMENT_FORM = "camunda-forms:deployment:"


@dataclass
class DrawnForm:
    """What the task's completion is validated with.

    kind: "builtin" (form_key names a `forms/` schema), "camunda-form" (`document` is the form-js JSON,
    `resource` its stored file), "generated" (formData) or "none".
    """

    kind: str
    form_key: str | None = None
    rules: list[camunda_forms.FieldRule] = field(default_factory=list)
    document: dict[str, Any] | None = None
    resource: Resource | None = None
    form_fields: list[dict[str, Any]] = field(default_factory=list)

    def form_js(self) -> dict[str, Any] | None:
        """The form-js document the page renders: the deployed one, or one drawn from the formData
        fields; None for a built-in form (rendered from its schema) or no form."""
        if self.kind == "camunda-form":
            return self.document
        if self.kind == "generated":
            return camunda_forms.rules_to_form_js(self.rules)
        return None

    def keys(self) -> list[str]:
        """The variable names the form's fields write."""
        return [rule.key for rule in self.rules]


@dataclass
class _Element:
    form_key: str | None
    form_ref: str | None
    binding: str
    version: str | None
    form_fields: list[dict[str, Any]]


_ELEMENTS: dict[tuple[str, str, str], _Element | None] = {}


def for_task(session: Session, definition_id: str, process_key: str, element_id: str,
             form_key: str | None) -> DrawnForm:
    """The form of user task `element_id` of process `process_key`, run by definition `definition_id`.

    Raises InvalidInput (field `formRef`/`formKey`) when the diagram references a Camunda Form that no
    deployment holds (Camunda: "No Camunda Form Definition was found"); NotFound never.
    """
    if form_key and form_key in form_registry.FORMS:
        return DrawnForm("builtin", form_key=form_key)
    definition = _definition_of(session, definition_id, process_key)
    element = _element(session, definition, process_key, element_id) if definition else None
    if element is None:
        return DrawnForm("none", form_key=form_key)
    form_key = form_key or element.form_key  # a start event's formKey is read from the diagram
    if element.form_ref:
        resource = _by_form_id(session, definition, element)
        return _camunda_form(resource, form_key)
    if form_key and form_key.startswith(DEPLOYMENT_FORM):
        name = form_key[len(DEPLOYMENT_FORM):]
        resource = _named(session, definition.deployment_id, name)
        if resource is None:
            raise InvalidInput("表单不存在 / The Camunda Form is not deployed",
                               {"formKey": [f"部署中没有 {name} / deployment has no resource '{name}'"]})
        return _camunda_form(resource, form_key)
    if element.form_fields:
        rules = camunda_forms.form_data_rules(element.form_fields, element=element_id)
        return DrawnForm("generated", form_key=form_key, rules=rules, form_fields=element.form_fields)
    return DrawnForm("none", form_key=form_key)


def reference(session: Session, definition_id: str, process_key: str, element_id: str,
              form_key: str | None) -> dict[str, Any]:
    """Camunda's FormDto of a task or start event: `{"key", "contextPath", "camundaFormRef"}` (the
    formKey as written, or `camundaFormRef` {key, binding, version} for a `camunda:formRef`)."""
    definition = _definition_of(session, definition_id, process_key)
    element = _element(session, definition, process_key, element_id) if definition else None
    ref = None
    if element is not None and element.form_ref:
        version = versions.whole_number(element.version)
        ref = {"key": element.form_ref, "binding": element.binding, "version": version}
    key = form_key if form_key is not None else (element.form_key if element else None)
    return {"key": None if ref else key, "contextPath": None, "camundaFormRef": ref}


def start_event_of(session: Session, definition: ProcessDefinition) -> str | None:
    """The id of the process's none start event (the one a start form belongs to), None if it has none."""
    resource = _named(session, definition.deployment_id, definition.resource_name)
    if resource is None:
        return None
    root = etree.fromstring(resource.content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for process in root.iter(f"{{{BPMN}}}process"):
        if process.get("id") != definition.key:
            continue
        for event in process.iterfind(f"{{{BPMN}}}startEvent"):
            if not any(isinstance(c.tag, str) and c.tag.endswith("EventDefinition") for c in event):
                return event.get("id")
    return None


def validate(drawn: DrawnForm, data: dict[str, Any], current: dict[str, Any] | None = None
             ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(clean, {}) or ({}, every field error) for a drawn form; `data` unchanged for "none". `current`:
    the variables the form was shown with (a read-only field may only send those back)."""
    if drawn.kind == "builtin":
        return form_registry.validate(drawn.form_key or "", data)
    if drawn.kind in ("camunda-form", "generated"):
        clean, errors = camunda_forms.validate_data(drawn.rules, data, current)
        return (_declared_types(drawn.rules, clean) if drawn.kind == "generated" else clean), errors
    return data, {}


def with_defaults(drawn: DrawnForm, data: dict[str, Any], clean: dict[str, Any]) -> dict[str, Any]:
    """`clean` plus, for a submitted generated form (Camunda's `submit-form`, the task page), the
    `defaultValue` of each field `data` leaves out, converted by the field's type, as Camunda's
    FormFieldHandler.handleSubmit sets it (a `long` default is a Long, a `date` one a Date). A field sent
    (even as null) keeps what was sent; a plain `complete` is no form submission and never calls this.

    Raises InvalidInput naming the field when its default does not convert (Camunda fails the submission).
    """
    if drawn.kind != "generated":
        return clean
    out = dict(clean)
    for rule in drawn.rules:
        if rule.key in data or rule.default is None:
            continue
        bare = camunda_forms.FieldRule(key=rule.key, kind=rule.kind, options=rule.options,
                                       extra={"camunda_type": rule.extra.get("camunda_type")})
        value, errors = camunda_forms.validate_data([bare], {rule.key: rule.default})
        if errors:
            raise InvalidInput("表单字段默认值无效 / A form field's defaultValue does not convert",
                               {rule.key: [f"defaultValue {rule.default!r}: {errors.get(rule.key)}"]})
        out.update(_declared_types([bare], value))
    return out


def _declared_types(rules: list[camunda_forms.FieldRule], clean: dict[str, Any]) -> dict[str, Any]:
    """A generated form's values as the types its fields declare, as Camunda's form types convert them:
    a `long` field gives a Long, a `date` field a Date (a date alone means its midnight), so the variable
    reads back with that type everywhere (issue 15 item 1)."""
    out = dict(clean)
    for rule in rules:
        value, declared = out.get(rule.key), rule.extra.get("camunda_type")
        if declared == "long" and isinstance(value, int) and not isinstance(value, bool):
            out[rule.key] = Long(value)
        elif declared == "date" and isinstance(value, str):
            out[rule.key] = _moment(value)
    return out


def _moment(text: str) -> datetime:
    """An ISO date or date-time (already checked by the form) as an aware datetime, Beijing time when
    no offset is given."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def _camunda_form(resource: Resource, form_key: str | None) -> DrawnForm:
    document = json.loads(resource.content.decode("utf-8-sig"))
    return DrawnForm("camunda-form", form_key=form_key, document=document, resource=resource,
                     rules=camunda_forms.form_js_rules(document, name=resource.name))


class DefinitionRef(NamedTuple):
    """What a form lookup needs of a process definition (its row never changes once deployed)."""

    id: str
    key: str
    deployment_id: str
    resource_name: str


def _definition_of(session: Session, definition_id: str, process_key: str) -> DefinitionRef | None:
    """The definition holding process `process_key` for an instance of `definition_id`: that one, else
    the callee deployed with it, else the callee's latest. The first two are kept per pair (a definition
    and its deployment never change: no read per completion, issue 18); the latest is read each time."""
    pinned = _PINNED.get((definition_id, process_key))
    if pinned is not None:
        return pinned
    definition = session.get(ProcessDefinition, definition_id)
    found = definition if definition is not None and definition.key == process_key else None
    if definition is not None and found is None:  # a task of a called process: deployed with the caller?
        found = session.scalars(sa.select(ProcessDefinition).where(
            ProcessDefinition.deployment_id == definition.deployment_id,
            ProcessDefinition.key == process_key)).first()
    if found is not None:
        if len(_PINNED) > 10_000:
            _PINNED.clear()
        _PINNED[(definition_id, process_key)] = _ref(found)
        return _PINNED[(definition_id, process_key)]
    latest = definitions.find_latest(session, process_key) or definition
    return _ref(latest) if latest is not None else None


def _ref(definition: ProcessDefinition) -> DefinitionRef:
    return DefinitionRef(definition.id, definition.key, definition.deployment_id, definition.resource_name)


_PINNED: dict[tuple[str, str], DefinitionRef] = {}


def _element(session: Session, definition: DefinitionRef, process_key: str,
             element_id: str) -> _Element | None:
    cache_key = (definition.id, process_key, element_id)
    if cache_key not in _ELEMENTS:
        if len(_ELEMENTS) > 10_000:
            _ELEMENTS.clear()
        resource = _named(session, definition.deployment_id, definition.resource_name)
        _ELEMENTS[cache_key] = _read_element(resource.content, element_id, process_key) if resource else None
    return _ELEMENTS[cache_key]


def _read_element(content: bytes, element_id: str, process_key: str | None = None) -> _Element | None:
    """The form attributes of user task / start event `element_id` (in process `process_key` when
    given: element ids are unique per file, but a called process may sit in another file)."""
    root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    scopes = [p for p in root.iter(f"{{{BPMN}}}process") if process_key in (None, p.get("id"))] or [root]
    for node in (n for scope in scopes for n in scope.iter(f"{{{BPMN}}}userTask", f"{{{BPMN}}}startEvent")):
        if node.get("id") != element_id:
            continue
        fields_ = []
        path = f"{{{BPMN}}}extensionElements/{{{CAMUNDA}}}formData/{{{CAMUNDA}}}formField"
        for spec in node.iterfind(path):
            fields_.append({
                "id": spec.get("id"), "type": spec.get("type"), "label": spec.get("label"),
                "default_value": spec.get("defaultValue"),
                "validation": [{"name": c.get("name"), "config": c.get("config")}
                               for c in spec.iterfind(f"{{{CAMUNDA}}}validation/{{{CAMUNDA}}}constraint")],
                "options": [{"id": v.get("id"), "name": v.get("name")}
                            for v in spec.iterfind(f"{{{CAMUNDA}}}value")],
            })
        return _Element(form_key=node.get(f"{{{CAMUNDA}}}formKey"),
                        form_ref=node.get(f"{{{CAMUNDA}}}formRef"),
                        binding=node.get(f"{{{CAMUNDA}}}formRefBinding") or "latest",
                        version=node.get(f"{{{CAMUNDA}}}formRefVersion"), form_fields=fields_)
    return None


def problems_in(name: str, content: bytes, form_names: set[str]) -> list[str]:
    """Deploy-time problems of the forms a BPMN file draws: a `camunda:formData` field of an unknown
    type, constraint or validator, or a `camunda-forms:deployment:X.form` formKey whose file is not in
    the deployment. Each names the file and element."""
    problems = []
    root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for node in root.iter(f"{{{BPMN}}}userTask", f"{{{BPMN}}}startEvent"):
        element_id = node.get("id") or ""
        element = _read_element(content, element_id) if element_id else None
        if element is None:
            continue
        try:
            camunda_forms.form_data_rules(element.form_fields, element=f"{name} [{element_id}]")
        except camunda_forms.FormDefinitionInvalid as exc:
            problems.append(str(exc))
        key = element.form_key or ""
        if key.startswith(DEPLOYMENT_FORM) and key[len(DEPLOYMENT_FORM):] not in form_names:
            problems.append(f"{name} [{element_id}] formKey {key}: 部署中没有该表单文件 / the deployment has "
                            f"no file '{key[len(DEPLOYMENT_FORM):]}' (include it as an additional file)")
    return problems


def form_ref_findings(session: Session, files: dict[str, bytes], forms: dict[str, bytes]
                      ) -> tuple[list[str], list[str]]:
    """(problems, warnings) of the `camunda:formRef`s the BPMN `files` draw, deployed with `forms`.

    A problem (the deployment is refused): binding `deployment` to a form id that no file of this
    deployment has: the task could never show or check its form. A warning (deployed anyway, as Camunda
    resolves these when the task is reached): binding `latest` to a form id nobody deployed yet, or
    binding `version` to a version that does not exist yet. Each names the file, element and form.
    """
    here = [_form_id_of(content) for content in forms.values()]
    problems, warnings = [], []
    for name, content in sorted(files.items()):
        if not name.endswith((".bpmn", ".bpmn20.xml")):
            continue
        try:
            root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            continue  # the diagram check reports it
        for node in root.iter(f"{{{BPMN}}}userTask", f"{{{BPMN}}}startEvent"):
            form_id = node.get(f"{{{CAMUNDA}}}formRef")
            if not form_id or "{" in form_id:  # none, or an expression resolved when the task is reached
                continue
            version = node.get(f"{{{CAMUNDA}}}formRefVersion") or ""
            binding = node.get(f"{{{CAMUNDA}}}formRefBinding") or "latest"
            where = f"{name} [{node.get('id')}] formRef {form_id} ({binding})"
            known = len(form_versions(session, form_id)) + here.count(form_id)
            if binding == "deployment" and form_id not in here:
                problems.append(f"{where}: 本次部署没有该表单 / no form file of this deployment has id "
                                f"'{form_id}' (include it as an additional file)")
            elif binding == "version" and (versions.whole_number(version) or 0) > known:
                warnings.append(f"{where}: 该表单版本尚未部署，任务到达前须部署 / version "
                                f"{version} of the form is not deployed yet "
                                f"({known} deployed): deploy it before a task reaches this step")
            elif binding == "latest" and known == 0:
                warnings.append(f"{where}: 该表单尚未部署，任务到达前须部署 / no form with this id is "
                                "deployed yet: deploy it before a task reaches this step")
    return problems, warnings


def _form_id_of(content: bytes) -> str | None:
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return document.get("id") if isinstance(document, dict) else None


def _named(session: Session, deployment_id: str, name: str) -> Resource | None:
    return session.scalars(sa.select(Resource).where(Resource.deployment_id == deployment_id,
                                                     Resource.name == name)).first()


def form_versions(session: Session, form_id: str) -> list[Resource]:
    """Every deployed Camunda Form whose form-js `id` is `form_id`, oldest first: version n is the n-th
    (Camunda versions a form definition per deployment, as a process definition). A file's id is read
    once (resources are immutable); only the matching rows are loaded whole."""
    listed = session.execute(
        sa.select(Resource.id).join(Deployment, Deployment.id == Resource.deployment_id)
        .where(Resource.name.like("%.form")).order_by(Deployment.deployed_at, Resource.id)
    ).scalars().all()
    for resource_id in [r for r in listed if r not in _FORM_IDS]:
        _form_id(session.get(Resource, resource_id))
    return [session.get(Resource, r) for r in listed if _FORM_IDS.get(r) == form_id]


_FORM_IDS: dict[str, str | None] = {}


def _form_id(resource: Resource) -> str | None:
    if resource.id not in _FORM_IDS:
        if len(_FORM_IDS) > 10_000:  # one per deployed form file: bounded like _ELEMENTS (issue 18)
            _FORM_IDS.clear()
        _FORM_IDS[resource.id] = _form_id_of(resource.content)
    return _FORM_IDS[resource.id]


def _by_form_id(session: Session, definition: DefinitionRef, element: _Element) -> Resource:
    """The Camunda Form `camunda:formRef` names, by `formRefBinding`: latest (default), deployment (the
    one deployed with the diagram) or version (`formRefVersion`)."""
    form_id = element.form_ref or ""
    versions = form_versions(session, form_id)
    found: Resource | None = None
    if element.binding == "deployment":
        found = next((r for r in versions if r.deployment_id == definition.deployment_id), None)
    elif element.binding == "version":
        try:
            number = int(element.version or "")
        except ValueError:
            number = 0
        found = versions[number - 1] if 0 < number <= len(versions) else None
    else:
        found = versions[-1] if versions else None
    if found is None:
        version = f" {element.version}" if element.version else ""
        detail = f"{form_id} (binding {element.binding}{version})"
        raise InvalidInput("表单不存在 / No Camunda Form definition was found",
                           {"formRef": [f"没有已部署的表单 / no deployed form {detail}"]})
    return found


def not_found(task_id: str, form_key: str | None) -> NotFound:
    """The NotFound a caller sees when a task has no form to show (GET /task/{id}/deployed-form)."""
    return NotFound(f"任务没有已部署的表单 / Task {task_id} has no deployed form ({form_key or 'none'})")
