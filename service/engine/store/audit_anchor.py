"""What anchors the audit trail outside its own rows: a key the database never holds, and a log file.

A checkpoint states "stream S had N events, the last one (seq N) hashing to H, at time T" and is signed
with HMAC-SHA256 under a key that is not in the database: whoever can rewrite the audit rows (and
recompute every hash, which needs no secret) still cannot sign a checkpoint for the rewritten chain.
Checkpoints are kept twice — one row per stream in `audit_checkpoint` (quick to compare) and one line
per checkpoint appended to a JSON-lines log file — so deleting the checkpoint rows together with the
events they anchor is detected as well. Run the log on storage the database role cannot write (or
`chattr +a` it); verification trusts the most advanced validly signed checkpoint of either.

Settings (environment):

- `CONSORTIUM_AUDIT_KEY`: the key itself (at least 32 characters), e.g. from a secret store;
- otherwise `CONSORTIUM_AUDIT_KEY_FILE` (default `<dir>/audit.key`): generated once with 0600
  permissions when absent, read afterwards. Losing the key makes every checkpoint unverifiable
  (reported as a bad signature); keep it with the backups of the *configuration*, not of the database;
- `CONSORTIUM_AUDIT_CHECKPOINT_LOG` (default `<dir>/audit-checkpoints.jsonl`);
- `CONSORTIUM_AUDIT_DIR`: `<dir>` above (default `var`, the instance folder);
- `CONSORTIUM_AUDIT_DATABASE_LABEL`: which database the log lines belong to (default: the database
  URL without its password). Set it when the URL changes (a new host) so old lines keep counting.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from .audit import canonical_time

log = logging.getLogger(__name__)
SCHEME = "consortium-audit-checkpoint/1"
MIN_KEY_LENGTH = 32


@dataclass(frozen=True)
class Head:
    """A stream's head as a checkpoint states it."""

    stream: str
    seq: int  # the last event's seq
    head_hash: str  # the last event's hash
    count: int  # how many events the stream had
    at: datetime  # when the checkpoint was taken


@dataclass(frozen=True)
class Anchor:
    """The key, the log file and this database's label: everything checkpoints need outside the rows."""

    key: bytes
    log_path: Path
    database: str

    def sign(self, head: Head) -> str:
        """HMAC-SHA256 (hex) of the head's fields under the key."""
        payload = json.dumps(
            [SCHEME, head.stream, head.seq, head.head_hash, head.count, canonical_time(head.at)],
            separators=(",", ":"),
        )
        return hmac.new(self.key, payload.encode(), hashlib.sha256).hexdigest()

    def signed_by_us(self, head: Head, mac: str | None) -> bool:
        """Whether `mac` is the key's signature of `head` (constant time)."""
        return bool(mac) and hmac.compare_digest(self.sign(head), mac)

    def append(self, heads: list[tuple[Head, str]]) -> None:
        """Append one line per (head, mac) to the log, in one write, then fsync."""
        if not heads:
            return
        lines = "".join(
            json.dumps(
                {
                    "database": self.database,
                    "stream": head.stream,
                    "seq": head.seq,
                    "head": head.head_hash,
                    "count": head.count,
                    "at": canonical_time(head.at),
                    "mac": mac,
                },
                ensure_ascii=False,
                separators=(",", ":"),
            )
            + "\n"
            for head, mac in heads
        )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, lines.encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> tuple[list[tuple[Head, str]], int]:
        """This database's (head, mac) lines of the log, and how many lines could not be read."""
        if not self.log_path.exists():
            return [], 0
        found: list[tuple[Head, str]] = []
        unreadable = 0
        with self.log_path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    entry: dict[str, Any] = json.loads(line)
                    if entry.get("database") != self.database:
                        continue
                    head = Head(
                        stream=str(entry["stream"]),
                        seq=int(entry["seq"]),
                        head_hash=str(entry["head"]),
                        count=int(entry["count"]),
                        at=datetime.fromisoformat(entry["at"]),
                    )
                    found.append((head, str(entry["mac"])))
                except (ValueError, KeyError, TypeError):
                    unreadable += 1
        return found, unreadable


def audit_dir() -> Path:
    return Path(os.environ.get("CONSORTIUM_AUDIT_DIR") or "var")


def load_key() -> bytes:
    """The checkpoint key: `CONSORTIUM_AUDIT_KEY`, else the key file (created once, 0600).

    Raises:
        ValueError: the configured key is shorter than 32 characters.
    """
    configured = os.environ.get("CONSORTIUM_AUDIT_KEY")
    if configured:
        if len(configured) < MIN_KEY_LENGTH:
            raise ValueError(f"CONSORTIUM_AUDIT_KEY must be at least {MIN_KEY_LENGTH} characters")
        return configured.encode()
    path = Path(os.environ.get("CONSORTIUM_AUDIT_KEY_FILE") or audit_dir() / "audit.key")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            log.warning("audit key file %s is readable by others; chmod 600 it", path)
        key = path.read_text(encoding="ascii").strip()
        if len(key) < MIN_KEY_LENGTH:
            raise ValueError(f"audit key file {path}: fewer than {MIN_KEY_LENGTH} characters") from None
        return key.encode()
    key = secrets.token_hex(32)
    try:
        os.write(fd, key.encode())
    finally:
        os.close(fd)
    log.info("generated the audit checkpoint key %s", path)
    return key.encode()


def database_label(database_url: str) -> str:
    """Which database log lines belong to: the URL without password (SQLite: the absolute file path)."""
    configured = os.environ.get("CONSORTIUM_AUDIT_DATABASE_LABEL")
    if configured:
        return configured
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return f"sqlite:{Path(url.database or ':memory:').resolve()}"
    return f"{backend}://{url.username or ''}@{url.host or ''}:{url.port or ''}/{url.database or ''}"


def anchor_for(database_url: str) -> Anchor:
    """The anchor of the database at `database_url`, from the environment (see the module docstring)."""
    configured = os.environ.get("CONSORTIUM_AUDIT_CHECKPOINT_LOG")
    log_path = Path(configured) if configured else audit_dir() / "audit-checkpoints.jsonl"
    return Anchor(key=load_key(), log_path=log_path, database=database_label(database_url))
