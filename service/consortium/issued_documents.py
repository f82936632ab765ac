"""The register of issued documents: every generated PDF carries its application number and the hash of
its content, and is recorded here and in the application's audit trail, so a copy can be checked
(`/verify/<hash>`, issue 13 item 6).

Two hashes are kept: the SHA-256 of the PDF's bytes (a file received by e-mail is checked with
`sha256sum`) and the SHA-256 of the document's content, printed at the foot of every page (a paper copy
is checked by typing it). Rendering is deterministic, so issuing the same content again finds the
same row and records nothing new.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..actors import Actor
from ..context import Context
from ..engine.store import audit, instances
from ..errors import InvalidInput, NotFound
from .store.document_models import IssuedDocument

KINDS: dict[str, tuple[str, str]] = {
    "casefile": ("申报材料", "Case file"),
    "publicity_notice": ("公示通知", "Publicity notice"),
    "filing_notice": ("备案通知", "Filing notice"),
    "filing_certificate": ("备案证书", "Filing certificate"),
    "integrity_commitment": ("诚信承诺书", "Integrity commitment"),
    "panel_opinion": ("专家组意见", "Expert-group opinion"),
}
HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Verified:
    """What `/verify` says about a hash."""

    kind: str
    title: str
    application_no: str
    issued_at: datetime
    sha256: str
    content_sha256: str
    size: int


def content_hash(text: str) -> str:
    """The SHA-256 of a document's content (its HTML before the page frame), as printed on it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_issue(
    ctx: Context,
    *,
    kind: str,
    application_no: str,
    instance_id: str | None,
    title: str,
    pdf: bytes,
    content_sha256: str,
    actor: Actor | None,
) -> str:
    """Record that `pdf` was issued; returns its SHA-256. Idempotent: a PDF already known is not
    recorded twice (the audit trail keeps the first issue).

    Raises:
        InvalidInput: `kind` is not a document kind (see KINDS).
    """
    if kind not in KINDS:
        raise InvalidInput(f"未知文书类型 / Unknown document kind {kind!r}", {"kind": ["unknown"]})
    digest = hashlib.sha256(pdf).hexdigest()
    with ctx.unit_of_work() as uow:
        session = uow.session
        if instance_id is not None:  # the audit stream is the instance's: appended under its lock
            instances.lock(session, instance_id)
        if session.scalar(sa.select(IssuedDocument.id).where(IssuedDocument.sha256 == digest)) is not None:
            return digest
        now = ctx.now()
        session.add(
            IssuedDocument(
                sha256=digest, content_sha256=content_sha256, kind=kind, application_no=application_no,
                instance_id=instance_id, title=title[:200], size=len(pdf), issued_at=now,
                issued_by=actor.id if actor else None,
            )
        )
        audit.record(
            session,
            actor=actor,
            action="document.issued",
            at=now,
            instance_id=instance_id,
            detail={
                "kind": kind, "application_no": application_no, "sha256": digest,
                "content_sha256": content_sha256, "title": title,
            },
        )
        uow.commit()
    return digest


def verify(ctx: Context, *, digest: str) -> Verified:
    """The issued document whose PDF or printed content hash is `digest` (64 hex digits, any case).

    Raises:
        NotFound: not a hash this system issued (or not a hash at all).
    """
    value = (digest or "").strip().lower()
    if not HEX64.match(value):
        raise NotFound("无此文书 / No document with this hash")
    with ctx.unit_of_work(write=False) as uow:
        row = uow.session.scalars(
            sa.select(IssuedDocument)
            .where(sa.or_(IssuedDocument.sha256 == value, IssuedDocument.content_sha256 == value))
            .order_by(IssuedDocument.issued_at, IssuedDocument.id)
        ).first()
        if row is None:
            raise NotFound("无此文书 / No document with this hash")
        return Verified(
            row.kind, row.title, row.application_no, row.issued_at, row.sha256, row.content_sha256, row.size
        )
