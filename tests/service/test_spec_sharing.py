"""Issue 11, fault 1: a restored instance never depends on what another instance, an earlier request or
another process did to a shared spec object.

SpiffWorkflow's Camunda multi-instance wrote run-time state onto the task spec, which the spec cache
shares; a process that had loaded the spec without entering the multi-instance appended each
confirmation to `invited_members` instead of updating it (5 members became 10 entries) and the
application silently went back to the invitation step. Every multi-instance of the bundled diagrams is
driven here (a) with a fresh spec cache for every command, as after a restart or when another gunicorn
worker takes the request, (b) from two real processes taking turns, and (c) with one shared cache,
after which every cached spec must still serialize exactly as deployed. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.consortium.supervision import member_changes
from service.engine.store.models import ProcessDefinition, ProcessInstance
from tests.service.test_recommendation import consortium_of, pass_publicity
from tests.supervision.support import PANEL, SELF_REPORT, Steps, actor, score_sheet
from tests.supervision.test_evaluations import open_round
from tests.supervision.test_member_changes import NEWCOMER, PROPOSAL
from tests.support.procedure import MEMBER_LOGINS, MEMBERS, Walk
from workflows import serializer

ROOT = Path(__file__).resolve().parents[2]


def variables(ctx, instance_id: str) -> dict:
    with ctx.unit_of_work(write=False) as uow:
        return json.loads(uow.session.get(ProcessInstance, instance_id).variables_json or "{}")


@pytest.fixture
def restart_per_command(monkeypatch) -> serializer._SpecCache:
    """A spec cache that keeps nothing: every command decodes the spec afresh, as a new process would."""
    cache = serializer._SpecCache(0)
    monkeypatch.setattr(serializer, "SPEC_CACHE", cache)
    return cache


@pytest.fixture
def shared_cache(monkeypatch) -> serializer._SpecCache:
    cache = serializer._SpecCache(serializer.SPEC_CACHE_SIZE)
    monkeypatch.setattr(serializer, "SPEC_CACHE", cache)
    return cache


def confirm_members(walk: Walk) -> None:
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    walk.confirm_all_members()
    members = variables(walk.ctx, walk.instance_id)["invited_members"]
    assert [(m["credit_code"], m.get("decision")) for m in members] == [
        (m["credit_code"], "confirm") for m in MEMBERS
    ]
    assert [t.element_id for t in walk.tasks_of("lead1")] == ["Task_SignAgreement"]


def every_multi_instance(ctx, clock) -> None:
    """Drive all five multi-instances of the bundled diagrams, checking each collection afterwards."""
    walk = Walk(ctx)
    walk.start()
    confirm_members(walk)  # consortium_recommendation: invited_members
    for step in ("Task_SignAgreement", "Task_HireChiefExpert", "Task_DraftPlan", "Task_Submit"):
        walk.do(step)
    walk.do("Task_DistrictReview")
    walk.do("Task_CityReview")
    walk.draw_and_declare()
    for login in walk.panel:  # expert_review: desk_reviews
        walk.do("Task_DeskReview", login=login)
    assert walk.open_steps() == ["Task_SiteVisitReport"]
    walk.do("Task_SiteVisitReport")
    for login in walk.panel:  # expert_review: defense_sheets
        walk.sign_score_sheet(login)
    assert walk.open_steps() == ["Task_Selection"]
    walk.do("Task_Selection")
    pass_publicity(ctx, clock, walk)
    consortium_id = consortium_of(ctx, walk).id
    assert consortium_of(ctx, walk).status == "filed"

    # member_change: consents (every member agrees, so the bureau acknowledges next)
    started = member_changes.start_member_change(ctx, actor=actor(ctx, "lead1"), consortium_id=consortium_id)
    steps = Steps(ctx, started.id)
    steps.do("lead1", "Task_ProposeChange", {**PROPOSAL, "additions": [NEWCOMER]})
    for login in MEMBER_LOGINS.values():
        steps.do(login, "Task_MemberConsent", {"consent_decision": "agree", "signer": f"{login} 法定代表人"})
    assert steps.steps() == ["Task_Acknowledge"]
    consents = variables(ctx, started.id)["consents"]
    assert [c.get("consent_decision") for c in consents] == ["agree"] * len(MEMBER_LOGINS)

    # performance_evaluation: evaluation_sheets
    evaluation = open_round(ctx, consortium_id)
    evaluation.do("lead1", "Task_SelfReport", SELF_REPORT)
    evaluation.do("district1", "Task_DistrictCheck", {"check_decision": "verified"})
    evaluation.do("city1", "Task_AssignEvaluators", {"panel": PANEL})
    for login in PANEL:
        evaluation.do(login, "Task_ExpertScoring", score_sheet(80))
    sheets = variables(ctx, evaluation.instance_id)["evaluation_sheets"]
    assert len(sheets) == len(PANEL) and all(s.get("signed") for s in sheets)


def test_every_multi_instance_survives_a_restart_before_each_command(ctx, clock, restart_per_command):
    every_multi_instance(ctx, clock)
    assert restart_per_command.misses > 40  # really one fresh spec per command


def test_shared_specs_are_unchanged_after_every_multi_instance_ran(ctx, clock, shared_cache):
    """The regression guard for the whole kind: no run-time state on spec objects, whatever ran."""
    every_multi_instance(ctx, clock)
    with ctx.unit_of_work(write=False) as uow:
        deployed = {d.id: d.spec_json for d in uow.session.scalars(sa.select(ProcessDefinition))}
    cached = shared_cache.snapshot()
    # expert_review runs as a call activity: its spec is among consortium_recommendation's called specs
    assert {d.split(":")[0] for d in cached} >= {
        "consortium_recommendation", "member_change", "performance_evaluation"}
    for key, specs in cached.items():
        assert serializer.dump_spec(*specs) == deployed[key], f"spec {key} changed while running"


_WORKER = textwrap.dedent("""
    import sys
    from datetime import datetime
    from service.clock import MovableClock
    from service.config import Config
    from service.bootstrap import build_context
    from service.engine.store.tasks import TaskQuery
    from service.engine import identities, tasks

    url, instance_id, now = sys.argv[1], sys.argv[2], datetime.fromisoformat(sys.argv[3])
    ctx = build_context(Config(database_url=url), clock=MovableClock(now))
    form = {"decision": "confirm", "contact_name": "刘联络", "contact_phone": "0532-88886666",
            "commitments": {"technology": "开放伺服算法专利许可"},
            "integrity_commitment": True, "commitment_signer": "刘联络"}
    for line in sys.stdin:
        login = line.strip()
        actor = identities.actor_for(ctx, login)
        query = TaskQuery(instance_id=instance_id, element_id="Task_ConfirmMembership", max_results=None)
        [task] = tasks.list_tasks(ctx, actor=actor, query=query)
        tasks.complete_task(ctx, task_id=task.id, actor=actor, data=form)
        print("done", login, flush=True)
