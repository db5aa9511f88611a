"""What bounds a request: body size, query length, rows, time, worker threads; one log line each.

The geocoding of a request runs in a worker thread (a bounded pool shared by all requests) under
a time limit: past it the client gets HTTP 503 at once; the thread finishes its look-up in the
background and its answer is dropped (Python threads cannot be killed; a single look-up is
milliseconds, a table is bounded by its row limit).

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
import time
from dataclasses import dataclass
from typing import Any, Callable

import anyio
import anyio.to_thread

from ..errors import ConflictmapError
from .params import ParamError, quote

__all__ = ["Limits", "RequestTimeout", "WorkerPool", "read_body", "AccessLog"]

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
        Threads that run look-ups (shared by all requests).
    max_connections : int
        Concurrent connections uvicorn accepts before answering 503.
    """

    max_query_chars: int = 1000
    max_body_bytes: int = 5 * 1024 * 1024
    max_rows: int = 100_000
    max_limit: int = 50
    request_seconds: float = 10.0
    table_seconds: float = 300.0
    workers: int = 2
    max_connections: int = 256


class WorkerPool:
    """A bounded set of worker threads (one per application) that runs look-ups under a time limit."""

    def __init__(self, workers: int):
        self.workers = workers
        self._limiter: anyio.CapacityLimiter | None = None

    async def run(self, func: Callable[..., Any], *args: Any, seconds: float, **kwargs: Any) -> Any:
        """``func(*args, **kwargs)`` in a worker thread, abandoned after ``seconds`` (raises RequestTimeout)."""
        if self._limiter is None:  # made on first use, inside the server's event loop
            self._limiter = anyio.CapacityLimiter(self.workers)
        call = functools.partial(func, *args, **kwargs)
        try:
            with anyio.fail_after(seconds):
                return await anyio.to_thread.run_sync(call, limiter=self._limiter, abandon_on_cancel=True)
        except TimeoutError:
            raise RequestTimeout(seconds) from None


async def read_body(request: Any, max_bytes: int) -> bytes:
    """The request body, refused with HTTP 413 as soon as it grows past ``max_bytes``."""
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
