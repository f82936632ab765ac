"""The registry pages: consortia with filters, a detail with members and history, CSV and Excel export.

Scoped like everything else: a lead unit sees its own consortia, a district clerk its district's, the
city all of them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from openpyxl import Workbook

from ..actors import Actor
from ..clock import local_today
from ..context import Context
from .spreadsheet_cells import neutralise_cell
from .store import consortia
from .store.models import Consortium, Filing, Organisation

ENDING_SOON = timedelta(days=180)
COLUMNS = (
    ("application_no", "申请编号", "Application no."),
    ("name", "联合体名称", "Consortium"),
    ("industry", "产业", "Industry"),
    ("lead", "牵头单位", "Lead unit"),
    ("district", "所在区", "District"),
    ("status", "状态", "Status"),
    ("filing_no", "备案编号", "Filing no."),
    ("valid_until", "有效期至", "Valid until"),
)


@dataclass(frozen=True)
class RegistryFilter:
    industry: str | None = None
    name: str | None = None  # part of the consortium's name, the lead unit's name or the application no
    district: str | None = None
    status: str | None = None
    ending_soon: bool = False


@dataclass(frozen=True)
class RegistryRow:
    id: int
    application_no: str
    name: str | None
    industry: str | None
    lead: str
    district: str | None
    status: str
    filing_no: str | None
    valid_until: date | None
    instance_id: str | None


def list_registry(ctx: Context, *, actor: Actor, filters: RegistryFilter) -> list[RegistryRow]:
    today = local_today(ctx.now())
    with ctx.unit_of_work(write=False) as uow:
        query = (
            sa.select(Consortium, Organisation.name, Filing)
            .join(Organisation, Organisation.credit_code == Consortium.lead_credit_code)
            .outerjoin(Filing, sa.and_(Filing.consortium_id == Consortium.id, Filing.status == "filed"))
            .where(consortia.visible_filter(actor))
            .order_by(Consortium.application_no)
        )
        for column, value in (
            (Consortium.industry, filters.industry),
            (Consortium.district, filters.district),
            (Consortium.status, filters.status),
        ):
            if value:
                query = query.where(column == value)
        if filters.name and filters.name.strip():
            part = filters.name.strip()
            query = query.where(sa.or_(
                Consortium.name.contains(part, autoescape=True),
                Organisation.name.contains(part, autoescape=True),
                Consortium.application_no.contains(part, autoescape=True),
            ))
        if filters.ending_soon:
            query = query.where(Filing.valid_until <= today + ENDING_SOON)
        return [
            RegistryRow(
                c.id, c.application_no, c.name, c.industry, lead, c.district, c.status,
                f.filing_no if f else None, f.valid_until if f else None, c.instance_id,
            )
            for c, lead, f in uow.session.execute(query).all()
        ]


def _cells(row: RegistryRow) -> list[str]:
    """The row's export cells, each neutralised so that no name becomes a spreadsheet formula."""
    return [neutralise_cell(getattr(row, key) or "") for key, _zh, _en in COLUMNS]


def export_csv(rows: list[RegistryRow]) -> bytes:
    """UTF-8 with a BOM: Excel on a bureau PC opens it with the Chinese intact."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([zh for _key, zh, _en in COLUMNS])
    writer.writerows(_cells(r) for r in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(rows: list[RegistryRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "创新联合体"
    sheet.append([zh for _key, zh, _en in COLUMNS])
    for row in rows:
        sheet.append(_cells(row))
    for line in sheet.iter_rows():
        for cell in line:
            cell.data_type = "s"  # text, even should a cell ever start like a formula
    for column, width in zip("ABCDEFGH", (18, 36, 10, 30, 10, 14, 22, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class RegistryDetail:
    record: Consortium
    members: list[tuple[str, str, str, str, str]]  # credit code, name, role, category, status
    filings: list[Filing]


def read_detail(ctx: Context, *, consortium_id: int, actor: Actor) -> RegistryDetail:
    """One consortium with its members' names and its filings; NotFound outside the caller's scope."""
    with ctx.unit_of_work(write=False) as uow:
        record = consortia.get_visible(uow.session, consortium_id, actor)
        names = dict(
            uow.session.execute(
                sa.select(Organisation.credit_code, Organisation.name).where(
                    Organisation.credit_code.in_([m.credit_code for m in record.members])
                )
            ).all()
        )
        members = [
            (m.credit_code, names.get(m.credit_code, m.credit_code), m.role, m.category, m.status)
            for m in record.members
        ]
        return RegistryDetail(record, members, consortia.filings_of(uow.session, record.id))
