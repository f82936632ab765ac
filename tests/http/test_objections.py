"""Objections one by one (issue 13 item 3) and the filing decision (item 5), over the public pages, the
/api status lookup, the clerk's task page and /engine-rest, on a live server."""

from __future__ import annotations

import re

import sqlalchemy as sa

from service.consortium import publicity
from service.consortium.store.models import Consortium, Filing, Objection
from service.consortium.supervision import integrity
from service.engine.store.models import ProcessInstance
from tests.support import documents
from tests.support.pages import log_in
from tests.support.procedure import LEAD, Walk

from .test_idempotency import tokens
from .walk import typed_map

OBJECTIONS = [
    ("张三", "青岛某研究所", "13800000000", "成员单位之一与牵头单位存在未披露的关联关系"),
    ("李四", None, "13900000000", "申报材料中的研发投入数据与审计报告不一致"),
    ("王五", "某律师事务所", "0532-88880000", "首席专家的任职证明材料系伪造，请予核实"),
]


def lodge_on_the_page(server, walk: Walk, objector, attachment: bytes | None = None) -> tuple[str, str]:
    """Lodge one objection through the public form; (receipt number, verification code) from the receipt."""
    name, unit, contact, reason = objector
    visitor = server.client(None)
    form = {**tokens(visitor.get("/public/publicity").text, "/public/publicity/objections"),
            "application_no": walk.business_key, "objector_name": name, "objector_unit": unit or "",
            "contact": contact, "reason": reason}
    files = {"attachment": ("证据.pdf", attachment, "application/pdf")} if attachment else None
    sent = visitor.post("/public/publicity/objections", data=form, files=files, allow_redirects=False)
    assert sent.status_code == 303, sent.text
    page = visitor.get(sent.headers["Location"]).text
    receipt = re.search(r'id="receipt-no">([^<]+)<', page).group(1)
    code = re.search(r'id="verification-code">([^<]+)<', page).group(1)
    return receipt, code


def status(server, receipt_no: str, code: str):
    return server.client(None).post(
        "/api/public/objections/status", json={"receiptNo": receipt_no, "verificationCode": code}
    )


def objection_rows(ctx) -> dict[str, Objection]:
    with ctx.unit_of_work(write=False) as uow:
        return {o.receipt_no: o for o in uow.session.scalars(sa.select(Objection))}


def handling_tasks(walk: Walk) -> dict[str, str]:
    """{receipt number: task id} of the open handling tasks, as the city clerk sees them."""
    found = walk.tasks_of("city1", "Task_HandleObjection")
    return {t.properties["consortium.objection"]: t.id for t in found}


def complete_over_rest(server, task_id: str, form: dict) -> None:
    city = server.client("city1")
    assert city.rest("POST", f"/task/{task_id}/claim", json={"userId": "city1"}).status_code == 204
    done = city.rest("POST", f"/task/{task_id}/complete", json={"variables": typed_map(form)})
    assert done.status_code == 204, done.text


