"""Serial numbers under concurrency (issue 11, fault 5): simultaneous commands never share a number.

Application numbers and objection receipts were COUNT(*)+1: on PostgreSQL 75 of 100 simultaneous starts,
10 of 20 starts by two lead units and 38 of 50 public objections failed with a 500 (the objection was
lost). Every test runs real threads against a real database, SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa

from service.consortium import publicity
from service.consortium.demo import ORGANISATIONS
from service.consortium.store.models import Consortium, Objection
from service.engine import identities, instances
from service.engine.store.counters import Counter
from service.engine.store.models import ProcessInstance
from tests.support.procedure import Walk

RECOMMENDATION = "consortium_recommendation"


def run_at_once(threads: int, work: Callable[[int], list[Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run `work(i)` in `threads` threads released together; (all results, all exceptions)."""
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []

    def guarded(i: int) -> list[Any]:
        barrier.wait(timeout=60)
        try:
            return work(i)
        except BaseException as exc:  # noqa: BLE001 - every failure is counted, none may happen
            failures.append(exc)
            return []

    with ThreadPoolExecutor(threads) as pool:
        results = [r for batch in pool.map(guarded, range(threads)) for r in batch]
    return results, failures


def test_ten_threads_times_ten_starts_draw_distinct_application_numbers(ctx):
    lead = identities.actor_for(ctx, "lead1")

    def starts(_i: int) -> list[str]:
        return [instances.start_instance(ctx, key=RECOMMENDATION, actor=lead).business_key for _ in range(10)]

    keys, failures = run_at_once(10, starts)
    assert failures == []
    assert sorted(keys) == [f"CXLHT-2026-{n:04d}" for n in range(1, 101)]
    with ctx.unit_of_work(write=False) as uow:
        stored = list(uow.session.scalars(sa.select(Consortium.application_no)))
    assert sorted(stored) == sorted(keys)


def test_two_lead_units_starting_at_once(ctx):
    code, _name, _category, district = ORGANISATIONS[1]
    identities.add_user(
        ctx,
        user_id="lead2",
        password="demo12345",
        groups=["applicant"],
        org_credit_code=code,
        district=district,
    )
    leads = [identities.actor_for(ctx, "lead1"), identities.actor_for(ctx, "lead2")]

    def start(i: int) -> list[str]:
        return [instances.start_instance(ctx, key=RECOMMENDATION, actor=leads[i % 2]).business_key]

    keys, failures = run_at_once(20, start)
    assert failures == [] and len(set(keys)) == 20
    with ctx.unit_of_work(write=False) as uow:
        leads_stored = list(uow.session.scalars(sa.select(Consortium.lead_credit_code)))
    assert sorted(leads_stored) == sorted([ORGANISATIONS[0][0]] * 10 + [code] * 10)


def test_fifty_simultaneous_objections_are_all_stored_with_distinct_receipts(ctx):
    walk = Walk(ctx)
    walk.through_to_publicity()
    walk.into_publicity()  # objections are received from the period's first day

    def objections(i: int) -> list[str]:
        return [
            publicity.lodge_objection(
                ctx,
                application_no=walk.business_key,
                objector_name=f"异议人{i}-{n}",
                contact="13800000000",
                reason=f"成员单位之一与牵头单位存在未披露的关联关系（{i}-{n}）",  # identical ones: 409
            ).receipt_no
            for n in range(5)
        ]

    receipts, failures = run_at_once(10, objections)
    assert failures == []
    assert sorted(receipts) == [f"YY-2026-{n:04d}" for n in range(1, 51)]
    with ctx.unit_of_work(write=False) as uow:
        stored = list(uow.session.scalars(sa.select(Objection.receipt_no)))
    assert sorted(stored) == sorted(receipts)


def test_identical_objections_sent_at_once_are_stored_once(ctx):
    """Report finding 9: the duplicate check runs under the receipt counter's lock, so the same objection
    sent from five threads at once is stored once; the others are refused as duplicates (Conflict)."""
    from service.errors import Conflict

    walk = Walk(ctx)
    walk.through_to_publicity()
    walk.into_publicity()

    def objection(_i: int) -> list[str]:
        reason = "成员单位之一与牵头单位存在未披露的关联关系"
        return [publicity.lodge_objection(ctx, application_no=walk.business_key, objector_name="张三",
                                          contact="13800000000", reason=reason).receipt_no]

    receipts, failures = run_at_once(5, objection)
    assert len(receipts) == 1 and len(failures) == 4
    assert all(isinstance(f, Conflict) and "相同的异议" in str(f) for f in failures)
    with ctx.unit_of_work(write=False) as uow:
        assert list(uow.session.scalars(sa.select(Objection.receipt_no))) == receipts


def test_numbers_given_by_hand_are_skipped_not_duplicated(ctx):
    """A number stored before the counter existed (or typed in) is never handed out again."""
    lead = identities.actor_for(ctx, "lead1")
    by_hand = instances.start_instance(ctx, key=RECOMMENDATION, actor=lead, business_key="CXLHT-2026-0002")
    drawn = [instances.start_instance(ctx, key=RECOMMENDATION, actor=lead).business_key for _ in range(3)]
    assert by_hand.business_key == "CXLHT-2026-0002"
    assert drawn == ["CXLHT-2026-0003", "CXLHT-2026-0004", "CXLHT-2026-0005"]
    with ctx.unit_of_work() as uow:  # the counter moved past a hand-given number ahead of it, too
        uow.session.execute(sa.update(Counter).where(Counter.name == "application").values(next_value=6))
        uow.commit()
    instances.start_instance(ctx, key=RECOMMENDATION, actor=lead, business_key="CXLHT-2026-0006")
    assert instances.start_instance(ctx, key=RECOMMENDATION, actor=lead).business_key == "CXLHT-2026-0007"
    with ctx.unit_of_work(write=False) as uow:
        keys = list(uow.session.scalars(sa.select(ProcessInstance.business_key)))
    assert len(keys) == len(set(keys)) and all(re.fullmatch(r"CXLHT-2026-\d{4}", k) for k in keys)


def test_the_migration_seeds_counters_after_the_numbers_already_stored(ctx):
    """Numbers stored before revision 0008 (COUNT(*)+1 era, or typed in) are never drawn again."""
    import importlib.util
    from pathlib import Path

    import service

    path = Path(service.__file__).parent / "migrations" / "versions" / "0008_counters.py"
    spec = importlib.util.spec_from_file_location("migration_0008", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    lead = identities.actor_for(ctx, "lead1")
    for key in ("CXLHT-2026-0041", "CXLHT-2026-0007", "CXLHT-2025-0012", "not-a-number"):
        instances.start_instance(ctx, key=RECOMMENDATION, actor=lead, business_key=key)
    with ctx.db.connect() as connection:
        rows = {(r["name"], r["scope"]): r["next_value"] for r in migration.seed_rows(connection)}
    assert rows[("application", "2026")] == 42 and rows[("application", "2025")] == 13
    assert rows[("definition_version", RECOMMENDATION)] == 2
    assert not any(scope == "not-a-number" for _name, scope in rows)
