"""The domain registry behind /api: consortia, organisations and filings, scoped like their instances.

Organisations are a register every signed-in user may read (applicants pick members from it);
consortia and their filings are visible to their own units, their district and the city.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..actors import Actor
from ..context import Context
from ..errors import NotFound
from .store import consortia, registry
from .store.models import Consortium, Filing, Organisation


@dataclass(frozen=True)
class ConsortiumView:
    record: Consortium
    filings: list[Filing]


def list_consortia(
    ctx: Context, *, actor: Actor, status: str | None = None, industry: str | None = None
) -> list[Consortium]:
    with ctx.unit_of_work(write=False) as uow:
        return consortia.list_visible(uow.session, actor, status=status, industry=industry)


def get_consortium(ctx: Context, *, consortium_id: int, actor: Actor) -> ConsortiumView:
    with ctx.unit_of_work(write=False) as uow:
        record = consortia.get_visible(uow.session, consortium_id, actor)
        return ConsortiumView(record, consortia.filings_of(uow.session, record.id))


def list_organisations(ctx: Context, *, actor: Actor) -> list[Organisation]:
    with ctx.unit_of_work(write=False) as uow:
        return consortia.list_organisations(uow.session)


def get_organisation(ctx: Context, *, credit_code: str, actor: Actor) -> Organisation:
    with ctx.unit_of_work(write=False) as uow:
        org = consortia.find_organisation(uow.session, credit_code)
    if org is None:
        raise NotFound(f"单位不存在 / No organisation with credit code {credit_code}")
    return org


def list_filings(ctx: Context, *, actor: Actor, status: str | None = None) -> list[tuple[Filing, Consortium]]:
    with ctx.unit_of_work(write=False) as uow:
        return registry.list_filings(uow.session, actor, status=status)


def get_filing(ctx: Context, *, filing_no: str, actor: Actor) -> tuple[Filing, Consortium]:
    with ctx.unit_of_work(write=False) as uow:
        return registry.get_filing(uow.session, filing_no, actor)
