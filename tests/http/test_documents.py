"""The case file, the bureau's notices and /verify over HTTP (issue 13 items 1, 5 and 6).

One application walks the whole procedure on one server (module scope: each PDF is rendered once);
the tests are chapters in order. Each PDF is opened with pypdf: its text must hold the Chinese content
(a missing glyph or an unembedded font extracts as nothing or as boxes), every page the application
number and the page count, and its hash must be in the register and the audit trail.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from service.bootstrap import build_context
from service.clock import MovableClock
from service.config import Config
from service.consortium.demo import ORGANISATIONS
from service.consortium.reviews import panels
from service.consortium.store.document_models import IssuedDocument
from service.consortium.store.models import Consortium, PublicityNotice
from service.engine import identities
from service.engine.store.models import AuditEvent
from tests.conftest import START
from tests.support.pages import log_in
from tests.support.procedure import FORMS, MEMBERS, PANEL, Walk

from .conftest import Server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # as the page tests keep screenshots
CLAUSES = FORMS["Task_SignAgreement"]["agreement"]
PLAN = FORMS["Task_DraftPlan"]["plan"]
story: dict = {}


@pytest.fixture(scope="module")
def server(sqlite_factory):
    ctx = build_context(Config(database_url=sqlite_factory.new_database()), clock=MovableClock(START))
    running = Server(ctx)
    running.thread.start()
    yield running
    running.http.shutdown()
    running.thread.join(timeout=10)
    ctx.db.dispose()


@pytest.fixture(scope="module")
def walk(server) -> Walk:
    walk = Walk(server.ctx)
    walk.start()
    walk.prepare_and_submit()
    return walk


def signed_in(server: Server, login: str):
    client = server.client(login)
    client.auth = None  # the pages read the signed-in session, not HTTP Basic
    response = log_in(client, login)
    assert response.status_code == 303, response.text
    return client


def pdf_text(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages]


def fonts_embedded(data: bytes) -> bool:
    """Every font of every page carries its glyphs (FontFile2/3 in its descriptor)."""
    reader = PdfReader(io.BytesIO(data))
    seen = 0
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None:
                    return False
                descriptor = descriptor.get_object()
                if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    return False
                seen += 1
    return seen > 0


def issued(server: Server, digest: str) -> list[dict]:
    with server.ctx.unit_of_work(write=False) as uow:
        rows = uow.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "document.issued"))
        return [json.loads(e.detail_json) for e in rows if digest in e.detail_json]


def check_pdf(server: Server, response, application_no: str, *needles: str) -> list[str]:
    """The PDF's checks (see the module's docstring); the file is kept under test-artifacts/."""
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"] == "application/pdf"
    data = response.content
    ARTIFACTS.mkdir(exist_ok=True)
    name = response.url.rsplit("/", 2)
    (ARTIFACTS / f"document-{name[-2]}-{name[-1].removesuffix('.pdf')}.pdf").write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    assert response.headers["X-Document-SHA256"] == digest
    pages = pdf_text(data)
    text = "\n".join(pages)
    for needle in needles:
        assert needle in text, needle
    assert "\ufffd" not in text and "□" not in text  # no replacement glyphs
    for number, page in enumerate(pages, start=1):
        assert application_no in page, f"page {number} lacks the application number"
        assert f"第 {number} 页 / 共 {len(pages)} 页" in page
        assert response.headers["X-Content-SHA256"] in page.replace("\n", "")
    assert fonts_embedded(data)
    [event] = issued(server, digest)
    assert event["application_no"] == application_no and event["sha256"] == digest
    return pages


# --- the case file before review ---------------------------------------------------------------------


def test_the_district_clerk_reads_the_whole_case_file(server, walk):
    page = signed_in(server, "district1").get(f"/casefile/{walk.business_key}")
    assert page.status_code == 200, page.text[:300]
    text = page.text
    for member in MEMBERS:
        assert member["name"] in text and member["credit_code"] in text
    assert "青岛海智装备科技有限公司" in text  # the lead unit's registered name
    for key in ("innovation_goals", "ip_ownership", "dispute_resolution"):
        assert CLAUSES[key] in text
    for key in ("significance", "organisation", "goals", "results", "funding"):
        assert PLAN[key] in text
    for section in ("建设意义及基础优势", "组织架构及运行机制", "目标任务及进度安排", "预期标志性成果及水平",
                    "经费投入与保障措施"):
        assert section in text
    assert "刘海岳" in text and "11010519491231002X" not in text  # the chief expert, ID number masked
    assert "本单位承诺所提交材料真实、有效、完整" in text and "海智装备 法定代表人 王海" in text
    assert "完成伺服驱动样机研制" in text and "牵头单位自筹" in text


def test_the_review_task_shows_the_case_file_beside_the_form(server, walk):
    [task] = walk.tasks_of("district1", "Task_DistrictReview")
    page = signed_in(server, "district1").get(f"/tasks/{task.id}")
    assert page.status_code == 200
    side = page.text.split('class="card side casefile-side"', 1)
    assert len(side) == 2, "no case file beside the form"
    assert CLAUSES["task_division"] in side[1] and PLAN["results"] in side[1]
    assert 'name="district_decision"' in side[1]  # the form is on the same page


def assert_beside_form(server: Server, walk: Walk, login: str, step: str, field: str) -> None:
    [task] = walk.tasks_of(login, step)
    page = signed_in(server, login).get(f"/tasks/{task.id}").text
    side = page.split('class="card side casefile-side"', 1)
    assert len(side) == 2 and PLAN["significance"] in side[1] and field in side[1], (login, step)


@pytest.mark.parametrize("login", ["district2", "expert1", "outsider"])
def test_whoever_may_not_see_the_application_gets_404(server, walk, login):
    """Another district, an expert not (yet) on its panel, a unit outside the consortium."""
    if login == "outsider":
        identities.add_user(
            server.ctx, user_id="outsider", password="demo1234", groups=["member"],
            org_credit_code=ORGANISATIONS[4][0],  # 青岛即墨工业软件有限公司: registered, not a member
        )
    for path in (f"/casefile/{walk.business_key}", f"/casefile/{walk.business_key}.pdf"):
        assert signed_in(server, login).get(path).status_code == 404, (login, path)


# --- review: experts see the case file only after the declaration ------------------------------------


def test_an_expert_reads_the_case_file_only_once_declared(server, walk):
    walk.do("Task_DistrictReview")
    assert_beside_form(server, walk, "city1", "Task_CityReview", 'name="city_decision"')
    walk.do("Task_CityReview")
    drawn = panels.draw_panel(
        server.ctx, round_id=walk.round_id, application_no=walk.business_key, actor=walk.actor("city1")
    )
    walk.panel_id, walk.panel = drawn["panelId"], drawn["drawn"][: len(PANEL)]
    first = walk.panel[0]
    assert signed_in(server, first).get(f"/casefile/{walk.business_key}").status_code == 404
    for login in walk.panel:
        panels.declare(server.ctx, panel_id=walk.panel_id, actor=walk.actor(login), no_conflict=True,
                       statement="本人与申报单位无利益冲突", signature=login)
    assert_beside_form(server, walk, first, "Task_DeskReview", 'name="recommend"')
    for login in walk.panel:
        walk.do("Task_DeskReview", {"opinion": f"{login} 的审查意见：技术路线清晰"}, login=login)
    page = signed_in(server, first).get(f"/casefile/{walk.business_key}")
    assert page.status_code == 200
    assert f"{first} 的审查意见" in page.text
    others = [login for login in walk.panel if login != first]
    assert not any(f"{login} 的审查意见" in page.text for login in others)  # colleagues' opinions hidden
    district = signed_in(server, "district1").get(f"/casefile/{walk.business_key}").text
    assert "的审查意见" not in district and "材料齐全，同意推荐" in district  # experts hidden, district shown
    city = signed_in(server, "city1").get(f"/casefile/{walk.business_key}").text
    assert all(f"{login} 的审查意见" in city for login in walk.panel)


def test_the_case_file_pdf(server, walk):
    response = signed_in(server, "city1").get(f"/casefile/{walk.business_key}.pdf")
    pages = check_pdf(
        server, response, walk.business_key, "申报材料", "青岛高端智能装备创新联合体", MEMBERS[0]["name"],
        "科技成果和知识产权归属", "建设意义及基础优势", "经费投入与保障措施", "诚信承诺",
        "材料齐全，同意推荐",
    )
    story["casefile_sha256"] = response.headers["X-Document-SHA256"]
    story["casefile_content"] = response.headers["X-Content-SHA256"]
    assert len(pages) >= 2


# --- publicity and filing ----------------------------------------------------------------------------


def test_the_publicity_notice_page_and_pdf(server, walk):
    assert_beside_form(server, walk, "city1", "Task_SiteVisitReport", 'name="findings"')
    walk.do("Task_SiteVisitReport")
    for login in walk.panel:
        walk.sign_score_sheet(login)
    walk.do("Task_Selection")
    anonymous = server.client(None)
    page = anonymous.get(f"/public/publicity/notices/{walk.business_key}")
    assert page.status_code == 200
    bureau = server.ctx.config.bureau
    for needle in (bureau.name, bureau.contact_phone, bureau.supervision_phone, "个工作日", "匿名异议",
                   "青岛高端智能装备创新联合体", "青岛海智装备科技有限公司", MEMBERS[-1]["name"]):
        assert needle in page.text, needle
    with server.ctx.unit_of_work(write=False) as uow:
        notice = uow.session.scalars(sa.select(PublicityNotice)).one()
    start, end = notice.start_date, notice.end_date
    period = f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
    assert period in page.text
    response = anonymous.get(f"/public/publicity/notices/{walk.business_key}.pdf")
    check_pdf(server, response, walk.business_key, "关于拟备案创新联合体的公示", bureau.name,
              bureau.supervision_phone, "公示期", "监督电话")
    # asked again, even by many at once, the same notice is the same file, rendered and registered once
    url = f"/public/publicity/notices/{walk.business_key}.pdf"
    with ThreadPoolExecutor(4) as pool:
        again = list(pool.map(lambda _: server.client(None).get(url), range(4)))
    assert {a.content for a in again} == {response.content}
    with server.ctx.unit_of_work(write=False) as uow:
        notices = uow.session.scalar(sa.select(sa.func.count()).select_from(IssuedDocument)
                                     .where(IssuedDocument.kind == "publicity_notice"))
    assert notices == 1
    assert anonymous.get("/public/publicity/notices/QD-0000-0000").status_code == 404
    story["notice_end"] = notice.ends_at


def test_the_filing_notice_and_certificate(server, walk):
    walk.end_publicity(server.ctx.clock)
    walk.do("Task_FilingDecision")  # the city clerk confirms with the document number (文号)
    with server.ctx.unit_of_work(write=False) as uow:
        status = uow.session.scalar(
            sa.select(Consortium.status).where(Consortium.application_no == walk.business_key)
        )
    assert status == "filed"
    lead = signed_in(server, "lead1")
    page = lead.get(f"/filings/{walk.business_key}")
    assert page.status_code == 200 and "予以备案的通知" in page.text
    notice = check_pdf(server, lead.get(f"/filings/{walk.business_key}/notice.pdf"), walk.business_key,
                       "予以备案的通知", "备案有效期自", "青岛海智装备科技有限公司", MEMBERS[0]["name"],
                       "青科字〔2026〕12号")
    valid = re.search(r"备案有效期自(\d+)年", "".join(notice))
    assert valid and int(valid.group(1)) >= START.year
    check_pdf(server, lead.get(f"/filings/{walk.business_key}/certificate.pdf"), walk.business_key,
              "创新联合体备案证书", "有效期", "青岛高端智能装备创新联合体")
    assert signed_in(server, "district2").get(f"/filings/{walk.business_key}/notice.pdf").status_code == 404


def test_the_integrity_commitment_letter(server, walk):
    response = signed_in(server, "lead1").get(f"/casefile/{walk.business_key}/commitment.pdf")
    check_pdf(server, response, walk.business_key, "诚信承诺书", "郑重承诺", "海智装备 法定代表人 王海")


def test_the_case_file_lists_the_issued_documents_and_reads_in_english(server, walk):
    city = signed_in(server, "city1")
    page = city.get(f"/casefile/{walk.business_key}").text
    for kind in ("publicity_notice", "filing_notice", "filing_certificate", "integrity_commitment"):
        assert f'data-kind="{kind}"' in page, kind
    assert city.get("/lang/en?next=/").status_code in (200, 303)
    english = city.get(f"/casefile/{walk.business_key}").text
    assert "Construction plan" in english and "Significance and foundation advantages" in english
    notice = city.get(f"/public/publicity/notices/{walk.business_key}").text
    assert "Publicity period" in notice and "Supervision telephone" in notice
    assert "Notice of filing" in city.get(f"/filings/{walk.business_key}").text


# --- /verify ------------------------------------------------------------------------------------------


def test_verify_names_the_document_by_either_hash(server, walk):
    anonymous = server.client(None)
    for digest in (story["casefile_sha256"], story["casefile_content"].upper()):
        page = anonymous.get(f"/verify/{digest}")
        assert page.status_code == 200
        assert "核验通过" in page.text and walk.business_key in page.text and "申报材料" in page.text
    typed = anonymous.get(f"/verify?hash={story['casefile_content']}", allow_redirects=True)
    assert typed.status_code == 200 and walk.business_key in typed.text


def test_verify_an_unknown_hash_is_404(server):
    anonymous = server.client(None)
    unknown = anonymous.get("/verify/" + "0" * 64)
    assert unknown.status_code == 404 and "未找到该文书" in unknown.text
    assert anonymous.get("/verify/not-a-hash").status_code == 404