""")


def test_two_processes_take_turns_confirming_members(ctx, clock, database_url, shared_cache):
    """Like `gunicorn -w 2`: this process invites and confirms every other member; a second Python
    process with its own spec cache (which never saw the invitation) confirms the rest."""
    walk = Walk(ctx)
    walk.start()
    walk.do("Task_Initiate")
    walk.do("Task_InviteMembers")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    worker = subprocess.Popen(
        [sys.executable, "-c", _WORKER, database_url, walk.instance_id, clock.now().isoformat()],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )
    try:
        for index, member in enumerate(MEMBERS):
            login = MEMBER_LOGINS[member["credit_code"]]
            if index % 2:
                worker.stdin.write(login + "\n")
                worker.stdin.flush()
                answer = worker.stdout.readline()
                assert answer.split() == ["done", login], worker.stderr.read() if not answer else answer
            else:
                walk.do("Task_ConfirmMembership", login=login)
        worker.stdin.close()
        assert worker.wait(timeout=120) == 0, worker.stderr.read()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    members = variables(ctx, walk.instance_id)["invited_members"]
    assert [m.get("decision") for m in members] == ["confirm"] * len(MEMBERS)
    assert [t.element_id for t in walk.tasks_of("lead1")] == ["Task_SignAgreement"]
