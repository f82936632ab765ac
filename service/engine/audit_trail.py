"""Verify the audit trail and anchor its stream heads: `consortium audit verify`, /admin/audit, the scheduler.

Verification walks every stream's chain (store/audit.py: every column hashed, `seq` consecutive, each
event linked to the one before, each in its instance's stream) and compares it with the most advanced
validly signed checkpoint of the stream, from the `audit_checkpoint` row or the checkpoint log file
(store/audit_anchor.py). Together they detect: any column edited; an event moved to another instance;
events reordered; an event removed or forged in the middle; the last events removed; a whole stream
removed; a row edited and every later hash recomputed; a checkpoint row forged, deleted or moved back.

The limit, by construction: events appended after a stream's last checkpoint are protected by the
chain only — removing them from the end (or appending forged ones there) before the next checkpoint
cannot be told from a trail that never had them. The scheduler therefore checkpoints on every tick
(at most every `CHECKPOINT_SECONDS`), and verification checkpoints the intact streams it just checked.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from ..context import Context
from .store import audit, audit_checkpoints
from .store.audit_anchor import Anchor, Head, anchor_for
from .store.models import AuditEvent

log = logging.getLogger(__name__)
CHECKPOINT_SECONDS = 30.0

BREAKS = {
    "hash": "事件内容与其哈希不符（被篡改） / event altered: its columns do not match its hash",
    "link": "事件链断裂 / chain broken: prev_hash is not the hash of the event before",
    "seq": "事件序号不连续（删除、插入或调换） / sequence broken: an event removed, inserted or reordered",
    "stream": "事件被移至其他申请 / event moved: its stream is not its instance's",
}


@dataclass(frozen=True)
class Problem:
    """One finding: what, in which stream, at which event (seq and row id where there is one)."""

    stream: str
    kind: str  # hash | link | seq | stream | truncated | stream_deleted | rewritten | count | signature
    # | checkpoint_row | log
    message: str  # "中文 / English"
    seq: int | None = None
    event_id: int | None = None

    def __str__(self) -> str:
        where = f" seq {self.seq}" if self.seq is not None else ""
        row = f" (row {self.event_id})" if self.event_id is not None else ""
        return f"{self.stream}{where}{row}: {self.message}"


@dataclass
class StreamReport:
    stream: str
    events: int = 0
    last_seq: int = 0
    anchored_seq: int = 0  # the most advanced valid checkpoint before this verification
    anchored_at: datetime | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def unanchored(self) -> int:
        """Events after the last checkpoint (protected by the chain only; see the module docstring)."""
        return max(self.last_seq - self.anchored_seq, 0)


@dataclass
class AuditReport:
    checked_at: datetime
    streams: list[StreamReport]
    problems: list[Problem] = field(default_factory=list)  # not tied to one stream (an unreadable log)
    checkpointed: int = 0  # intact streams whose head this verification signed

    @property
    def ok(self) -> bool:
        return not self.problems and all(s.ok for s in self.streams)

    @property
    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for s in self.streams for p in s.problems)]

    @property
    def events(self) -> int:
        return sum(s.events for s in self.streams)


def verify_trail(ctx: Context, *, checkpoint: bool = True) -> AuditReport:
    """Check every stream against its chain and its checkpoints; then (by default) sign intact heads.

    Returns the report (`ok` False when anything was found). Reads the whole trail once.

    Raises:
        ValueError: the audit key is misconfigured (store/audit_anchor.load_key).
    """
    anchor = anchor_for(ctx.config.database_url)
    now = ctx.now()
    logged, unreadable = anchor.read()
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        rows = audit_checkpoints.stored(session)
        events = session.scalars(
            sa.select(AuditEvent)
            .order_by(AuditEvent.stream, AuditEvent.seq, AuditEvent.id)
            .execution_options(yield_per=2000)
        )
        reports: dict[str, StreamReport] = {}
        heads: dict[str, AuditEvent] = {}
        for stream, group in itertools.groupby(events, key=lambda e: e.stream):
            chain = list(group)
            report = reports[stream] = StreamReport(stream, events=len(chain), last_seq=chain[-1].seq)
            heads[stream] = chain[-1]
            report.problems += [
                Problem(stream, reason, BREAKS[reason], e.seq, e.id)
                for e, reason in audit.chain_breaks(chain)
            ]
            _check_anchors(anchor, report, chain, rows.get(stream), logged)
        for stream in {*rows, *(h.stream for h, _ in logged)} - set(reports):
            report = reports[stream] = StreamReport(stream)
            _check_anchors(anchor, report, [], rows.get(stream), logged)
    result = AuditReport(checked_at=now, streams=sorted(reports.values(), key=_order))
    if unreadable:
        result.problems.append(
            Problem("*", "log", f"检查点日志有 {unreadable} 行无法读取 / {unreadable} unreadable line(s) "
                    f"in the checkpoint log {anchor.log_path}")
        )
    if checkpoint:
        intact = [
            Head(s.stream, heads[s.stream].seq, heads[s.stream].hash, s.events, now)
            for s in result.streams
            if s.ok and s.stream in heads and s.last_seq > s.anchored_seq
        ]
        result.checkpointed = _sign(ctx, anchor, intact)
    return result


def _order(report: StreamReport) -> tuple[bool, str]:
    return (report.ok, report.stream)  # problems first


def _check_anchors(
    anchor: Anchor,
    report: StreamReport,
    chain: list[AuditEvent],
    row: tuple[Head, str] | None,
    logged: list[tuple[Head, str]],
) -> None:
    """Compare one stream's events with its checkpoint row and its log lines."""
    stream = report.stream
    valid: list[Head] = []
    if row is not None:
        head, mac = row
        if anchor.signed_by_us(head, mac):
            valid.append(head)
        else:
            report.problems.append(
                Problem(stream, "signature", "检查点签名无效（伪造或密钥不符） / checkpoint row signature "
                        f"invalid (forged, or another key) at seq {head.seq}", head.seq)
            )
    mine = [(h, m) for h, m in logged if h.stream == stream]
    good_lines = [h for h, m in mine if anchor.signed_by_us(h, m)]
    if len(good_lines) < len(mine):
        report.problems.append(
            Problem(stream, "signature", "检查点日志中有签名无效的行 / checkpoint log line(s) with an "
                    "invalid signature")
        )
    if good_lines:
        best_line = max(good_lines, key=lambda h: h.seq)
        valid.append(best_line)
        if row is None or row[0].seq < best_line.seq:
            report.problems.append(
                Problem(stream, "checkpoint_row", "检查点记录被删除或回退 / checkpoint row deleted or "
                        f"moved back: the log anchors seq {best_line.seq}", best_line.seq)
            )
    if not valid:
        return
    best = max(valid, key=lambda h: h.seq)
    report.anchored_seq, report.anchored_at = best.seq, best.at
    by_seq = {e.seq: e for e in chain}
    if not chain:
        report.problems.append(
            Problem(stream, "stream_deleted", f"整条记录流被删除（检查点记至第 {best.seq} 条） / whole "
                    f"stream removed: it was checkpointed with {best.seq} event(s)", best.seq)
        )
        return
    last = chain[-1].seq
    if last < best.seq:
        report.problems.append(
            Problem(stream, "truncated", f"末尾事件被删除：第 {last + 1}–{best.seq} 条 / events {last + 1}.."
                    f"{best.seq} removed from the end (checkpointed at seq {best.seq})", best.seq)
        )
        return
    at_head = by_seq.get(best.seq)
    if at_head is None or at_head.hash != best.head_hash:
        report.problems.append(
            Problem(stream, "rewritten", f"已签名检查点之前的事件被改写（第 {best.seq} 条不再对应签名） / "
                    f"events up to the checkpoint were rewritten: seq {best.seq} no longer has the signed "
                    "hash",
                    best.seq, at_head.id if at_head else None)
        )
        return
    if sum(1 for e in chain if e.seq <= best.seq) != best.count:
        report.problems.append(
            Problem(stream, "count", f"检查点之前的事件数不符 / the stream no longer has the {best.count} "
                    f"event(s) checkpointed up to seq {best.seq}", best.seq)
        )


