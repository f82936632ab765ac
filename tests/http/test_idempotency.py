"""Page and public forms follow post/redirect/get and carry an idempotency token: a replayed submission (a
reload of the POST, a double click, a retrying proxy) returns the first result and acts once."""

from __future__ import annotations

import re
import threading

import sqlalchemy as sa

from service.consortium.store.models import Objection
from service.engine.store.models import ProcessInstance
from tests.support.procedure import Walk

OBJECTION = {
    "objector_name": "张三",
    "objector_unit": "青岛某研究所",
    "contact": "13800000000",
    "reason": "该联合体成员单位资质材料与实际情况不符",
}


def tokens(html: str, action: str) -> dict[str, str]:
    """The hidden CSRF and idempotency tokens of the form posting to `action`."""
    pattern = r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>(.*?)</form>'
    form = re.search(pattern, html, re.S)
    assert form, f"no form posting to {action}"
    found = dict(re.findall(r'name="(csrf_token|idem)" value="([^"]+)"', form.group(1)))
    assert set(found) == {"csrf_token", "idem"}, found
    return found


def count(ctx, model, *where) -> int:
    with ctx.unit_of_work(write=False) as uow:
        return uow.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_replayed_objection_files_once_and_returns_the_first_receipt(ctx, server):
    walk = Walk(ctx)
    walk.through_to_publicity()
    walk.into_publicity()  # objections are received from the period's first day
    visitor = server.client(None)
    form = {**tokens(visitor.get("/public/publicity").text, "/public/publicity/objections"),
            "application_no": walk.business_key, **OBJECTION}

    first = visitor.post("/public/publicity/objections", data=form, allow_redirects=False)
    assert first.status_code == 303
    receipt_url = first.headers["Location"]
    page = visitor.get(receipt_url)
    receipt_no = re.search(r'id="receipt-no">([^<]+)<', page.text).group(1)
    assert receipt_no.startswith("YY-") and walk.business_key in page.text
    assert visitor.get(receipt_url).status_code == 200  # reloading the receipt reads it, files nothing
    assert count(ctx, Objection) == 1

    again = visitor.post("/public/publicity/objections", data=form, allow_redirects=False)
    assert again.status_code == 303 and again.headers["Location"] == receipt_url
    assert re.search(r'id="receipt-no">([^<]+)<', visitor.get(receipt_url).text).group(1) == receipt_no
    assert count(ctx, Objection) == 1

    # a new rendering of the form is a new submission: the same contact and text again is a duplicate
    # (409, report finding 9), new grounds are a new objection; another browser does not see this receipt
    fresh = {**form, **tokens(visitor.get("/public/publicity").text, "/public/publicity/objections")}
    assert visitor.post("/public/publicity/objections", data=fresh, allow_redirects=False).status_code == 409
    assert count(ctx, Objection) == 1
    fresh = {**form, **tokens(visitor.get("/public/publicity").text, "/public/publicity/objections"),
             "reason": OBJECTION["reason"] + "，另附证明材料"}
    second = visitor.post("/public/publicity/objections", data=fresh, allow_redirects=False)
    assert second.status_code == 303 and second.headers["Location"] != receipt_url
    assert count(ctx, Objection) == 2
    assert server.client(None).get(receipt_url).status_code == 404


def signed_in(server, login: str):
    browser = server.client(None)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/signin").text).group(1)
    answer = browser.post("/signin", data={"csrf_token": csrf, "username": login, "password": "demo1234"},
                          allow_redirects=False)
    assert answer.status_code == 303
    return browser


def test_a_page_form_sent_twice_acts_once(ctx, server):
    lead = signed_in(server, "lead1")
    form = tokens(lead.get("/").text, "/applications")
    first = lead.post("/applications", data=form, allow_redirects=False)
    assert first.status_code == 303 and first.headers["Location"].startswith("/tasks/")
    again = lead.post("/applications", data=form, allow_redirects=False)
    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    assert count(ctx, ProcessInstance) == 1
    assert "已提交过" in lead.get(again.headers["Location"]).text  # the user is told why nothing new began

    # a form without its token is refused, naming the reason; nothing starts
    refused = lead.post("/applications", data={"csrf_token": form["csrf_token"]}, allow_redirects=False)
    assert refused.status_code == 400 and "令牌" in refused.text
    assert count(ctx, ProcessInstance) == 1


def test_a_refused_submission_releases_its_token(ctx, server):
    walk = Walk(ctx)
    walk.through_to_publicity()
    walk.into_publicity()  # objections are received from the period's first day
    visitor = server.client(None)
    form = {**tokens(visitor.get("/public/publicity").text, "/public/publicity/objections"),
            "application_no": walk.business_key, **OBJECTION, "contact": ""}
    refused = visitor.post("/public/publicity/objections", data=form, allow_redirects=False)
    assert refused.status_code == 422 and count(ctx, Objection) == 0
    corrected = visitor.post("/public/publicity/objections", data={**form, "contact": "13800000000"},
                             allow_redirects=False)
    assert corrected.status_code == 303 and count(ctx, Objection) == 1


def test_a_double_click_sends_two_posts_at_once_and_one_acts(ctx, server):
    lead = signed_in(server, "lead1")
    form = tokens(lead.get("/").text, "/applications")
    twins = []
    for _ in range(2):
        twin = server.client(None)
        twin.cookies.update(lead.cookies)
        twins.append(twin)
    answers: list = [None, None]
    barrier = threading.Barrier(2)

    def send(i: int) -> None:
        barrier.wait()
        answers[i] = twins[i].post("/applications", data=form, allow_redirects=False)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    assert count(ctx, ProcessInstance) == 1
