"""Uploaded documents (signed agreements, plans, letters, objection evidence): checked, hashed, stored.

The declared content type is not trusted: the first bytes must match it, so a renamed executable is
refused, and the whole file must have that type's structure (upload_checks.py: PDF parsed, ZIP packages
within size and ratio budgets, image headers). A document is attached to a task only by someone who may
work on the task (candidate or assignee), not by everyone who may see it.
Bytes live on disk under their SHA-256 (identical uploads share one file); the row records who
sent what for which application, and reading is scoped like the application itself.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ..actors import Actor
from ..context import Context
from ..errors import Forbidden, InvalidInput, NotFound
from .store import instances, tasks
from .store.models import StoredFile
from .upload_checks import structure_problem

MAX_BYTES = 10 * 1024 * 1024
ZIP = b"PK\x03\x04"
# declared type -> the magic bytes its content must start with
ACCEPTED = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (ZIP,),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (ZIP,),
    "application/ofd": (ZIP,),
}


@dataclass(frozen=True)
class Upload:
    name: str
    content_type: str
    data: bytes


def check(upload: Upload, field: str) -> None:
    """Refuse empty, oversized and mislabelled files, naming the form field.

    Raises:
        InvalidInput: with the problem under `field`.
    """
    problem = None
    declared = upload.content_type.split(";")[0].strip().lower()
    magic = ACCEPTED.get(declared)
    if not upload.data:
        problem = "文件为空 / The file is empty"
    elif len(upload.data) > MAX_BYTES:
        megabytes = MAX_BYTES // 1024 // 1024
        problem = f"文件超过 {megabytes} MB / The file is larger than {megabytes} MB"
    elif magic is None:
        problem = "仅接受 PDF、PNG、JPEG、DOCX、XLSX、OFD 文件 / Only PDF, PNG, JPEG, DOCX, XLSX or OFD files"
    elif not upload.data.startswith(magic):
        problem = "文件内容与类型不符 / The file's content does not match its type"
    else:
        problem = structure_problem(declared, upload.data)
    if problem:
        raise InvalidInput("上传文件不符合要求 / The upload was refused", {field: [problem]})


def _write(directory: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    target = directory / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
    return digest


def _record(ctx: Context, session, upload: Upload, digest: str, **where) -> StoredFile:
    row = StoredFile(
        id=str(uuid.uuid4()),
        sha256=digest,
        name=Path(upload.name).name[:255] or "file",
        content_type=upload.content_type.split(";")[0].strip().lower(),
        size=len(upload.data),
        uploaded_at=ctx.now(),
        **where,
    )
    session.add(row)
    return row


def store_for_task(
    ctx: Context, *, directory: Path, task_id: str, actor: Actor, upload: Upload, field: str
) -> StoredFile:
    """Keep a document a task form refers to; returns the row whose id, sha256 and name form the file ref.

    Raises:
        InvalidInput: the file is refused (see `check`), under `field`.
        NotFound: the caller cannot see the task.
        Forbidden: the caller sees the task but may not work on it (not its assignee or a candidate).
    """
    check(upload, field)
    with ctx.unit_of_work() as uow:
        task = tasks.get_visible(uow.session, task_id, actor)
        if not tasks.may_work_on(uow.session, task, actor):
            raise Forbidden(f"无权为该任务上传文件 / You may not attach documents to task {task_id}")
        digest = _write(directory, upload.data)
        row = _record(
            ctx, uow.session, upload, digest,
            purpose="task", instance_id=task.instance_id, reference=task_id, uploaded_by=actor.id,
        )
        uow.commit()
        return row


def store_for_objection(
    ctx: Context, *, directory: Path, instance_id: str, receipt_no: str, upload: Upload
) -> StoredFile:
    """Keep the evidence a member of the public attached to an objection (readable by clerks only)."""
    check(upload, "attachment")
    with ctx.unit_of_work() as uow:
        digest = _write(directory, upload.data)
        row = _record(
            ctx, uow.session, upload, digest,
            purpose="objection", instance_id=instance_id, reference=receipt_no, uploaded_by=None,
        )
        uow.commit()
        return row


def list_documents(ctx: Context, *, instance_id: str, actor: Actor) -> list[StoredFile]:
    """The application's documents; objection evidence only for those who see every application."""
    with ctx.unit_of_work(write=False) as uow:
        instances.get_visible(uow.session, instance_id, actor)
        query = (
            sa.select(StoredFile)
            .where(StoredFile.instance_id == instance_id)
            .order_by(StoredFile.uploaded_at)
        )
        if not actor.sees_everything:
            query = query.where(StoredFile.purpose == "task")
        return list(uow.session.scalars(query))


def open_document(ctx: Context, *, directory: Path, file_id: str, actor: Actor) -> tuple[StoredFile, bytes]:
    """A document and its bytes, if the caller may see its application.

    Raises:
        NotFound: unknown id, outside the caller's scope, or the bytes no longer match their hash.
    """
    visible = {f.id: f for f in _candidates(ctx, file_id, actor)}
    row = visible.get(file_id)
    if row is None:
        raise NotFound(f"文件不存在 / No document {file_id}")
    data = (directory / row.sha256[:2] / row.sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise NotFound(f"文件已损坏 / Document {file_id} no longer matches its checksum")
    return row, data


def _candidates(ctx: Context, file_id: str, actor: Actor) -> list[StoredFile]:
    with ctx.unit_of_work(write=False) as uow:
        row = uow.session.get(StoredFile, file_id)
    if row is None or row.instance_id is None:
        return []
    return list_documents(ctx, instance_id=row.instance_id, actor=actor)