def test_three_objections_handled_one_by_one_two_dismissed_one_upheld(ctx, server, clock):
    walk = Walk(ctx)
    walk.through_to_publicity()
    walk.into_publicity()  # objections are received from the period's first day
    pdf = documents.pdf()
    lodged = [lodge_on_the_page(server, walk, OBJECTIONS[0]), lodge_on_the_page(server, walk, OBJECTIONS[1]),
              lodge_on_the_page(server, walk, OBJECTIONS[2], attachment=pdf)]
    (first, first_code), (second, second_code), (third, third_code) = lodged
    assert len({first, second, third}) == 3 and all(re.fullmatch(r"[A-Z2-9]{8}", c) for _, c in lodged)

    # the objector's lookup: the right pair answers, a wrong half is 404 either way
    answer = status(server, first, first_code)
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["applicationNo"]) == ("open", walk.business_key)
    assert status(server, first, second_code).status_code == 404
    assert status(server, "YY-0000-9999", first_code).status_code == 404
    assert status(server, first, "").status_code == 422

    # publicity ends: one handling task per objection, each naming its own
    walk.end_publicity(clock)
    assert handling_tasks(walk).keys() == {first, second, third}

    # the clerk's task page shows who objected, the grounds and the labelled attachment
    page_client = server.client(None)
    assert log_in(page_client, "city1").status_code == 303
    page = page_client.get(f"/tasks/{handling_tasks(walk)[third]}").text
    shown = page[page.index('id="objection"'):]
    assert third in shown and "王五" in shown and "某律师事务所" in shown and "0532-88880000" in shown
    assert "首席专家的任职证明材料系伪造" in shown and "证据.pdf" in shown and "证明材料" in shown
    assert first not in shown and "张三" not in shown  # only its own objection

    # first dismissed: the other two stay open, untouched
    complete_over_rest(server, handling_tasks(walk)[first],
                       {"objection_decision": "dismissed", "objection_finding": "经核实不存在关联关系"})
    rows = objection_rows(ctx)
    assert (rows[first].status, rows[first].conclusion, rows[first].decided_by) == (
        "dismissed", "经核实不存在关联关系", "city1")
    assert rows[second].status == rows[third].status == "open"
    assert rows[second].conclusion is None and rows[third].conclusion is None
    assert handling_tasks(walk).keys() == {second, third}

    complete_over_rest(server, handling_tasks(walk)[second],
                       {"objection_decision": "dismissed", "objection_finding": "数据差异系统计口径不同"})
    assert handling_tasks(walk).keys() == {third}
    with ctx.unit_of_work(write=False) as uow:
        record = uow.session.scalars(
            sa.select(Consortium).where(Consortium.instance_id == walk.instance_id)
        ).one()
        assert record.status == "publicity"  # not filed while an objection is open

    # the third is upheld, with why; false materials enter the lead unit in the credit record
    complete_over_rest(server, handling_tasks(walk)[third], {
        "objection_decision": "upheld", "objection_finding": "经核实，首席专家任职证明系伪造",
        "false_materials": True, "finding_document": "青科字〔2026〕31号"})
    rows = objection_rows(ctx)
    assert [(rows[r].status, rows[r].conclusion) for r in (first, second, third)] == [
        ("dismissed", "经核实不存在关联关系"),
        ("dismissed", "数据差异系统计口径不同"),
        ("upheld", "经核实，首席专家任职证明系伪造"),
    ]
    assert rows[third].finding_document == "青科字〔2026〕31号" and rows[third].decided_at is not None
    with ctx.unit_of_work(write=False) as uow:
        record = uow.session.scalars(
            sa.select(Consortium).where(Consortium.instance_id == walk.instance_id)
        ).one()
        assert record.status == "not_filed"
        assert uow.session.get(ProcessInstance, walk.instance_id).end_element_id == "End_NotFiled"
        assert uow.session.scalars(sa.select(Filing)).all() == []
    [entry] = integrity.list_integrity_records(ctx, actor=walk.actor("city1"), subject_id=LEAD)
    assert entry["decisionDocument"] == "青科字〔2026〕31号"
    assert walk.open_steps() == []

    upheld = status(server, third, third_code).json()
    assert (upheld["status"], upheld["conclusion"]) == ("upheld", "经核实，首席专家任职证明系伪造")
    assert status(server, first, first_code).json()["status"] == "dismissed"

    # the public page says the same, and a wrong pair is 404 there too
    visitor = server.client(None)
    form = tokens(visitor.get("/public/publicity/status").text, "/public/publicity/status")
    found = visitor.post("/public/publicity/status",
                         data={**form, "receipt_no": third, "verification_code": third_code.lower()})
    assert found.status_code == 200 and "异议成立" in found.text and "首席专家任职证明系伪造" in found.text
    form = tokens(visitor.get("/public/publicity/status").text, "/public/publicity/status")
    wrong = visitor.post("/public/publicity/status",
                         data={**form, "receipt_no": third, "verification_code": "X"})
    assert wrong.status_code == 404 and "首席专家" not in wrong.text


