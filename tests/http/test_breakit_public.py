"""The public objection form and status lookup under hostile use (breakit findings F11, F20).

F20: the status lookup counted wrong codes per receipt across addresses: an attacker locked the objector
out of their own receipt. F11: the form took any number of objections from one client, a reason of any
length, a name of zero-width spaces and a contact "x".
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from service.consortium.store.models import Objection
from tests.support.procedure import Walk
from tests.websec.test_throttle import FromAddress

from .conftest import Server
from .test_idempotency import tokens

REASON = "申报材料中的研发投入数据与审计报告不一致"


@pytest.fixture
def in_publicity(server: Server) -> Walk:
    walk = Walk(server.ctx)
    walk.through_to_publicity()
    walk.into_publicity()  # objections are received from the period's first day
    return walk


def visitor(server: Server, address: str):
    client = server.client(None)
    client.mount("http://", FromAddress(address))
    return client


def lodge(client, walk: Walk, **fields):
    form = {**tokens(client.get("/public/publicity").text, "/public/publicity/objections"),
            "application_no": walk.business_key, "objector_name": "张三", "objector_unit": "",
            "contact": "13800000000", "reason": REASON, **fields}
    return client.post("/public/publicity/objections", data=form, allow_redirects=False)


def receipt_of(client, sent) -> tuple[str, str]:
    assert sent.status_code == 303, sent.text
    page = client.get(sent.headers["Location"]).text
    return (re.search(r'id="receipt-no">([^<]+)<', page).group(1),
            re.search(r'id="verification-code">([^<]+)<', page).group(1))


def lookup(client, receipt_no: str, code: str):
    body = {"receiptNo": receipt_no, "verificationCode": code}
    return client.post("/api/public/objections/status", json=body)


def test_wrong_codes_from_another_address_do_not_lock_the_objector_out(server: Server, in_publicity: Walk):
    server.app.config["LOGIN_LIMITS"] = ("3 per 5 minutes", "6 per 5 minutes")
    objector = visitor(server, "127.0.0.3")
    receipt_no, code = receipt_of(objector, lodge(objector, in_publicity))
    attacker = visitor(server, "127.0.0.4")
    answers = [lookup(attacker, receipt_no, f"WRONG{i}XX").status_code for i in range(4)]
    assert answers == [404, 404, 404, 429]  # the attacker is throttled on this receipt …
    found = lookup(objector, receipt_no, code)  # … the objector, elsewhere, is not
    assert found.status_code == 200, found.text
    assert found.json()["status"] == "open"
    # the attacker's address is throttled across receipts too: walking the sequential numbers stops
    other = [lookup(attacker, f"YY-2026-{n:04d}", "WRONGXXX").status_code for n in range(100, 104)]
    assert other[-1] == 429


def test_one_address_may_lodge_only_a_few_objections(server: Server, in_publicity: Walk):
    server.app.config["OBJECTION_LIMIT"] = "2 per hour"
    flood = visitor(server, "127.0.0.5")
    assert lodge(flood, in_publicity).status_code == 303
    assert lodge(flood, in_publicity, reason=REASON + "（补充）").status_code == 303
    refused = lodge(flood, in_publicity, reason=REASON + "（再补充）")
    assert refused.status_code == 429 and "过于频繁" in refused.text
    assert int(refused.headers["Retry-After"]) >= 1
    others = lodge(visitor(server, "127.0.0.6"), in_publicity, contact="13900000000")
    assert others.status_code == 303  # others still may


@pytest.mark.parametrize(("field", "value"), [
    ("reason", "异" * 5001),
    ("objector_name", "张" * 101),
    ("objector_unit", "单" * 201),
    ("contact", "1" * 101),
    ("objector_name", "\u200b"),
    ("objector_name", "\u200b \u3000\u2060\ufeff"),
    ("contact", "1"),
    ("contact", "x"),
    ("reason", "xxxxxxxxxxxx"),
])
def test_bad_objection_fields_are_refused_naming_the_field(server: Server, in_publicity: Walk, field, value):
    client = visitor(server, "127.0.0.7")
    refused = lodge(client, in_publicity, **{field: value})
    assert refused.status_code == 422, refused.text[:300]
    assert f'id="{field}-error"' in refused.text  # the message stands at the field


def test_an_e_mail_contact_and_spaced_name_are_accepted_and_cleaned(server: Server, in_publicity: Walk):
    client = visitor(server, "127.0.0.8")
    receipt_no, _ = receipt_of(client, lodge(client, in_publicity, objector_name="\u200b李\u200b四 ",
                                               contact="li.si@example.cn"))
    with server.ctx.unit_of_work(write=False) as uow:
        row = uow.session.scalars(sa.select(Objection).where(Objection.receipt_no == receipt_no)).one()
        assert (row.objector_name, row.contact) == ("李四", "li.si@example.cn")


def test_an_over_long_reason_is_told_only_that_it_is_too_long(server: Server, in_publicity: Walk):
    """Report finding 9: 6000 characters gave "最长 5000 个字符" glued to "至少 10 字"."""
    refused = lodge(visitor(server, "127.0.0.9"), in_publicity, reason="异" * 6000)
    assert refused.status_code == 422
    error = re.search(r'<p class="error" id="reason-error">(.*?)</p>', refused.text, re.S).group(1)
    assert "最长 5000 个字符" in error and "至少" not in error


def test_a_nul_byte_re_shows_the_form_naming_the_field(server: Server, in_publicity: Walk):
    """Report finding 9: a NUL byte gave a bare "请求参数无效" page and lost the text."""
    client = visitor(server, "127.0.0.10")
    refused = lodge(client, in_publicity, objector_name="王五", reason="异议理由\x00" + REASON)
    assert refused.status_code == 422, refused.text[:300]
    page = refused.text
    assert 'id="reason-error"' in page and "异议理由含有无法保存的字符" in page
    assert 'value="王五"' in page and "13800000000" in page
    assert f"异议理由{REASON}</textarea>" in page  # what was typed, without the NUL
    with server.ctx.unit_of_work(write=False) as uow:
        assert uow.session.scalars(sa.select(Objection)).all() == []
    assert lodge(client, in_publicity, reason="异议理由" + REASON).status_code == 303  # not throttled


def test_the_same_objection_twice_in_one_publicity_is_refused(server: Server, in_publicity: Walk):
    """Report finding 9: five identical objections were five receipts. Same contact and same reason in the
    same publicity: 409, the form shown again with the text and a message; another reason or another
    contact is a new objection."""
    client = visitor(server, "127.0.0.11")
    receipt_of(client, lodge(client, in_publicity))
    again = lodge(client, in_publicity, objector_name="张三丰", reason=f"  {REASON} ")
    assert again.status_code == 409, again.text[:300]
    assert "相同的异议" in again.text and f">{REASON}</textarea>" in again.text
    receipt_of(client, lodge(client, in_publicity, reason=REASON + "，另附审计报告"))
    receipt_of(client, lodge(client, in_publicity, contact="13900000000"))
    with server.ctx.unit_of_work(write=False) as uow:
        assert len(uow.session.scalars(sa.select(Objection)).all()) == 3


def test_one_phone_number_however_written_is_one_contact(server: Server, in_publicity: Walk):
    """Report-a finding 12: `+86 13800000000` lodged the same objection again as a new contact. A phone
    number is compared without the country code (+86, 0086, 86), spaces and dashes, and kept as written
    (spaces dropped) for the clerk to read."""
    client = visitor(server, "127.0.0.12")
    receipt_of(client, lodge(client, in_publicity, contact="13800000000"))
    for spelt in ("+86 13800000000", "+8613800000000", "0086 138 0000 0000", "86-13800000000",
                  "138-0000-0000", "+86 138-0000-0000"):
        again = lodge(client, in_publicity, contact=spelt)
        assert again.status_code == 409, (spelt, again.text[:300])
        assert "相同的异议" in again.text
    receipt_of(client, lodge(client, in_publicity, contact="0532 8888 0000"))
    assert lodge(client, in_publicity, contact="+86 0532-88880000").status_code == 409
    receipt_of(client, lodge(client, in_publicity, contact="Someone@Example.cn"))
    assert lodge(client, in_publicity, contact="someone@example.cn").status_code == 409
    with server.ctx.unit_of_work(write=False) as uow:
        contacts = sorted(o.contact for o in uow.session.scalars(sa.select(Objection)))
    assert contacts == ["053288880000", "13800000000", "Someone@Example.cn"]


def test_a_status_lookup_with_a_wrong_type_or_key_is_422_naming_it_and_no_guess(
    server: Server, in_publicity: Walk
):
    """Hostile report A finding 13: `{"receiptNo": 123, "verificationCode": ["x"]}` answered 404 (and
    counted as a failed guess); `receipt_no` answered "receiptNo: required"."""
    server.app.config["LOGIN_LIMITS"] = ("3 per 5 minutes", "6 per 5 minutes")
    client = visitor(server, "127.0.0.9")
    receipt_no, code = receipt_of(client, lodge(client, in_publicity))
    path = "/api/public/objections/status"
    both = client.post(path, json={"receiptNo": 123, "verificationCode": ["x"]})
    assert both.status_code == 422, both.text
    assert set(both.json()["fields"]) == {"receiptNo", "verificationCode"}
    assert all(" / " in r for rs in both.json()["fields"].values() for r in rs)
    for wrong in (12345678, None, True, {"code": code}):
        typed = client.post(path, json={"receiptNo": receipt_no, "verificationCode": wrong})
        assert typed.status_code == 422 and list(typed.json()["fields"]) == ["verificationCode"], wrong
    snake = client.post(path, json={"receipt_no": receipt_no, "verification_code": code})
    assert snake.status_code == 422
    fields = snake.json()["fields"]
    assert {"receipt_no", "verification_code"} <= set(fields)
    assert "未知字段" in fields["receipt_no"][0] and "Unknown field" in fields["receipt_no"][0]
    assert client.post(path, json=["x"]).status_code == 422
    found = lookup(client, receipt_no, code)  # none of the above counted as a failed guess
    assert found.status_code == 200, found.text
