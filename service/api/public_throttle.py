"""Per-client-address limit on public objections (breakit F11): the form needs no sign-in, so one
client could flood the city clerk with objections, each a handling task before the filing decision.

Counts accepted objections per client address in fixed windows (`limits`), in the shared database
(engine/store/throttle_storage.py) so all workers count together. The limit is
`app.config["OBJECTION_LIMIT"]` when set, else Config.objection_limit_address
(CONSORTIUM_OBJECTION_LIMIT_ADDRESS, default "5 per hour").
"""

from __future__ import annotations

import math

from flask import current_app
from limits import parse
from limits.strategies import FixedWindowRateLimiter

from ..engine.login_throttle import Refusal
from ..engine.store.throttle_storage import DatabaseStorage
from .auth import client_address, context

NAMESPACE = "objection"


def _limiter_and_item():
    ctx = context()
    limit = current_app.config.get("OBJECTION_LIMIT") or ctx.config.objection_limit_address
    return FixedWindowRateLimiter(DatabaseStorage(ctx.db, ctx.now)), parse(limit), ctx


def objection_refusal() -> Refusal | None:
    """The refusal (429, seconds to wait) when this client address has lodged its limit, else None."""
    limiter, item, ctx = _limiter_and_item()
    address = client_address() or "unknown"
    if limiter.test(item, NAMESPACE, "address", address):
        return None
    reset = limiter.get_window_stats(item, NAMESPACE, "address", address).reset_time
    return Refusal("address", max(1, math.ceil(reset - ctx.now().timestamp())))


def objection_lodged() -> None:
    """Count one accepted objection against this client address."""
    limiter, item, _ = _limiter_and_item()
    limiter.hit(item, NAMESPACE, "address", client_address() or "unknown")


def throttled_objection_message(refusal: Refusal) -> str:
    seconds = refusal.retry_after
    return (f"提交异议过于频繁，请 {seconds} 秒后再试 / "
            f"Too many objections from this address: try again in {seconds} s")
