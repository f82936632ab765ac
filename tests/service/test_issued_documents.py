"""The register of issued documents on SQLite and PostgreSQL (issue 13 item 6): a PDF is recorded once,
with an audit event in its application's stream, and found again by either of its hashes."""

from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa

from service.consortium import issued_documents
from service.engine.store.models import AuditEvent
from service.errors import InvalidInput, NotFound
from tests.support.procedure import Walk

PDF = b"%PDF-1.7 a stand-in for a rendered document"


def test_a_document_is_recorded_once_and_verified_by_either_hash(ctx):
    walk = Walk(ctx)
    walk.start()
    content = issued_documents.content_hash("<article>申报材料</article>")
    issue = dict(kind="casefile", application_no=walk.business_key, instance_id=walk.instance_id,
                 title="申报材料", pdf=PDF, content_sha256=content, actor=walk.actor("city1"))
    digest = issued_documents.record_issue(ctx, **issue)
    assert digest == hashlib.sha256(PDF).hexdigest()
    assert issued_documents.record_issue(ctx, **issue) == digest  # the same PDF again: nothing new

    for typed in (digest, content, digest.upper()):
        found = issued_documents.verify(ctx, digest=typed)
        assert (found.kind, found.application_no, found.sha256) == ("casefile", walk.business_key, digest)
        assert found.issued_at == ctx.now()
    with ctx.unit_of_work(write=False) as uow:
        query = sa.select(AuditEvent).where(AuditEvent.action == "document.issued")
        events = list(uow.session.scalars(query))
    assert len(events) == 1 and events[0].stream == walk.instance_id and events[0].actor == "city1"
    assert json.loads(events[0].detail_json)["sha256"] == digest


@pytest.mark.parametrize("typed", ["0" * 64, "not-a-hash", "", "f" * 63])
def test_an_unknown_hash_is_not_found(ctx, typed):
    with pytest.raises(NotFound):
        issued_documents.verify(ctx, digest=typed)


def test_an_unknown_kind_is_refused(ctx):
    with pytest.raises(InvalidInput):
        issued_documents.record_issue(ctx, kind="memo", application_no="X", instance_id=None, title="t",
                                      pdf=PDF, content_sha256="0" * 64, actor=None)
