"""PDFs from the pages' own HTML (WeasyPrint): the document's body as the page shows it, in a print frame.

Every PDF is A4 with page numbers, the application number on every page and the verification code
(the SHA-256 of the body, `issued_documents.content_hash`) at the foot; it is recorded in the register of
issued documents and the audit trail before it is sent (issue 13 items 1 and 6). The CJK font is
Debian's fonts-wqy-microhei (scripts/setup.sh), embedded by WeasyPrint as a subset.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, render_template
from markupsafe import Markup

from ..actors import Actor
from ..consortium import issued_documents
from .common import context


def issue_pdf(
    body: str,
    *,
    kind: str,
    title: str,
    application_no: str,
    instance_id: str | None,
    actor: Actor | None,
    download_name: str,
) -> Response:
    """Render `body` as a PDF, record its issue (register + audit trail) and answer it inline.

    The response carries `X-Document-SHA256` (the file) and `X-Content-SHA256` (the printed code).
    """
    from weasyprint import HTML  # noqa: PLC0415 - heavy: loaded on the first document, not at start

    digest = issued_documents.content_hash(body)
    html = render_template(
        "pdf_frame.html", body=Markup(body), title=title, application_no=application_no,
        content_hash=digest, issuer=context().config.bureau.name,
        verify_url=f"{context().config.bureau.public_url}/verify",
    )
    pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    file_hash = issued_documents.record_issue(
        context(), kind=kind, application_no=application_no, instance_id=instance_id, title=title,
        pdf=pdf, content_sha256=digest, actor=actor,
    )
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{_quoted(download_name)}"
    response.headers["X-Document-SHA256"] = file_hash
    response.headers["X-Content-SHA256"] = digest
    return response


def _quoted(name: str) -> str:
    return quote(name, safe="")


def _no_fetch(url: str, *args, **kwargs):
    """Documents are self-contained: nothing is fetched (no file:, no network) while rendering."""
    raise ValueError(f"documents fetch nothing ({url})")
