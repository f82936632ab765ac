"""`consortium supervision …` (issue 14, item 9): the city clerk's supervision actions from a terminal,
audited under the clerk's name; refused for another role and for bad input, naming the field."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from service.cli import cli
from service.consortium.demo import ORGANISATIONS
from service.consortium.supervision import integrity
from service.engine.store.models import AuditEvent, ProcessInstance
from tests.supervision.support import actor, filed_consortium

MEMBER = ORGANISATIONS[1]


@pytest.fixture
def run(database_url, monkeypatch):
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", database_url)
    return lambda *args: CliRunner().invoke(cli, ["supervision", *args])


def audited(ctx, action: str) -> list[str | None]:
    with ctx.unit_of_work(write=False) as uow:
        return list(uow.session.scalars(sa.select(AuditEvent.actor).where(AuditEvent.action == action)))


def test_open_round_credit_entry_and_lead_failure_from_the_cli(ctx, clock, run):
    _, cid = filed_consortium(ctx, clock)

    period = ["--data-from", "2025-01-01", "--data-until", "2025-12-31"]
    refused = run("open-round", "2026年度绩效评价", *period, "--as", "lead1")
    assert refused.exit_code == 2 and "只有市科技局" in refused.output
    backwards = run("open-round", "2026年度绩效评价", "--data-from", "2025-12-31",
                    "--data-until", "2025-01-01", "--as", "city1")
    assert backwards.exit_code == 2 and "data_until" in backwards.output
    opened = run("open-round", "2026年度绩效评价", *period, "--hearing-days", "7", "--as", "city1")
    assert opened.exit_code == 0, opened.output
    assert "opened: 1 evaluations started" in opened.output
    assert audited(ctx, "evaluation.round_opened") == ["city1"]

    entry = ["credit-entry", MEMBER[0], MEMBER[1], "--type", "dishonesty", "--description", "伪造验收材料",
             "--document", "青科字〔2026〕41号", "--decided-on", "2026-03-02", "--consortium", str(cid)]
    open_ended = run(*entry, "--restricts", "--as", "city1")
    assert open_ended.exit_code == 2 and "restriction_until" in open_ended.output
    assert run(*entry, "--as", "member1").exit_code == 2
    assert run(*entry, "--as", "nobody").exit_code == 2
    made = run(*entry, "--until", "2028-03-01", "--restricts", "--as", "city1")
    assert made.exit_code == 0 and f"made for {MEMBER[0]}" in made.output, made.output
    [record] = integrity.list_integrity_records(ctx, actor=actor(ctx, "city1"), subject_id=MEMBER[0])
    assert (record["restrictionUntil"], record["consortiumId"]) == ("2028-03-01", cid)
    assert audited(ctx, "integrity.recorded") == ["city1"]

    assert run("lead-failure", str(cid), "--as", "lead1").exit_code == 2
    assert run("lead-failure", "999999", "--as", "city1").exit_code == 2
    case = run("lead-failure", str(cid), "--as", "city1")
    assert case.exit_code == 0 and "QTSZ-" in case.output, case.output
    with ctx.unit_of_work(write=False) as uow:
        keys = list(uow.session.scalars(
            sa.select(ProcessInstance.business_key).where(ProcessInstance.business_key.like("QTSZ-%"))
        ))
    assert len(keys) == 1 and keys[0] in case.output
