"""Sign-in throttling: failed passwords are counted per account and per client address.

Every password check costs ~0.16 s of Argon2 on purpose, so unthrottled guessing both tries passwords
and burns the server's CPU (13 attempts/s saturate it). The policy, applied on every edge that takes a
password (`/signin`, `/login`, HTTP Basic):

- before checking a password, `refusal` looks at both counters; when either has reached its limit the
  attempt is refused without hashing anything (429 with Retry-After), even if the password is right,
  so guessing gains nothing while throttled;
- after a wrong password, `failed` counts one hit on both; a successful sign-in counts nothing;
- HTTP Basic credentials verified moments ago (api/credentials.py keeps them for 30 s) are no
  attempt: they are taken without asking (api/auth.py `basic_actor`);
- the first refusal of each window is written to the audit trail as `auth.throttled` (stream "global"),
  so a flood of refusals cannot flood the trail.

Limits are `limits` strings ("10 per 5 minutes"), fixed windows, from Config (CONSORTIUM_LOGIN_LIMIT_*).
Counters live in the shared database (store/throttle_storage.py), so all workers count together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.strategies import FixedWindowRateLimiter

from ..context import Context
from .store import audit
from .store.throttle_storage import DatabaseStorage

MAX_NAME = 64  # longer names cannot be users; truncating bounds the key


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused: which counter is full and how many seconds until its window ends."""

    scope: str  # "account" | "address"
    retry_after: int


class LoginThrottle:
    def __init__(self, ctx: Context, *, account_limit: str, address_limit: str) -> None:
        """Raises ValueError for a limit string `limits` cannot parse."""
        self.ctx = ctx
        self.limiter = FixedWindowRateLimiter(DatabaseStorage(ctx.db, ctx.now))
        self.items: dict[str, RateLimitItem] = {
            "account": parse(account_limit),
            "address": parse(address_limit),
        }

    def _identities(self, username: str, address: str | None) -> dict[str, str]:
        return {"account": username.strip()[:MAX_NAME], "address": address or "unknown"}

    def refusal(self, *, username: str, address: str | None, edge: str) -> Refusal | None:
        """The refusal for this attempt, or None to go on and check the password.

        Records `auth.throttled` (user, address, scope, edge) on the first refusal of a window.
        """
        for scope, ident in self._identities(username, address).items():
            item = self.items[scope]
            if self.limiter.test(item, "login", scope, ident):
                continue
            reset = self.limiter.get_window_stats(item, "login", scope, ident).reset_time
            refusal = Refusal(scope, max(1, math.ceil(reset - self.ctx.now().timestamp())))
            first = type(item)(1, item.multiples, namespace="AUDITED")
            if self.limiter.hit(first, "login", scope, ident):
                self._audit(username, address, refusal, edge)
            return refusal
        return None

    def failed(self, *, username: str, address: str | None) -> None:
        """Count one wrong password against the account and the address."""
        for scope, ident in self._identities(username, address).items():
            self.limiter.hit(self.items[scope], "login", scope, ident)

    def _audit(self, username: str, address: str | None, refusal: Refusal, edge: str) -> None:
        with self.ctx.unit_of_work() as uow:
            audit.record(
                uow.session,
                actor=None,
                action="auth.throttled",
                at=self.ctx.now(),
                detail={
                    "user": username.strip()[:MAX_NAME],
                    "address": address,
                    "scope": refusal.scope,
                    "edge": edge,
                    "retry_after_seconds": refusal.retry_after,
                },
            )
            uow.commit()
