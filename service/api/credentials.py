"""A short-lived memory of verified Basic credentials.

Argon2 costs about 0.1 s per check on purpose, and a Camunda REST client sends its password with every
request; re-hashing each time would make every call slow and hand an attacker a cheap CPU amplifier.
Only successful checks are remembered, keyed by an HMAC of the credentials (never the password), for
`ttl` seconds: a deactivated user or a changed password takes effect within that window.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time

from ..actors import Actor


class CredentialCache:
    def __init__(self, ttl: float = 30.0, size: int = 1024) -> None:
        self.ttl, self.size = ttl, size
        self._key = secrets.token_bytes(32)
        self._entries: dict[bytes, tuple[float, Actor]] = {}
        self._lock = threading.Lock()

    def _digest(self, user: str, password: str) -> bytes:
        return hmac.new(self._key, f"{user}\0{password}".encode(), hashlib.sha256).digest()

    def get(self, user: str, password: str) -> Actor | None:
        digest = self._digest(user, password)
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None or entry[0] < time.monotonic():
                self._entries.pop(digest, None)
                return None
            return entry[1]

    def put(self, user: str, password: str, actor: Actor) -> None:
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.clear()
            self._entries[self._digest(user, password)] = (time.monotonic() + self.ttl, actor)

    def clear(self) -> None:
        """Forget every remembered check: a membership or a user changed (engine-rest identity routes),
        so the next request reads the groups again instead of waiting out `ttl`."""
        with self._lock:
            self._entries.clear()
