"""Documents the system issued (case file, publicity notice, filing notice, certificate, integrity letter).

One row per distinct PDF: its SHA-256, the hash of the content printed in its footer (a printed copy
carries that one), what it is and for which application, and when it was first issued. `/verify/<hash>`
reads this table; the same issue is also an audit event (`document.issued`) in the application's
hash-chained stream (issue 13 item 6, migration 0012_h13doc).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ...engine.store.base import Base, UtcDateTime


class IssuedDocument(Base):
    __tablename__ = "issued_document"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)  # of the PDF's bytes
    content_sha256: Mapped[str] = mapped_column(sa.String(64), index=True)  # printed on every page
    kind: Mapped[str] = mapped_column(sa.String(40))  # casefile | publicity_notice | filing_notice | …
    application_no: Mapped[str] = mapped_column(sa.String(40), index=True)
    instance_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    size: Mapped[int] = mapped_column(sa.Integer)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    issued_by: Mapped[str | None] = mapped_column(sa.String(64))
