"""SQLAlchemy models: the only description of the schema (Alembic migrations are generated from it).

Why this shape (DESIGN.md "Storage"): definitions are immutable rows; an instance is one row holding
SpiffWorkflow's serialized state (the spec lives on the definition row); everything lists and schedulers
read is a projection rewritten in the same transaction, so nobody deserializes a workflow to draw a list.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NAMING, Base, UtcDateTime  # noqa: F401  (re-exported: the migrations name models.UtcDateTime)

# --- engine-shaped records -------------------------------------------------------------------------


class Deployment(Base):
    __tablename__ = "deployment"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    source: Mapped[str | None] = mapped_column(sa.String(200))
    tenant_id: Mapped[str | None] = mapped_column(sa.String(64))
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deployed_by: Mapped[str | None] = mapped_column(sa.String(64))


class Resource(Base):
    """A file of a deployment (BPMN or DMN), kept byte for byte so Camunda Modeler gets back what it sent."""

    __tablename__ = "resource"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    deployment_id: Mapped[str] = mapped_column(sa.ForeignKey("deployment.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    content_hash: Mapped[str] = mapped_column(sa.String(64))


class ProcessDefinition(Base):
    __tablename__ = "process_definition"
    __table_args__ = (sa.UniqueConstraint("key", "version", name="uq_process_definition_key_version"),)
    id: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), index=True)
    version: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    deployment_id: Mapped[str] = mapped_column(sa.ForeignKey("deployment.id"), index=True)
    resource_name: Mapped[str] = mapped_column(sa.String(300))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    spec_json: Mapped[str] = mapped_column(sa.Text)
    starter_groups: Mapped[str | None] = mapped_column(sa.String(200))  # camunda:candidateStarterGroups
    starter_users: Mapped[str | None] = mapped_column(sa.String(500))  # camunda:candidateStarterUsers (0012)
    version_tag: Mapped[str | None] = mapped_column(sa.String(255))  # camunda:versionTag (0016_hb3vtag)
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # suspended definitions start no instances (PUT /process-definition/{id}/suspended; 0009_external_tasks)
    suspended: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())


class ProcessInstance(Base):
    __tablename__ = "process_instance"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    definition_id: Mapped[str] = mapped_column(sa.ForeignKey("process_definition.id"), index=True)
    definition_key: Mapped[str] = mapped_column(sa.String(100), index=True)
    business_key: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)  # active | completed | incident
    end_element_id: Mapped[str | None] = mapped_column(sa.String(100))
    state_json: Mapped[str] = mapped_column(sa.Text)
    variables_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    variable_types_json: Mapped[str | None] = mapped_column(sa.Text)  # {"name": "Date"}: what JSON loses
    district: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    lead_credit_code: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    started_by: Mapped[str | None] = mapped_column(sa.String(64))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Camunda's suspension state (PUT /process-instance/{id}/suspended, issue 16); see 0009_external_tasks
    suspended: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    # the definition's spec composed with the called processes' versions of its start (issue 12 fault 4,
    # calledElementBinding latest; 0011_called_spec); None: the definition's own spec
    called_spec_id: Mapped[str | None] = mapped_column(sa.ForeignKey("called_spec.id"), nullable=True)
    # the last seq handed to its activity rows (store/activity_history.py), kept on the row the command
    # locks anyway (0016_h18core, issue 18); NULL: it has none
    activity_seq: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class CalledSpec(Base):
    """A definition's spec compiled with the versions its call activities resolve to at start time
    (Camunda's `calledElementBinding` latest: the newest version of each called key). `signature`
    lists `key=definition id` of those versions; `spec_json` None means the definition's own spec
    (the versions it was deployed with)."""

    __tablename__ = "called_spec"
    __table_args__ = (sa.UniqueConstraint("definition_id", "signature", name="uq_called_spec_signature"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    definition_id: Mapped[str] = mapped_column(sa.ForeignKey("process_definition.id"), index=True)
    signature: Mapped[str] = mapped_column(sa.String(2000))
    spec_json: Mapped[str | None] = mapped_column(sa.Text, nullable=True)


class InstanceAccess(Base):
    """Who besides the clerks may see an instance: its lead unit, its members, its assigned experts."""

    __tablename__ = "instance_access"
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instance.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)  # org | user
    value: Mapped[str] = mapped_column(sa.String(64), primary_key=True, index=True)


class HumanTask(Base):
    __tablename__ = "human_task"
    __table_args__ = (
        sa.Index("ix_human_task_due", "due_at"),
        sa.Index("ix_human_task_created", "created_at", "id"),  # the inbox's default order (0006, issue 8)
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # SpiffWorkflow task UUID
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    definition_key: Mapped[str] = mapped_column(sa.String(100), index=True)
    process_key: Mapped[str] = mapped_column(sa.String(100))
    business_key: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    element_id: Mapped[str] = mapped_column(sa.String(100), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(200))
    form_key: Mapped[str | None] = mapped_column(sa.String(100))
    assignee: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    # Camunda 7's delegation (issue 17 item 7): `owner` is who delegated the task and gets it back when
    # the delegate resolves it; `delegation_state` is PENDING while delegated, RESOLVED once given back.
    owner: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    delegation_state: Mapped[str | None] = mapped_column(sa.String(10))
    organisation: Mapped[str | None] = mapped_column(sa.String(18), index=True)
    district: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    priority: Mapped[int] = mapped_column(sa.Integer, default=50)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    follow_up_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    context_json: Mapped[str] = mapped_column(sa.Text, default="{}")  # the MI item, shown on the form
    # The element's declared `camunda:properties` (Modeler's "Extension properties"), resolved when the
    # task appeared: what a domain reads to know what a step is, instead of its element id (issue 19).
    properties_json: Mapped[str] = mapped_column(sa.Text, default="{}", server_default="{}")
    # The candidate rows in one canonical string (store/core_writes.py `candidate_keys`): a save that
    # rewrites an ended task's row into a new task keeps the rows when the sets match (issue 18).
    candidate_keys: Mapped[str | None] = mapped_column(sa.Text)
    candidates: Mapped[list[TaskCandidate]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", passive_deletes=True
    )

    @property
    def properties(self) -> dict[str, Any]:
        """The declared extension properties of the task's element ({} when none)."""
        return json.loads(self.properties_json or "{}")


class TaskCandidate(Base):
    """Who a task is offered to. `scope_key` folds the organisation or district scope into one indexed
    string ("group:applicant@org:9137…", "group:district_clerk@district:崂山区", "user:expert1"), so
    an inbox is one index lookup per key the caller holds instead of a scan (store/tasks.py)."""

    __tablename__ = "task_candidate"
    __table_args__ = (
        sa.Index("ix_task_candidate_lookup", "kind", "value"),
        sa.Index("ix_task_candidate_scope", "scope_key", "task_id"),
    )
    task_id: Mapped[str] = mapped_column(
        sa.ForeignKey("human_task.id", ondelete="CASCADE", onupdate="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(10), primary_key=True)  # group | user
    value: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    scope_key: Mapped[str] = mapped_column(sa.String(120), default="")


class Job(Base):
    """A timer (or other deferred work) an instance waits on; the scheduler's source of truth."""

    __tablename__ = "job"
    __table_args__ = (sa.Index("ix_job_due", "due_at"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    instance_id: Mapped[str | None] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # timer | validity_reminder | task_overdue | ...
    task_id: Mapped[str | None] = mapped_column(sa.String(36))
    element_id: Mapped[str | None] = mapped_column(sa.String(100))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    retries: Mapped[int] = mapped_column(sa.Integer, default=3)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # what a non-timer job needs (reminder days, a mail's recipients); added by 0002_deadlines
    payload_json: Mapped[str] = mapped_column(sa.Text, default="{}", server_default="{}")


class AuditEvent(Base):
    """Append-only trail; each row carries the hash of the previous row of its stream (tamper evidence)."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.UniqueConstraint("stream", "seq", name="uq_audit_event_stream_seq"),)
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    stream: Mapped[str] = mapped_column(sa.String(36), index=True)  # instance id or "global"
    seq: Mapped[int] = mapped_column(sa.Integer)  # 1, 2, … within the stream (0008_audit); hashed
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str | None] = mapped_column(sa.String(64))
    actor_groups: Mapped[str | None] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    instance_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    element_id: Mapped[str | None] = mapped_column(sa.String(100))
    detail_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))


# --- identities ------------------------------------------------------------------------------------


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # login name
    display_name: Mapped[str] = mapped_column(sa.String(100))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    org_credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    district: Mapped[str | None] = mapped_column(sa.String(64))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # Camunda's profile splits the name (POST /engine-rest/user/create); display_name is what pages show
    first_name: Mapped[str | None] = mapped_column(sa.String(100))  # 0014_h15ident
    last_name: Mapped[str | None] = mapped_column(sa.String(100))  # 0014_h15ident
    groups: Mapped[list[UserGroup]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class Group(Base):
    """A group as Camunda has them (id, name, type), any name a diagram's candidateGroups may use. The
    domain's seven roles are seeded rows (0014_h15ident) whose `scope` says which attribute of a member
    narrows what the group is offered: `organisation` (the user's credit code), `district` (the
    user's district), or None (the whole group). The attributes themselves stay on the user."""

    __tablename__ = "app_group"
    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    type: Mapped[str | None] = mapped_column(sa.String(40))  # Camunda: SYSTEM | WORKFLOW | any text
    scope: Mapped[str | None] = mapped_column(sa.String(20))  # organisation | district | None


class UserGroup(Base):
    """A membership (user, group); the group is a row of `app_group` (checked by the use cases)."""

    __tablename__ = "user_group"
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)


# --- task comments (Camunda's task comments; they outlive the human_task row they were made on) ----------


class TaskComment(Base):
    __tablename__ = "task_comment"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    task_id: Mapped[str] = mapped_column(sa.String(36), index=True)  # no FK: human_task rows go on completion
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    user_id: Mapped[str] = mapped_column(sa.String(64))
    time: Mapped[datetime] = mapped_column(UtcDateTime())
    message: Mapped[str] = mapped_column(sa.Text)


# --- pages: drafts and uploads ---------------------------------------------------------------------


class TaskDraft(Base):
    """A half-filled task form kept per user, so an applicant can stop and come back (issue 6)."""

    __tablename__ = "task_draft"
    task_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # no FK: tasks go on completion
    user_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    data_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StoredFile(Base):
    """An uploaded file: bytes on disk under their SHA-256, this row says who sent what for which case."""

    __tablename__ = "stored_file"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # the `file_id` of a form's file ref
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.Integer)
    purpose: Mapped[str] = mapped_column(sa.String(40))  # task | objection
    instance_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    reference: Mapped[str | None] = mapped_column(sa.String(100))  # task id or objection receipt number
    uploaded_by: Mapped[str | None] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime())
