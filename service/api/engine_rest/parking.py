"""The contract between fetchAndLock and a server that can park a long poll without a thread.

Under the ASGI server (`service/api/asgi.py`, `gunicorn -k asgi`) every WSGI request's environ carries
`PARK`: a function taking a `Parked`. fetchAndLock, finding nothing at once, hands its retry over and
answers the empty list; the server sends that answer only when the wait ends empty, and meanwhile holds
the request as a coroutine, not a thread. Under a plain WSGI server (`consortium serve`, gunicorn's
sync or gthread workers) `PARK` is absent and fetchAndLock waits in its thread, bounded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

PARK = "consortium.park_long_poll"
PARKED_COUNT = "consortium.parked_long_polls"  # how many polls wait now (GET /health shows it)


@dataclass(frozen=True)
class Parked:
    """A long poll handed to the server.

    `attempt()`: fetch and lock once more (a blocking call, run in the server's thread pool), returning
    the response body (JSON bytes) when tasks were locked, else None. `probe(topics)`: which of `topics`
    have a fetchable task now, for anyone (one query per check, however many polls are parked).
    `topics`: the topic names the poll waits on. `seconds`: how long it may wait at most.
    """

    attempt: Callable[[], bytes | None]
    probe: Callable[[frozenset[str]], set[str]]
    topics: frozenset[str]
    seconds: float
