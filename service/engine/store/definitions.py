"""Named queries over deployments and process definitions."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...errors import NotFound
from . import counters
from .models import Deployment, ProcessDefinition, Resource


def find_latest(session: Session, key: str) -> ProcessDefinition | None:
    return session.scalars(
        sa.select(ProcessDefinition)
        .where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc())
    ).first()


def next_version(session: Session, key: str) -> int:
    """The version a new deployment of `key` gets (1, 2 …), drawn from its row-locked counter."""

    def seed() -> int:
        highest = sa.select(sa.func.max(ProcessDefinition.version)).where(ProcessDefinition.key == key)
        return session.scalar(highest) or 0

    return counters.next_value(session, "definition_version", key, seed=seed)


def get_latest(session: Session, key: str) -> ProcessDefinition:
    definition = find_latest(session, key)
    if definition is None:
        raise NotFound(f"流程定义不存在 / No process definition with key '{key}'")
    return definition


def get(session: Session, definition_id: str) -> ProcessDefinition:
    definition = session.get(ProcessDefinition, definition_id)
    if definition is None:
        raise NotFound(f"流程定义不存在 / No process definition with id '{definition_id}'")
    return definition


def spec_json(session: Session, definition_id: str) -> str:
    """Only the spec column: commands need it on a spec-cache miss, and nothing else of the row."""
    spec = session.scalar(sa.select(ProcessDefinition.spec_json).where(ProcessDefinition.id == definition_id))
    if spec is None:
        raise NotFound(f"流程定义不存在 / No process definition with id '{definition_id}'")
    return spec


def list_definitions(session: Session, *, key: str | None = None, latest_only: bool = False):
    query = sa.select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version)
    if key:
        query = query.where(ProcessDefinition.key == key)
    if latest_only:
        latest = (
            sa.select(ProcessDefinition.key, sa.func.max(ProcessDefinition.version).label("v"))
            .group_by(ProcessDefinition.key)
            .subquery()
        )
        query = query.join(
            latest, sa.and_(latest.c.key == ProcessDefinition.key, latest.c.v == ProcessDefinition.version)
        )
    return list(session.scalars(query))


def latest_resources(session: Session) -> dict[str, bytes]:
    """The BPMN of each key's latest version: the library call activities are resolved against."""
    result: dict[str, bytes] = {}
    for definition in list_definitions(session, latest_only=True):
        resource = session.scalars(
            sa.select(Resource).where(
                Resource.deployment_id == definition.deployment_id, Resource.name == definition.resource_name
            )
        ).first()
        if resource is not None:
            result[f"{definition.key}::{resource.name}"] = resource.content
    return result


def get_deployment(session: Session, deployment_id: str) -> Deployment:
    deployment = session.get(Deployment, deployment_id)
    if deployment is None:
        raise NotFound(f"部署不存在 / Deployment with id '{deployment_id}' does not exist")
    return deployment


def resources_of(session: Session, deployment_id: str) -> list[Resource]:
    return list(session.scalars(sa.select(Resource).where(Resource.deployment_id == deployment_id)))
