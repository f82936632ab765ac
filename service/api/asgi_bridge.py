"""The Flask app under an ASGI server, with long polls parked as coroutines instead of threads.

Camunda holds a waiting `fetchAndLock` without a thread (Servlet async); a WSGI server cannot, so each
waiting worker would hold one of a few request threads and fifty waiting workers would starve everybody
else. `LongPollBridge` runs every request through the Flask (WSGI) app in a small thread pool, as
before; fetchAndLock, finding nothing at once, hands its retry over (`engine_rest/parking.py`) and the
request then waits here as a coroutine on an `asyncio.Event`, costing no thread:

- woken at once by a commit in this process that added tasks of one of its topics
  (`engine.external_tasks.on_arrival`, called from the committing thread);
- woken by a check, every `check_seconds` while any poll is parked, that asks the database once which
  of the parked topics have a fetchable task (tasks created by another process, e.g. another gunicorn
  worker or the scheduler; expired locks; failures whose retryTimeout passed) — one query per check
  whatever the number of parked polls;
- a woken poll fetches again in the pool; with tasks it answers them, else it parks again until its
  `seconds` are over and answers the empty list fetchAndLock gave; a client that hangs up stops waiting.

Responses are buffered (the app sends no streams larger than a file download it already holds).
Run it with `gunicorn -k asgi 'service.asgi:create_asgi_app()'` (gunicorn's own asyncio worker).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from .engine_rest.parking import PARK, PARKED_COUNT, Parked

WsgiApp = Callable[[dict, Callable], Iterable[bytes]]


@dataclass(eq=False)
class _Waiter:
    parked: Parked
    event: asyncio.Event = field(default_factory=asyncio.Event)


class LongPollBridge:
    """An ASGI application serving `wsgi_app` in `threads` threads, parking long polls without one.

    `subscribe(listener) -> unsubscribe` is how in-process arrivals reach it (listener(topics), called
    from any thread). `parked` counts the polls waiting now (for health checks and tests).
    """

    def __init__(
        self,
        wsgi_app: WsgiApp,
        *,
        threads: int = 8,
        check_seconds: float = 1.0,
        subscribe: Callable[[Callable[[frozenset[str]], None]], Callable[[], None]] | None = None,
    ) -> None:
        self.wsgi_app = wsgi_app
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wsgi")
        self.check_seconds = check_seconds
        self.subscribe = subscribe
        self.waiters: set[_Waiter] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._checker: asyncio.Task | None = None
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def parked(self) -> int:
        return len(self.waiters)

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":  # no WebSockets here
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1000})
            return
        self._bind(asyncio.get_running_loop())
        body = await _read_body(receive)
        handed: list[Parked] = []
        environ = _environ(scope, body)
        environ[PARK] = handed.append
        environ[PARKED_COUNT] = self.parked
        status, headers, chunks = await self.loop.run_in_executor(
            self.pool, _call_wsgi, self.wsgi_app, environ
        )
        if handed:
            found = await self._wait(handed[0], receive)
            if found is not None:
                chunks = [found]
                headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(found)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"".join(chunks)})

    # --- parking -----------------------------------------------------------------------------------

    async def _wait(self, parked: Parked, receive: Callable) -> bytes | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + parked.seconds
        waiter = _Waiter(parked)
        self.waiters.add(waiter)
        self._ensure_checker()
        gone = asyncio.ensure_future(_disconnected(receive))
        try:
            while (left := deadline - loop.time()) > 0:
                woken = asyncio.ensure_future(waiter.event.wait())
                done, _ = await asyncio.wait({woken, gone}, timeout=left, return_when=asyncio.FIRST_COMPLETED)
                woken.cancel()
                if gone in done or woken not in done:
                    return None  # hung up, or the time is over
                waiter.event.clear()
                found = await loop.run_in_executor(self.pool, parked.attempt)
                if found is not None:
                    return found
            return None
        finally:
            self.waiters.discard(waiter)
            gone.cancel()

    def _wake(self, topics: frozenset[str] | set[str]) -> None:
        for waiter in self.waiters:
            if waiter.parked.topics & topics:
                waiter.event.set()

    def _arrived(self, topics: frozenset[str]) -> None:
        """From a committing thread: hand over to the loop."""
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake, topics)

    def _ensure_checker(self) -> None:
        if self._checker is None or self._checker.done():
            self._checker = asyncio.ensure_future(self._check())

    async def _check(self) -> None:
        """While polls are parked: one query per `check_seconds` for the topics that have work."""
        loop = asyncio.get_running_loop()
        while self.waiters:
            await asyncio.sleep(self.check_seconds)
            if not self.waiters:
                return
            waiters = list(self.waiters)
            topics = frozenset().union(*(w.parked.topics for w in waiters))
            try:
                ready = await loop.run_in_executor(self.pool, waiters[-1].parked.probe, topics)
            except Exception:  # a database hiccup: the polls keep waiting, the next check retries
                continue
            if ready:
                self._wake(frozenset(ready))

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.loop is not loop:
            self.loop = loop
            if self.subscribe is not None and self._unsubscribe is None:
                self._unsubscribe = self.subscribe(self._arrived)

    async def _lifespan(self, receive: Callable, send: Callable) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._bind(asyncio.get_running_loop())
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._unsubscribe is not None:
                    self._unsubscribe()
                self.pool.shutdown(wait=False, cancel_futures=True)
                await send({"type": "lifespan.shutdown.complete"})
                return


# --- WSGI in a thread ----------------------------------------------------------------------------------


async def _read_body(receive: Callable) -> bytes:
    parts = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(parts)


async def _disconnected(receive: Callable) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _environ(scope: dict, body: bytes) -> dict[str, Any]:
    """PEP 3333's environ from an ASGI HTTP scope."""
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    path = scope.get("root_path", "") + scope["path"]
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]) if server[1] is not None else "80",
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = value
        elif name != "CONTENT_LENGTH":
            key = f"HTTP_{name}"
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def _call_wsgi(app: WsgiApp, environ: dict) -> tuple[int, list[tuple[bytes, bytes]], list[bytes]]:
    """Run the WSGI app to the end: (status, headers, body chunks)."""
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started["status"], started["headers"] = status, headers
        return lambda data: chunks.append(data)

    chunks: list[bytes] = []
    result = app(environ, start_response)
    try:
        chunks.extend(result)
    finally:
        with contextlib.suppress(Exception):
            close = getattr(result, "close", None)
            if close is not None:
                close()
    status = int(started["status"].split(" ", 1)[0])
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in started["headers"]]
    return status, headers, chunks
