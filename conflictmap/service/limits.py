"""What bounds a request: body size, query length, rows, time, worker threads; one log line each.

The geocoding of a request runs in a worker thread under a time limit, in one of two bounded
pools ("lanes"): look-ups (``/search``, ``/reverse``) and tables (``POST /geocode``), so that
tables running for minutes never take the threads look-ups need. Past its time limit the client
gets HTTP 503 at once. A look-up (milliseconds) finishes in the background and its answer is
dropped (Python threads cannot be killed); a table runs as a :class:`Job` that checks between
chunks whether it was cancelled (time limit, client gone, server stopping) and then stops. A
table that finds its lane full (``table_workers`` running and ``table_queue`` waiting) gets 503
with ``Retry-After`` at once.

Examples
--------
>>> import asyncio, time
>>> pool = WorkerPool(workers=2)
>>> asyncio.run(pool.run(time.sleep, 0.5, seconds=0.05))
Traceback (most recent call last):
...
conflictmap.service.limits.RequestTimeout: the request took longer than 0.05 s
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import anyio
import anyio.to_thread

from ..errors import ConflictmapError
from .params import ParamError, quote

__all__ = ["Limits", "RequestTimeout", "LaneFull", "Stopping", "Job", "WorkerPool", "read_body", "AccessLog"]

access_log = logging.getLogger("conflictmap.service.access")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    """Control characters as ``\\xNN`` so that a request cannot forge log lines."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class RequestTimeout(ConflictmapError):
    """The request's work took longer than its time limit (HTTP 503)."""

    status = 503

    def __init__(self, seconds: float):
        super().__init__(f"the request took longer than {seconds:g} s")
        self.seconds = seconds


class LaneFull(ConflictmapError):
    """Every worker of a lane is busy and its queue is full (HTTP 503, retry later)."""

    status = 503

    def __init__(self, lane: str, size: int):
        super().__init__(f"the {lane} lane is full ({size} running or waiting); retry in a moment")


class Stopping(ConflictmapError):
    """The server is stopping; the work was cancelled (HTTP 503)."""

    status = 503

    def __init__(self) -> None:
        super().__init__("the service is stopping; the request was cancelled")


class Job:
    """A cancellable piece of work: the worker calls :meth:`check` between steps.

    >>> job = Job(); job.check(); job.cancel(); job.cancelled
    True
    """

    def __init__(self, stopping: threading.Event | None = None):
        self._cancel = threading.Event()
        self._stopping = stopping or threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set() or self._stopping.is_set()

    def check(self) -> None:
        """Raise :class:`Stopping` once the job is cancelled (the worker's way out)."""
        if self.cancelled:
            raise Stopping()


@dataclass
class Limits:
    """Bounds of the service (the CLI sets some of them).

    Parameters
    ----------
    max_query_chars : int
        Longest ``q`` (and structured field) accepted.
    max_body_bytes : int
        Largest POST body (HTTP 413 beyond).
    max_rows : int
        Most rows in one ``/geocode`` table.
    max_limit : int
        Largest ``limit`` of ``/search`` (Nominatim's is 50).
    request_seconds, table_seconds : float
        Time limits of a search/reverse and of a ``/geocode`` table.
    workers : int
        Threads that run look-ups (``/search``, ``/reverse``).
    table_workers, table_queue : int
        Threads that run ``/geocode`` tables (their own lane), and how many more tables may wait
        for one; beyond that a table gets 503 at once.
    max_connections : int
        Open connections; at the limit a new one closes the oldest connection that runs no
        request, and gets 503 only when every connection runs one.
    body_seconds : float
        Time a ``POST /geocode`` client has to send its body (HTTP 408 after).
    header_seconds : float
        Time a connection has to send a request's headers (from opening, or from its previous
        answer) before it gets 408 and is closed.
    stop_seconds : float
        On SIGTERM / Ctrl+C, time running requests get to finish (their work is cancelled at
        once) before they are dropped.
    """

    max_query_chars: int = 1000
    max_body_bytes: int = 5 * 1024 * 1024
    max_rows: int = 100_000
    max_limit: int = 50
    request_seconds: float = 10.0
    table_seconds: float = 300.0
    workers: int = 2
    table_workers: int = 1
    table_queue: int = 4
    max_connections: int = 256
    header_seconds: float = 5.0
    body_seconds: float = 60.0
    stop_seconds: float = 2.0


