"""uvicorn's HTTP protocol with two defences against clients that hold connections open.

* **Header deadline.** A connection must finish a request's headers within ``header_seconds`` of
  opening (or of its previous response); otherwise it is closed, with ``408 Request Timeout`` if
  it had started a request (a silent connection is just closed, as an idle keep-alive one is,
  so that no client reads a 408 as the answer to a request it sends at that moment).
  uvicorn itself has none: a client that sends a byte now and then ("slow loris") keeps its
  connection forever, since every byte restarts the keep-alive timer.
* **Idle connections make room.** At ``max_connections`` open connections, a new one closes the
  oldest connection that is not running a request (idle, or still sending its headers) instead
  of uvicorn answering every newcomer 503 ("Exceeded concurrency limit") while hundreds of
  half-open connections sit on the slots. Only connections with a request running count
  against the limit; if all of them are busy the newcomer gets 503.

The class is made per server by :func:`protocol_class` over uvicorn's own (httptools when
installed, else h11); both keep the request in progress as ``self.cycle``.

Examples
--------
>>> from uvicorn.protocols.http.h11_impl import H11Protocol
>>> cls = protocol_class(H11Protocol, header_seconds=5.0, max_connections=100)
>>> cls.header_seconds, cls.max_connections, issubclass(cls, H11Protocol)
(5.0, 100, True)
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)

__all__ = ["protocol_class"]

_TIMEOUT = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: 38\r\nconnection: close\r\n\r\nrequest headers not sent in time; bye\n")
_BUSY = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
         b"content-length: 33\r\nconnection: close\r\nretry-after: 1\r\n\r\nevery connection is busy; retry\n")


class _Guarded:
    """Mixin over a uvicorn HTTP protocol (see the module docstring)."""

    header_seconds: float = 5.0
    max_connections: int = 1024
    _deadline: asyncio.TimerHandle | None = None
    _opened: float = 0.0
    _started = False  # bytes of a request have arrived since the connection opened or last answered

    # -- state
    def _busy(self) -> bool:
        cycle = getattr(self, "cycle", None)
        return cycle is not None and not cycle.response_complete

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_seconds, self._too_slow)  # type: ignore[attr-defined]

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        transport = self.transport  # type: ignore[attr-defined]
        if self._busy() or transport is None or transport.is_closing():
            return
        log.info("closing a connection that sent no complete request headers in %g s", self.header_seconds)
        if self._started:
            transport.write(_TIMEOUT)
        transport.close()

    def _make_room(self) -> bool:
        """At the limit, close the oldest connection running no request; False when all are busy."""
        others = [c for c in self.connections if c is not self]  # type: ignore[attr-defined]
        if len(others) < self.max_connections:
            return True
        idle = [c for c in others if isinstance(c, _Guarded) and not c._busy()
                and c.transport is not None and not c.transport.is_closing()]
        if not idle:
            return False
        oldest = min(idle, key=lambda c: c._opened)
        oldest._disarm()
        oldest.transport.close()
        return True

    # -- uvicorn's protocol hooks
    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._opened = self.loop.time()  # type: ignore[attr-defined]
        if not self._make_room():
            log.warning("%d connections, every one running a request: refusing a new one", self.max_connections)
            transport.write(_BUSY)
            transport.close()
            return
        self._arm()

    def data_received(self, data: bytes) -> None:
        self._started = True
        super().data_received(data)  # type: ignore[misc]
        if self._busy():  # the headers are in: the request runs under its own time limit
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()  # type: ignore[misc]
        transport = self.transport  # type: ignore[attr-defined]
        if not self._busy() and transport is not None and not transport.is_closing():
            self._started = False
            self._arm()  # the next request's headers get the same deadline

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)  # type: ignore[misc]


def protocol_class(base: type, *, header_seconds: float, max_connections: int) -> type:
    """``base`` (a uvicorn HTTP protocol class) with the header deadline and connection room."""
    return type(f"Guarded{base.__name__}", (_Guarded, base),
                {"header_seconds": float(header_seconds), "max_connections": int(max_connections)})
