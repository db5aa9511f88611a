"""Running the application with uvicorn: in the foreground (``conflictmap serve``) or in a
background thread of the current process (notebooks, tests, benchmarks).

Examples
--------
>>> from geopy.geocoders import Nominatim
>>> with BackgroundServer() as server:                      # 127.0.0.1, a free port
...     nom = Nominatim(domain=server.domain, scheme="http", user_agent="doctest")
...     nom.geocode("Kansafra, Idlib").raw["place_id"]
'gn:168572'
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
from typing import Any, Iterable

from .._optional import import_optional
from ..errors import ConflictmapError, InputError

log = logging.getLogger(__name__)

__all__ = ["serve", "BackgroundServer", "is_loopback", "check_host"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``.

    >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0")
    (True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _config(app: Any, host: str, port: int, limits: Any) -> Any:
    """uvicorn's settings: our protocol (header deadline, idle connections make room; it does the
    connection limit, so uvicorn's ``limit_concurrency`` is off) and a bounded graceful stop."""
    uvicorn = import_optional("uvicorn", extra="serve", purpose="conflictmap serve")
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    from .protocol import protocol_class

    http = protocol_class(AutoHTTPProtocol, header_seconds=limits.header_seconds,
                          max_connections=limits.max_connections)
    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, server_header=False,
                          limit_concurrency=None, timeout_keep_alive=5, lifespan="off", http=http,
                          loop="asyncio", ws="none", timeout_graceful_shutdown=limits.stop_seconds)


def _server(config: Any) -> Any:
    """A uvicorn server that cancels the application's running work as soon as it starts to stop
    (SIGTERM, Ctrl+C, :meth:`BackgroundServer.stop`), so that a table in flight does not hold
    the stop for minutes."""
    uvicorn = import_optional("uvicorn", extra="serve", purpose="conflictmap serve")

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            stop = getattr(getattr(self.config.app, "state", None), "stop", None)
            if stop is not None:
                stop()
            await super().shutdown(sockets)

    return Server(config)


def check_host(host: str) -> str:
    """Refuse an empty address (an unset shell variable), which would bind every interface.

    >>> check_host("")
    Traceback (most recent call last):
    ...
    conflictmap.errors.InputError: value '': the host is empty; give an address such as 127.0.0.1
    """
    if not isinstance(host, str) or not host.strip():
        raise InputError("the host is empty; give an address such as 127.0.0.1", value=host)
    return host.strip()


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def _app(service: Any, cors_origins: Iterable[str], limits: Any, host: str) -> Any:
    import_optional("starlette", extra="serve", purpose="conflictmap serve")
    from .app import create_app
    from .limits import Limits

    limits = limits if limits is not None else Limits()
    hosts = (*LOOPBACK_NAMES, host) if is_loopback(host) else None  # any name when exposed on purpose
    return create_app(service, cors_origins=cors_origins, limits=limits, allowed_hosts=hosts), limits


def serve(service: Any = None, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
          cors_origins: Iterable[str] = (), limits: Any = None) -> None:
    """Serve in the foreground until interrupted (Ctrl+C)."""
    host = check_host(host)
    app, limits = _app(service, cors_origins, limits, host)
    if not is_loopback(host):
        log.warning("listening on %s: the geocoder is reachable from other machines", host)
    _server(_config(app, host, port, limits)).run()


class BackgroundServer:
    """The service on loopback in a daemon thread; a context manager that stops it on exit.

    Parameters
    ----------
    service : LookupService, optional
        Shared look-up service (default: the bundled gazetteer).
    host : str
        Address to bind (default 127.0.0.1).
    port : int
        0 picks a free port (see :attr:`port` once started).
    cors_origins, limits : as for :func:`conflictmap.service.app.create_app`.
    """

    def __init__(self, service: Any = None, *, host: str = DEFAULT_HOST, port: int = 0,
                 cors_origins: Iterable[str] = (), limits: Any = None, start_timeout: float = 60.0):
        self.host = host = check_host(host)
        self._sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self.port = int(self._sock.getsockname()[1])
        self.app, self.limits = _app(service, cors_origins, limits, host)
        self._server = _server(_config(self.app, host, self.port, self.limits))
        self._thread: threading.Thread | None = None
        self._start_timeout = start_timeout

    @property
    def domain(self) -> str:
        """``host:port`` as geopy's ``Nominatim(domain=...)`` takes it."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """``http://host:port``."""
        return f"http://{self.domain}"

    def start(self) -> "BackgroundServer":
        """Start serving; returns once the server accepts connections."""
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]},
                                        name=f"conflictmap-serve-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ConflictmapError(f"the service did not start on {self.url}")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the server to finish and wait (at most ``timeout`` seconds) for its thread."""
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                self._server.force_exit = True
                self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> "BackgroundServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
