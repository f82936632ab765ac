"""The key that signs session cookies, the same in every process that serves one installation.

With `CONSORTIUM_SECRET_KEY` unset, each gunicorn worker used to draw its own random key, so a cookie
signed by one worker was refused by the next (sign-ins lost, CSRF failures). Now the first process
writes a random key into the instance folder (`secret_key`, mode 0600) and every later or concurrent
process reads that same file. The file appears atomically: it is written complete under a private name
and then hard-linked into place, which fails for every process but one (`link` never overwrites).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

FILE_NAME = "secret_key"


def load_or_create(folder: Path) -> str:
    """The installation's secret key from `folder/secret_key`, generating it (0600) if absent.

    Raises:
        OSError: the folder cannot be created or the file cannot be read or written.
        RuntimeError: the key file exists but is empty (someone truncated it).
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / FILE_NAME
    if not target.exists():
        _publish(target, secrets.token_hex(32))
    key = target.read_text(encoding="ascii").strip()
    if not key:
        raise RuntimeError(f"{target} is empty: delete it to generate a new key")
    return key


def _publish(target: Path, key: str) -> None:
    private = target.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key + "\n")
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(FileExistsError):  # another process won: use its key
            os.link(private, target)
    finally:
        private.unlink(missing_ok=True)