def checkpoint_trail(ctx: Context) -> int:
    """Sign the heads of the streams that grew since their checkpoint; returns how many were signed.

    Cheap enough for every scheduler tick: one aggregate over the trail, one read of the checkpoint
    rows, and per grown stream the events after its checkpoint — whose chain must continue the signed
    head (else nothing is signed and `verify_trail` reports the stream). Never re-signs a stream that
    shrank or was rewritten.
    """
    anchor = anchor_for(ctx.config.database_url)
    now = ctx.now()
    with ctx.unit_of_work(write=False) as uow:
        session = uow.session
        rows = audit_checkpoints.stored(session)
        heads = []
        for stream, (seq, head_hash, _count) in audit_checkpoints.current_heads(session).items():
            row = rows.get(stream)
            if row is not None and (seq <= row[0].seq or not anchor.signed_by_us(*row)):
                continue
            after = audit.stream_events(session, stream, after_seq=row[0].seq if row else 0)
            prev_hash, prev_seq = (row[0].head_hash, row[0].seq) if row else (audit.GENESIS, 0)
            if audit.chain_breaks(after, prev_hash=prev_hash, prev_seq=prev_seq):
                log.warning("audit stream %s is broken after its checkpoint; not signing it", stream)
                continue
            heads.append(Head(stream, seq, head_hash, (row[0].count if row else 0) + len(after), now))
    return _sign(ctx, anchor, heads)


def _sign(ctx: Context, anchor: Anchor, heads: list[Head]) -> int:
    """Store and log signed checkpoints for `heads` (rows first, then the log after the commit)."""
    if not heads:
        return 0
    signed = [(head, anchor.sign(head)) for head in heads]
    with ctx.unit_of_work() as uow:
        for head, mac in signed:
            audit_checkpoints.save(uow.session, head, mac)
        uow.commit()
    anchor.append(signed)
    return len(signed)
