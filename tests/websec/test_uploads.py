"""Fault 12 (uploads): files must have their type's structure, and only who may work on a task attaches
documents to it; downloads stay attachments with nosniff."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
import sqlalchemy as sa

from service.engine.store.models import StoredFile
from service.engine.uploads import Upload, check
from service.errors import InvalidInput
from tests.support import documents
from tests.support.pages import form_token, sign_in
from tests.support.procedure import Walk

PDF = "application/pdf"
HTML_PDF = b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF\n"


def zeros_member(size: int, *, name: str = "word/media/blank.bin") -> bytes:
    """A docx whose one extra member is `size` zero bytes (deflate squeezes ~1000:1)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", documents.CONTENT_TYPES)
        package.writestr("word/document.xml", "<w:document/>")
        with package.open(name, "w", force_zip64=True) as member:
            block = bytes(1024 * 1024)
            for _ in range(size // len(block)):
                member.write(block)
    return out.getvalue()


@pytest.fixture(scope="module")
def gigabyte_docx() -> bytes:
    return zeros_member(1024 * 1024 * 1024)


def problem(content_type: str, data: bytes) -> str | None:
    try:
        check(Upload("f", content_type, data), "file")
    except InvalidInput as exc:
        return exc.fields["file"][0]
    return None


def test_real_documents_of_every_type_are_accepted():
    for content_type, data in (
        (PDF, documents.pdf()),
        (documents.DOCX, documents.docx()),
        (documents.XLSX, documents.xlsx()),
        ("image/png", documents.png(640, 480)),
        ("image/jpeg", documents.jpeg(640, 480)),
    ):
        assert problem(content_type, data) is None, content_type


def test_a_pdf_must_parse_and_must_not_be_html():
    assert "网页" in problem(PDF, HTML_PDF)
    assert "无法解析" in problem(PDF, b"%PDF-1.4\n%signed\n%%EOF\n")
    assert "无法解析" in problem(PDF, documents.pdf()[:200])  # truncated


def test_zip_packages_are_checked_for_bombs_parts_and_paths(gigabyte_docx):
    assert len(gigabyte_docx) < 2 * 1024 * 1024  # "a 1 MB .docx inflating to 1 GiB"
    assert "zip bomb" in problem(documents.DOCX, gigabyte_docx)
    assert "zip bomb" in problem(documents.DOCX, zeros_member(20 * 1024 * 1024))  # ratio, under the cap
    assert problem(documents.DOCX, documents.docx({"word/media/a.bin": bytes(100)})) is None
    no_types = io.BytesIO()
    with zipfile.ZipFile(no_types, "w") as package:
        package.writestr("word/document.xml", "<w:document/>")
    assert "[Content_Types].xml" in problem(documents.DOCX, no_types.getvalue())
    assert "word/document.xml" not in (problem(documents.XLSX, documents.xlsx()) or "")
    assert "xl/workbook.xml" in problem(documents.XLSX, documents.docx())  # a docx is not a workbook
    assert "路径" in problem(documents.DOCX, documents.docx({"../../etc/cron.d/x": b"x"}))
    many = documents.docx({f"word/media/{i}.xml": b"" for i in range(2001)})
    assert "more than" in problem(documents.DOCX, many)
    broken = bytearray(documents.docx({"word/media/a.bin": b"a" * 5000}))
    broken[-300] ^= 0xFF  # damage the central directory or the data
    assert problem(documents.DOCX, bytes(broken)) is not None
    assert "readable ZIP" in problem(documents.DOCX, b"PK\x03\x04" + bytes(100))


def test_images_need_a_complete_sane_header():
    assert problem("image/png", documents.png()[:30]) is not None  # no IEND
    assert "dimensions" in problem("image/png", documents.png(100_000, 100_000))
    assert "dimensions" in problem("image/jpeg", documents.jpeg(0, 10))
    assert problem("image/jpeg", documents.jpeg()[:-2]) is not None  # no end-of-image marker
    assert problem("image/jpeg", b"\xff\xd8\xff\xe0<html><script>x</script>") is not None


@pytest.fixture
def agreement_task(server) -> str:
    walk = Walk(server.ctx)
    walk.start()
    for step in ("Task_Initiate", "Task_InviteMembers"):
        walk.do(step)
    walk.confirm_all_members()
    [task] = walk.tasks_of("lead1", "Task_SignAgreement")
    return task.id


def _attach(browser, task_id: str, name: str, content_type: str, data: bytes):
    return browser.post(
        f"/tasks/{task_id}",
        data={"csrf_token": form_token(browser, "/"), "idem": uuid.uuid4().hex, "action": "draft"},
        files={"agreement.document": (name, data, content_type)},
        allow_redirects=False,
    )


def _stored(server) -> list[StoredFile]:
    with server.ctx.unit_of_work(write=False) as uow:
        return list(uow.session.scalars(sa.select(StoredFile)))


def test_only_who_may_work_on_the_task_attaches_documents(server, agreement_task):
    for login in ("city1", "owner", "district1", "member1"):
        browser = server.client(None)
        assert sign_in(browser, login).status_code == 303
        refused = _attach(browser, agreement_task, "协议.pdf", PDF, documents.pdf())
        assert refused.status_code in (403, 404), (login, refused.status_code)
    assert _stored(server) == []

    lead = server.client(None)
    assert sign_in(lead, "lead1").status_code == 303
    assert _attach(lead, agreement_task, "协议.pdf", PDF, documents.pdf()).status_code == 303
    [row] = _stored(server)
    download = lead.get(f"/documents/{row.id}")
    assert download.status_code == 200 and download.content == documents.pdf()
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_hostile_files_are_refused_over_http(server, agreement_task, gigabyte_docx):
    lead = server.client(None)
    assert sign_in(lead, "lead1").status_code == 303
    html = _attach(lead, agreement_task, "协议.pdf", PDF, HTML_PDF)
    assert html.status_code == 422 and "PDF 文件中含有网页代码" in html.text
    bomb = _attach(lead, agreement_task, "协议.docx", documents.DOCX, gigabyte_docx)
    assert bomb.status_code == 422 and "压缩炸弹" in bomb.text
    assert _stored(server) == []
