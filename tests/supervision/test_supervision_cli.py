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


def test_support_measures_projects_and_progress_reports_from_the_cli(ctx, clock, run):
    """Issue 14 item 3 of the follow-up: the /api operations of 六 and 七（一） as commands, with the same
    refusals (naming the field, or who may) and audit entries under the named user."""
    import json

    _, cid = filed_consortium(ctx, clock)
    measure = ["support-measure", str(cid), "--name", "青岛市高端装备技术创新中心",
               "--granted-on", "2026-06-01", "--level", "city", "--amount", "500"]
    bad_kind = run(*measure, "--kind", "medal", "--as", "city1")
    assert bad_kind.exit_code == 2 and "kind" in bad_kind.output
    assert "只有市科技局" in run(*measure, "--kind", "platform", "--as", "lead1").output
    recorded = run(*measure, "--kind", "platform", "--as", "city1")
    assert recorded.exit_code == 0 and "support measure" in recorded.output, recorded.output
    assert audited(ctx, "support_measure.recorded") == ["city1"]

    project = ["project", str(cid), "2026JBGS01", "揭榜挂帅攻关", "--level", "city",
               "--started-on", "2026-01-01"]
    bad_mode = run(*project, "--mode", "lottery", "--as", "lead1")
    assert bad_mode.exit_code == 2 and "mode" in bad_mode.output
    made = run(*project, "--mode", "challenge", "--amount", "800", "--as", "lead1")
    assert made.exit_code == 0, made.output
    project_id = made.output.split()[1]

    listed = run("support", str(cid), "--as", "member1")
    assert listed.exit_code == 0, listed.output
    support = json.loads(listed.output)
    assert [(m["kind"], m["amountWan"]) for m in support["measures"]] == [("platform", 500.0)]
    assert [(p["projectNo"], p["mode"], p["status"]) for p in support["projects"]] == [
        ("2026JBGS01", "challenge", "active")]
    assert run("support", str(cid), "--as", "cylead1").exit_code == 2  # not its consortium: not found
    assert run("project-complete", project_id, "--as", "lead1").exit_code == 2
    assert run("project-complete", project_id, "--as", "city1").exit_code == 0
    closed = json.loads(run("support", str(cid), "--as", "city1").output)
    assert closed["projects"][0]["status"] == "completed"

    short = run("progress-report", str(cid), "--summary", "无", "--as", "lead1")
    assert short.exit_code == 2 and "summary" in short.output
    text = "本期完成关键部件联合攻关，形成专利两项。"
    assert "只有牵头单位" in run("progress-report", str(cid), "--summary", text, "--as", "member1").output
    sent = run("progress-report", str(cid), "--summary", text, "--as", "lead1")
    assert sent.exit_code == 0 and "submitted for the period ending" in sent.output, sent.output
    assert audited(ctx, "progress.reported") == ["lead1"]
    read = json.loads(run("progress", str(cid), "--as", "district1").output)
    assert [r["summary"] for r in read["reports"]] == [text]


def test_evaluation_agencies_from_the_cli(ctx, clock, run):
    """Issue 14 item 12: register an agency, entrust an evaluation to it and list what each may see."""
    import json

    from service.consortium.demo import AGENCY
    from service.consortium.supervision import evaluations
    from tests.supervision.support import SELF_REPORT, Steps
    from tests.supervision.test_agencies import SETTINGS

    code, qualification = "91370212MA3C10103N", "具有科技评估资质，近三年完成区级以上绩效评价项目二十余项"
    register = ["agency-register", code, "--name", "青岛崂信评估咨询有限公司", "--category", "enterprise",
                "--district", "崂山区"]
    short = run(*register, "--qualification", "有", "--as", "city1")
    assert short.exit_code == 2 and "qualification" in short.output
    assert "只有市科技局" in run(*register, "--qualification", qualification, "--as", "lead1").output
    made = run(*register, "--qualification", qualification, "--as", "city1")
    assert made.exit_code == 0 and "registered" in made.output, made.output
    assert run("agency-active", code, "--withdrawn", "--as", "city1").exit_code == 0
    assert [a["creditCode"] for a in json.loads(run("agencies").output)] == [AGENCY[0]]
    assert len(json.loads(run("agencies", "--all").output)) == 2
    assert audited(ctx, "evaluation_agency.updated") == ["city1"]

    _, _cid = filed_consortium(ctx, clock)
    opened = evaluations.open_evaluation_round(ctx, actor=actor(ctx, "city1"), settings=SETTINGS)
    steps = Steps(ctx, opened["instances"][0])
    steps.do("lead1", "Task_SelfReport", SELF_REPORT)
    steps.do("district1", "Task_DistrictCheck", {"check_decision": "verified"})
    withdrawn = run("assign-agency", steps.instance_id, code, "--as", "city1")
    assert withdrawn.exit_code == 2 and "agency" in withdrawn.output
    entrusted = run("assign-agency", steps.instance_id, AGENCY[0], "--as", "city1")
    assert entrusted.exit_code == 0 and f"entrusted to {AGENCY[0]}" in entrusted.output, entrusted.output
    [mine] = json.loads(run("agency-evaluations", "--as", "agency1").output)
    assert mine["status"] == "assigned"
    assert run("agency-evaluations", "--as", "lead1").exit_code == 2
