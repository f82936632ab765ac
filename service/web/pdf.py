"""PDFs from the pages' own HTML (WeasyPrint): the document's body as the page shows it, in a print frame.

Every PDF is A4 with page numbers, the application number on every page and the verification code
(the SHA-256 of the body, `issued_documents.content_hash`) at the foot; it is recorded in the register of
issued documents and the audit trail before it is sent (issue 13 items 1 and 6). The same document
asked again (the same page, byte for byte) is served from a small memory of recent PDFs, and rendered
once even when many ask at the same moment: rendering costs seconds of CPU, and public notices are open
to anyone. The CJK font is
Debian's fonts-wqy-microhei (scripts/setup.sh), embedded by WeasyPrint as a subset.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from flask import Response, current_app, render_template
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
    key = hashlib.sha256(f"{kind}\0{application_no}\0{html}".encode()).hexdigest()
    rendered, rendering = _memory()
    with rendering.hold(key):  # one rendering per document at a time: parallel requests wait for it
        cached = rendered.get(key)
        if cached is None:
            pdf = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
            file_hash = issued_documents.record_issue(
                context(), kind=kind, application_no=application_no, instance_id=instance_id, title=title,
                pdf=pdf, content_sha256=digest, actor=actor,
            )
            rendered.put(key, (pdf, file_hash))
        else:
            pdf, file_hash = cached
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{_quoted(download_name)}"
    response.headers["X-Document-SHA256"] = file_hash
    response.headers["X-Content-SHA256"] = digest
    return response


class _Recent:
    """The PDFs rendered last, by document (kind, application, the exact page): the same document asked
    again is answered from memory, neither rendered (seconds of CPU) nor recorded again. Bounded in
    entries and bytes."""

    def __init__(self, entries: int = 32, total_bytes: int = 64 * 2**20) -> None:
        self.entries, self.total_bytes = entries, total_bytes
        self._items: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bytes, str] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: str, value: tuple[bytes, str]) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > 1 and (len(self._items) > self.entries
                                            or self._bytes() > self.total_bytes):
                self._items.popitem(last=False)

    def _bytes(self) -> int:
        return sum(len(pdf) for pdf, _ in self._items.values())


class _KeyLocks:
    """A lock per document key, forgotten when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, list] = {}
        self._guard = threading.Lock()

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            entry = self._locks.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    self._locks.pop(key, None)


def _memory() -> tuple[_Recent, _KeyLocks]:
    """This app's recent PDFs and rendering locks (per app: each app has its own database and register)."""
    return current_app.extensions.setdefault("consortium.pdfs", (_Recent(), _KeyLocks()))


def _quoted(name: str) -> str:
    return quote(name, safe="")


def _no_fetch(url: str, *args, **kwargs):
    """Documents are self-contained: nothing is fetched (no file:, no network) while rendering."""
    raise ValueError(f"documents fetch nothing ({url})")