def test_three_dismissed_objections_lead_to_the_filing_decision(ctx, server, clock):
    walk = Walk(ctx)
    walk.through_to_publicity()
    walk.into_publicity()  # objections are received from the period's first day
    receipts = [
        publicity.lodge_objection(ctx, application_no=walk.business_key, objector_name=name,
                                  objector_unit=unit, contact=contact, reason=reason).receipt_no
        for name, unit, contact, reason in OBJECTIONS
    ]
    walk.end_publicity(clock)
    for receipt in receipts:
        assert walk.open_steps() != ["Task_FilingDecision"]
        walk.handle_objection(receipt)
    assert {o.status for o in objection_rows(ctx).values()} == {"dismissed"}
    assert walk.open_steps() == ["Task_FilingDecision"]
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.scalars(sa.select(Filing)).all() == []  # nothing filed without the decision

    # hold with a reason: the decision waits again, still nothing filed
    [task] = walk.tasks_of("city1", "Task_FilingDecision")
    city = server.client("city1")
    city.rest("POST", f"/task/{task.id}/claim", json={"userId": "city1"})
    refused = city.rest("POST", f"/task/{task.id}/complete",
                        json={"variables": typed_map({"filing_decision": "confirm"})})
    assert refused.status_code in (400, 422) and "document_no" in refused.text
    complete_over_rest(server, task.id, {"filing_decision": "hold", "hold_reason": "待核实牵头单位变更登记"})
    assert walk.open_steps() == ["Task_FilingDecision"]
    with ctx.unit_of_work(write=False) as uow:
        assert uow.session.scalars(sa.select(Filing)).all() == []

    [task] = walk.tasks_of("city1", "Task_FilingDecision")
    complete_over_rest(server, task.id, {"filing_decision": "confirm", "document_no": "青科字〔2026〕40号"})
    with ctx.unit_of_work(write=False) as uow:
        filing = uow.session.scalars(sa.select(Filing)).one()
        record = uow.session.get(Consortium, filing.consortium_id)
    assert filing.document_no == "青科字〔2026〕40号" and record.status == "filed"
    consortium = server.client("city1").get(f"/api/consortia/{record.id}").json()
    assert consortium["status"] == "filed"


def test_the_status_lookup_is_throttled_like_sign_in(ctx, server, clock):
    server.app.config["LOGIN_LIMITS"] = ("3 per 5 minutes", "30 per 5 minutes")
    walk = Walk(ctx)
    walk.through_to_publicity()
    walk.into_publicity()  # objections are received from the period's first day
    receipt, code = lodge_on_the_page(server, walk, OBJECTIONS[0])
    for _ in range(3):
        assert status(server, receipt, "WRONGONE").status_code == 404
    throttled = status(server, receipt, code)  # even the right pair, while throttled
    assert throttled.status_code == 429 and throttled.headers["Retry-After"]
    clock.advance(minutes=6)
    assert status(server, receipt, code).status_code == 200


def test_objections_are_received_from_the_first_day_of_the_period_beijing_time(ctx, server, clock):
    """The notice is published the day before its period starts (it states both dates): an objection
    on the publication day, up to 23:59:59 Beijing time, is refused naming the start date; from
    00:00 of the start date it is received (issue 17 item 11)."""
    from datetime import datetime, time, timedelta

    from service.clock import SHANGHAI, local_today
    from service.consortium.store.models import PublicityNotice

    walk = Walk(ctx)
    walk.through_to_publicity()
    with ctx.unit_of_work(write=False) as uow:
        notice = uow.session.scalars(
            sa.select(PublicityNotice).where(PublicityNotice.instance_id == walk.instance_id)).one()
    assert notice.start_date == local_today(notice.published_at) + timedelta(days=1)
    board = server.client(None).get("/public/publicity").text
    assert walk.business_key in board and f"{notice.start_date} — {notice.end_date}" in board

    first = datetime.combine(notice.start_date, time(0), tzinfo=SHANGHAI)
    name, unit, contact, reason = OBJECTIONS[0]
    for moment in (clock.now(), first - timedelta(seconds=1)):  # publication day, to its last second
        clock.set(moment)
        visitor = server.client(None)
        form = {**tokens(visitor.get("/public/publicity").text, "/public/publicity/objections"),
                "application_no": walk.business_key, "objector_name": name, "objector_unit": unit,
                "contact": contact, "reason": reason}
        refused = visitor.post("/public/publicity/objections", data=form, allow_redirects=False)
        assert refused.status_code == 409
        assert f"公示期自 {notice.start_date} 起，公示开始前不受理异议" in refused.text
        assert reason in refused.text  # the form comes back as typed
    assert objection_rows(ctx) == {}

    clock.set(first)
    receipt, _ = lodge_on_the_page(server, walk, OBJECTIONS[0])
    assert list(objection_rows(ctx)) == [receipt]
