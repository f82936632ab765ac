"""The application page's reading: state, diagram markers, timeline, documents and deadlines in one call.

The timeline is the audit trail of the instance (who did what and when), not a second record; form
contents stay out of it, so an expert reading it never sees a colleague's score sheet. Who reviews the
application is shown as "reviewer" until publication (store/reviewer_secrecy.py), in the timeline and in
the open tasks alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from forms import registry as form_registry
from forms.confirm_membership import MEMBER_COMMITMENT
from forms.messages import Msg

from ..actors import EXPERT, Actor
from ..context import Context
from ..engine import personal_data
from ..engine.instances import get_instance
from ..engine.store import instances
from ..engine.store.models import AuditEvent, HumanTask, ProcessInstance, StoredFile, TaskComment, User
from ..errors import NotFound
from .corrections import correction_history
from .decisions import Outcome, decision_outcome, event_note
from .reviews import findings, panel_access, panel_opinion
from .reviews.panels import seated_experts
from .store import consortia, reviews
from .store.document_models import IssuedDocument
from .store.models import Consortium, Organisation
from .store.reviewer_secrecy import ReviewerSecrecy


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str | None
    action: str
    element_id: str | None
    step: str | None = None  # the element's name in the diagram, for people
    hidden: bool = False  # the actor is a reviewer the viewer may not know yet
    outcome: Outcome | None = None  # what a decision step decided, with its reason (decisions.py)
    note: str | None = None  # a task comment's text, or whom a task was handed to (decisions.event_note)


@dataclass(frozen=True)
class OpenTask:
    """An open task as the page shows it; `assignee` is None when unassigned or hidden."""

    id: str
    name: str | None
    element_id: str
    due_at: datetime | None
    assignee: str | None
    hidden: bool = False


@dataclass(frozen=True)
class Deadline:
    what: str  # the element's name (its id when unnamed)
    due_at: datetime
    kind: str  # task | timer


@dataclass
class Casefile:
    instance: dict[str, Any]
    consortium: Consortium | None
    timeline: list[TimelineEntry] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    open_tasks: list[OpenTask] = field(default_factory=list)
    # the experts' findings and the city clerk's written override, if any (reviews/findings.py)
    review_findings: dict[str, Any] | None = None

    def markers(self, process_key: str) -> dict[str, list[str]]:
        """Element ids of one diagram by state: `completed` and `active` (what the viewer highlights)."""
        done, current = set(), set()
        for activity in self.instance["activities"]:
            if activity["process_key"] != process_key:
                continue
            (current if activity["state"] == "active" else done).add(activity["element_id"])
        return {"completed": sorted(done - current), "active": sorted(current)}


def read_casefile(ctx: Context, *, instance_id: str, actor: Actor) -> Casefile:
    """Everything the application page shows; NotFound if the caller may not see the instance."""
    state = get_instance(ctx, instance_id=instance_id, actor=actor)
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        instances.get_visible(session, instance_id, actor)
        events = list(session.scalars(
            sa.select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)
        ))
        names = {a["element_id"]: a["name"] for a in state["activities"] if a.get("name")}
        for e in events:  # a called process's tasks: their names as created (not the main diagram's)
            if e.action == "task.created" and e.element_id and e.element_id not in names:
                name = json.loads(e.detail_json or "{}").get("name")
                if name:
                    names[e.element_id] = name
        secrecy = ReviewerSecrecy(session, actor)
        notes = dict(session.execute(
            sa.select(TaskComment.id, TaskComment.message).where(TaskComment.instance_id == instance_id)
        ).all())
        timeline = [
            TimelineEntry(
                e.at,
                secrecy.shown(instance_id, e.actor),
                e.action,
                e.element_id,
                names.get(e.element_id, e.element_id),
                hidden=not secrecy.shows(instance_id, e.actor),
                outcome=(
                    decision_outcome(e.detail_json)
                    if e.action == "task.completed" and secrecy.shows(instance_id, e.actor)
                    else None
                ),
                note=(
                    event_note(e.action, e.detail_json, notes)
                    if secrecy.shows(instance_id, e.actor)
                    else None
                ),
            )
            for e in events
        ]
        open_tasks = [
            OpenTask(
                t.id,
                t.name,
                t.element_id,
                t.due_at,
                secrecy.shown(instance_id, t.assignee),
                hidden=not secrecy.shows(instance_id, t.assignee),
            )
            for t in session.scalars(
                sa.select(HumanTask)
                .where(HumanTask.instance_id == instance_id)
                .order_by(HumanTask.created_at)
            )
        ]
        record = consortia.find_by_instance(session, instance_id)
        review_findings = _review_findings(session, instance_id, actor)
    deadlines = [Deadline(t.name or t.element_id, t.due_at, "task") for t in open_tasks if t.due_at]
    deadlines += [
        Deadline(names.get(t["elementId"], t["elementId"]), datetime.fromisoformat(t["dueAt"]), "timer")
        for t in state["timers"]
    ]
    return Casefile(
        instance=state,
        consortium=record,
        timeline=timeline,
        deadlines=sorted(deadlines, key=lambda d: d.due_at),
        open_tasks=open_tasks,
        review_findings=review_findings,
    )


# --- the case file (申报材料, issue 13 item 1) -------------------------------------------------------
#
# What reviewers review, assembled from the process data, the register and the audit trail: the same
# reading feeds the case-file page, the panel beside every reviewing task's form, and the PDF.

REVIEW_FORMS = (  # the forms whose completions are review opinions, in procedure order
    "district_review", "city_formal_review", "desk_review", "site_visit_report", "defense_score",
    "signed_score_sheet", "select_for_publicity", "handle_objection", "filing_decision",
)
AGREEMENT_CLAUSES = (
    "innovation_goals", "task_division", "rights_obligations", "ip_ownership", "benefit_distribution",
    "breach_liability", "dispute_resolution",
)
PLAN_SECTIONS = ("significance", "organisation", "goals", "results", "funding")  # 附件 outline 一…五


@dataclass(frozen=True)
class Unit:
    """A lead unit or member as the register knows it."""

    credit_code: str
    name: str
    category: str
    role: str
    status: str
    district: str | None = None
    registered: bool = True  # False: the code is not in the register (or still pending)


@dataclass(frozen=True)
class Labelled:
    """One labelled value, both languages of the label (from the form's schema)."""

    key: str
    label_zh: str
    label_en: str
    value: Any


@dataclass(frozen=True)
class Opinion:
    """One review opinion: which step, who (None when the viewer may not know), when, what was recorded."""

    form: str
    step: str | None
    actor: str | None
    at: datetime
    fields: list[Labelled]
    title_zh: str = ""  # the form's title: which review this is
    title_en: str = ""


@dataclass
class CaseMaterial:
    application_no: str
    instance_id: str
    name: str | None
    industry: str | None
    status: str | None
    district: str | None
    key_technology: str | None
    market_need: str | None
    lead: Unit | None
    members: list[Unit]
    threshold_justification: str | None
    clauses: list[Labelled]
    signatories: list[Unit]
    agreement_document: dict[str, Any] | None
    chief_expert: list[Labelled]
    plan: list[Labelled]  # the five sections, in the outline's order
    milestones: list[dict[str, Any]]
    funding_table: list[dict[str, Any]]
    commitment: dict[str, Any] | None  # {"text", "signer", "at", "by"} once submitted
    opinions: list[Opinion]
    documents: list[dict[str, Any]]
    generated_at: datetime
    issued: list[dict[str, Any]] = field(default_factory=list)  # notices, certificate, letter: not case files
    sub_track: str | None = None  # 细分赛道 code (issue 14 item 6)
    chain_leader: bool = False  # the lead declares itself a 链主企业
    consortium_head: list[Labelled] = field(default_factory=list)  # 创新联合体负责人 (三（三）)
    # every correction: the returned sections with reasons and old → new per field (corrections.py)
    corrections: list[dict[str, Any]] = field(default_factory=list)
    # the panel's consolidated opinion (专家组意见), when the viewer may see it (panel_opinion.may_see)
    panel_opinion: dict[str, Any] | None = None
    # each member unit's integrity commitment, given when it confirmed: [{"credit_code", "name", "signer",
    # "at", "by", "text"}] in confirmation order (forms/confirm_membership.py)
    member_commitments: list[dict[str, Any]] = field(default_factory=list)


def _schema_labels(form_key: str, path: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    """The JSON-schema properties of a form (or of a nested object in it), keyed by field name."""
    try:
        node = form_registry.json_schema(form_key)
    except form_registry.UnknownForm:
        return {}
    for name in path:
        node = node.get("properties", {}).get(name, {})
    return node.get("properties", {})


def _form_title(form_key: str) -> tuple[str, str]:
    try:
        schema = form_registry.json_schema(form_key)
    except form_registry.UnknownForm:
        return form_key, form_key
    return schema.get("title", form_key), schema.get("x-title-en", form_key)


def _shown(prop: dict[str, Any], value: Any) -> Any:
    """A recorded value as people read it: choices by their title, yes/no, lists joined, scores."""
    for choice in prop.get("oneOf") or []:  # a Msg: the page shows the half of its language
        if choice.get("const") == value:
            return Msg(str(choice.get("title")), str(choice.get("x-title-en") or choice.get("title")))
    if isinstance(value, bool):
        return Msg("是", "Yes") if value else Msg("否", "No")
    if isinstance(value, dict) and "score" in value:
        return f"{value.get('score')}" + (f"：{value['comment']}" if value.get("comment") else "")
    if isinstance(value, dict) and "sha256" in value:
        return f"{value.get('name')} (SHA-256 {value['sha256']})"
    if isinstance(value, list):
        items = prop.get("items") or {}
        shown = [_shown(items, v) for v in value]
        if shown and all(isinstance(v, Msg) for v in shown):
            return Msg("、".join(v.zh for v in shown), ", ".join(v.en for v in shown))
        return "、".join(str(v) for v in shown)
    if isinstance(value, dict) and prop.get("properties"):  # e.g. a returned section with its reason
        parts = []
        known = prop["properties"]
        ordered = [k for k in known if k in value] + [k for k in value if k not in known]
        for key, item in ((k, value[k]) for k in ordered):  # the form's order (section, then reason)
            choices = prop["properties"].get(key, {}).get("oneOf") or []
            titles = {c.get("const"): c.get("title") for c in choices}
            parts.append(str(titles.get(item, item)))
        return "：".join(parts)
    return value


def _labelled(props: dict[str, dict[str, Any]], data: dict[str, Any], keys=None) -> list[Labelled]:
    found = []
    for key in keys or list(props) or list(data):
        if key not in data or data[key] in (None, "", [], {}):
            continue
        prop = props.get(key, {})
        found.append(
            Labelled(key, prop.get("title", key), prop.get("x-title-en", key), _shown(prop, data[key]))
        )
    return found


def _may_read(session, instance_id: str, actor: Actor) -> None:
    """NotFound unless the actor may see the instance; an expert also needs a signed declaration and a
    seat not removed (reviews/panel_access.py: the material opens after the declaration)."""
    instances.get_visible(session, instance_id, actor)
    if actor.has(EXPERT) and not actor.sees_everything:
        if actor.id not in seated_experts(session, instance_id):
            raise _missing(instance_id)


def _missing(what: str) -> NotFound:
    return NotFound(f"申请不存在 / Application {what} does not exist")


def read_case_material(
    ctx: Context, *, actor: Actor, application_no: str | None = None, instance_id: str | None = None
) -> CaseMaterial:
    """The case file of one application, as `actor` may read it.

    Raises:
        NotFound: no such application, or the actor may not see it (another organisation, a district
            clerk of another district, an expert without a signed declaration on its panel).
    """
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        record = (
            consortia.find_by_application(session, application_no)
            if application_no is not None
            else consortia.find_by_instance(session, instance_id or "")
        )
        if record is None or record.instance_id is None:
            raise _missing(application_no or instance_id or "")
        _may_read(session, record.instance_id, actor)
        row = session.get(ProcessInstance, record.instance_id)
        variables = json.loads(row.variables_json or "{}")
        orgs = {o.credit_code: o for o in session.scalars(sa.select(Organisation))}

        def unit(code: str, role: str, status: str, category: str | None = None) -> Unit:
            org = orgs.get(code)
            return Unit(
                code, org.name if org else code, org.category if org else (category or "other"), role, status,
                org.district if org else None, registered=bool(org and org.verification == "verified"),
            )

        lead = unit(record.lead_credit_code, "lead", "lead")
        members = [
            unit(m.credit_code, m.role, m.status, m.category) for m in record.members if m.role != "lead"
        ]
        agreement = variables.get("agreement") or {}
        agreement_props = _schema_labels("sign_agreement", ("agreement",))
        by_code = {u.credit_code: u for u in [lead, *members]}
        signatories = [
            by_code.get(c) or unit(c, "signatory", "signed") for c in agreement.get("signatories") or []
        ]
        plan = variables.get("plan") or {}
        secrecy = ReviewerSecrecy(session, actor)
        names = {}
        opinions = []
        events = session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.instance_id == record.instance_id, AuditEvent.action == "task.completed")
            .order_by(AuditEvent.id)
        )
        commitment = None
        member_commitments = []
        corrected = []
        for event in events:
            detail = json.loads(event.detail_json or "{}")
            form, data = detail.get("form"), detail.get("data") or {}
            if form == "correct_application":
                corrected.append((event.at, secrecy.shown(record.instance_id, event.actor), data))
            if form == "confirm_membership" and data.get("decision") == "confirm" and data.get(
                "integrity_commitment"
            ):
                member_commitments.append({"signer": data.get("commitment_signer"), "at": event.at,
                                           "by": event.actor})
            if form == "submit_application":
                commitment = {"signer": data.get("commitment_signer"), "at": event.at, "by": event.actor,
                              "confirmed": bool(data.get("integrity_commitment"))}
            if form not in REVIEW_FORMS or not secrecy.shows(record.instance_id, event.actor):
                continue
            if form not in names:
                names[form] = (_schema_labels(form), *_form_title(form))
            props, title_zh, title_en = names[form]
            # 参加人员 of the site visit: each expert the viewer may not know as 专家一… (breakit F15)
            data = panel_access.redact_variables(session, record.instance_id, actor, data)
            opinions.append(
                Opinion(form, event.element_id, event.actor, event.at, _labelled(props, data),
                        title_zh, title_en)
            )
        documents = [
            {"name": f.name, "sha256": f.sha256, "size": f.size, "uploaded_at": f.uploaded_at,
             "uploaded_by": secrecy.shown(record.instance_id, f.uploaded_by), "purpose": f.purpose}
            for f in session.scalars(
                sa.select(StoredFile)
                .where(StoredFile.instance_id == record.instance_id)
                .order_by(StoredFile.uploaded_at)
            )
            if f.purpose == "task" or actor.sees_everything
        ]
        sees_opinion = panel_opinion.may_see(session, record.instance_id, actor)
        issued = [
            {"kind": d.kind, "title": d.title, "sha256": d.sha256, "issued_at": d.issued_at}
            for d in session.scalars(
                sa.select(IssuedDocument)
                .where(IssuedDocument.application_no == record.application_no)
                .where(IssuedDocument.kind != "casefile")
                .order_by(IssuedDocument.issued_at, IssuedDocument.id)
            )
            if sees_opinion or d.kind != "panel_opinion"
        ]
        orgs_of = dict(session.execute(
            sa.select(User.id, User.org_credit_code).where(User.id.in_([c["by"] for c in member_commitments]))
        ).all()) if member_commitments else {}
        for given in member_commitments:
            code = orgs_of.get(given["by"]) or ""
            given.update(credit_code=code, name=by_code[code].name if code in by_code else code,
                         text=MEMBER_COMMITMENT)
        if commitment is not None:
            commitment["text"] = _schema_labels("submit_application").get("integrity_commitment", {}).get(
                "description", ""
            )
        # identifiers (ID number, phone) as /engine-rest shows them to this reader: in full for the city
        # clerks, administrators and the lead unit, masked for everyone else (engine/personal_data.py)
        personal = personal_data.for_reader(session, record.instance_id, actor, {
            "chief_expert": variables.get("chief_expert") or {},
            "consortium_head": variables.get("consortium_head") or {},
        })
        return CaseMaterial(
            application_no=record.application_no,
            instance_id=record.instance_id,
            name=record.name or variables.get("consortium_name"),
            industry=record.industry or variables.get("industry"),
            status=record.status,
            district=record.district,
            key_technology=variables.get("key_technology"),
            market_need=variables.get("market_need"),
            lead=lead,
            members=members,
            threshold_justification=variables.get("threshold_justification"),
            clauses=_labelled(agreement_props, agreement, AGREEMENT_CLAUSES),
            signatories=signatories,
            agreement_document=agreement.get("document"),
            chief_expert=_labelled(
                _schema_labels("hire_chief_expert", ("chief_expert",)), personal["chief_expert"]
            ),
            plan=_labelled(_schema_labels("draft_plan", ("plan",)), plan, PLAN_SECTIONS),
            milestones=list(plan.get("milestones") or []),
            funding_table=list(plan.get("funding_table") or []),
            commitment=commitment,
            opinions=opinions,
            documents=documents,
            generated_at=ctx.now(),
            issued=issued,
            sub_track=record.sub_track,
            chain_leader=bool(record.chain_leader),
            consortium_head=_labelled(
                _schema_labels("hire_chief_expert", ("consortium_head",)), personal["consortium_head"]
            ),
            corrections=correction_history(corrected),
            member_commitments=member_commitments,
            panel_opinion=(
                panel_opinion.read_opinion(session, record.instance_id, actor) if sees_opinion else None
            ),
        )


def _review_findings(session, instance_id: str, actor: Actor) -> dict[str, Any] | None:
    """{"findings", "override": {"reason", "by", "at"} | None, "panelOpinion": the panel's consolidated
    opinion (reviews/panel_opinion.py) | None}, once the application is in a round."""
    entry = reviews.find_entry(session, instance_id)
    if entry is None:
        return None
    return {"findings": findings.findings_for(session, instance_id).as_dict(),
            "override": findings.override_of(entry),
            "panelOpinion": panel_opinion.read_opinion(session, instance_id, actor)}  # as actor may read