class WorkerPool:
    """A bounded set of worker threads (a lane) that runs work under a time limit.

    Parameters
    ----------
    workers : int
        Threads of the lane.
    queue : int, optional
        How many more calls may wait for a thread; beyond that :meth:`run` raises
        :class:`LaneFull` at once (None: no bound).
    name : str
        The lane's name in messages.
    """

    def __init__(self, workers: int, *, queue: int | None = None, name: str = "look-up"):
        self.workers = workers
        self.queue = queue
        self.name = name
        self.stopping = threading.Event()
        self._limiter: anyio.CapacityLimiter | None = None
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Calls of the lane running or waiting for a thread now."""
        return self._admitted

    def job(self) -> Job:
        """A :class:`Job` that is cancelled when the pool stops."""
        return Job(self.stopping)

    def stop(self) -> None:
        """Cancel every job of the pool (they stop at their next check) and refuse new work."""
        self.stopping.set()

    async def run(self, func: Callable[..., Any], *args: Any, seconds: float, job: Job | None = None,
                  **kwargs: Any) -> Any:
        """``func(*args, **kwargs)`` in a worker thread, abandoned after ``seconds`` (raises RequestTimeout).

        ``job``, given to ``func`` by the caller, is cancelled when the call ends early (time
        limit, the request cancelled, the server stopping), so that the thread stops too.
        """
        if self.stopping.is_set():
            raise Stopping()
        if self._limiter is None:  # made on first use, inside the server's event loop
            self._limiter = anyio.CapacityLimiter(self.workers)
        if self.queue is not None and self._admitted >= self.workers + self.queue:
            raise LaneFull(self.name, self._admitted)
        call = functools.partial(func, *args, **kwargs)
        self._admitted += 1
        try:
            with anyio.fail_after(seconds):
                return await anyio.to_thread.run_sync(call, limiter=self._limiter, abandon_on_cancel=True)
        except TimeoutError:
            raise RequestTimeout(seconds) from None
        finally:
            self._admitted -= 1
            if job is not None:
                job.cancel()  # a no-op for finished work; stops a thread still running it


async def read_body(request: Any, max_bytes: int, seconds: float | None = None) -> bytes:
    """The request body, refused with HTTP 413 as soon as it grows past ``max_bytes``, and with
    HTTP 408 when it has not all arrived within ``seconds`` (a client trickling its body would
    otherwise hold a connection, and a running-request slot, for as long as it likes)."""
    try:
        with anyio.fail_after(seconds):
            return await _read_body(request, max_bytes)
    except TimeoutError:
        raise ParamError("body", f"not complete after {seconds:g} s", f"the body was not sent within {seconds:g} s",
                         status=408) from None


async def _read_body(request: Any, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared:
        if not declared.isdigit():
            raise ParamError("content-length", declared, "not a whole number")
        if int(declared) > max_bytes:
            raise ParamError("body", f"{int(declared)} bytes", f"larger than {max_bytes} bytes", status=413)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise ParamError("body", f"more than {max_bytes} bytes", f"larger than {max_bytes} bytes", status=413)
        chunks.append(chunk)
    return b"".join(chunks)


class AccessLog:
    """ASGI middleware: one log line per request (method, path, query cut short, status, bytes, ms)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        state = {"status": 0, "bytes": 0, "logged": False}

        def log_line() -> None:
            state["logged"] = True
            query = scope.get("query_string", b"")
            path = scope.get("raw_path") or scope.get("path", "")
            target = _printable(quote(path, 200) + ("?" + quote(query, 200) if query else ""))
            client = scope.get("client") or ("-", 0)
            access_log.info("%s %s %s %d %dB %.1fms", client[0], scope.get("method", "-"), target,
                            state["status"], state["bytes"], (time.perf_counter() - start) * 1000)

        async def logged_send(message: dict) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
            elif message["type"] == "http.response.body":
                state["bytes"] += len(message.get("body", b""))
                if not message.get("more_body", False):
                    log_line()  # before the last bytes go out, so the line exists once the client has them
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        except Exception:
            state["status"] = state["status"] or 500
            raise
        finally:
            if not state["logged"]:
                log_line()
