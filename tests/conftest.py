"""Suite-wide fixtures: no network, paths to the optional ../shared material."""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


class NetworkBlocked(RuntimeError):
    """Raised when code under test tries to reach a non-loopback address."""


def _is_local(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) and address else address
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self, address):
    if not _is_local(address):
        raise NetworkBlocked(f"network access blocked in tests: {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_local(address):
        raise NetworkBlocked(f"network access blocked in tests: {address!r}")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host not in (None, "localhost", "127.0.0.1", "::1") and not str(host).startswith("127."):
        try:
            if ipaddress.ip_address(host).is_loopback:
                return _real_getaddrinfo(host, *args, **kwargs)
        except ValueError:
            pass
        raise NetworkBlocked(f"DNS lookup blocked in tests: {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


_CACHE_DIR: str | None = None
_CACHE_ENV_BEFORE = os.environ.get("CONFLICTMAP_CACHE_DIR")


def pytest_configure(config):
    """Block every non-loopback connection for the whole session (browser and dask use loopback),
    and keep the stored name index in a temporary folder (never the user's cache)."""
    global _CACHE_DIR
    _CACHE_DIR = tempfile.mkdtemp(prefix="conflictmap-test-cache-")
    os.environ["CONFLICTMAP_CACHE_DIR"] = _CACHE_DIR  # subprocesses (CLI, Dask workers) inherit it
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo


def pytest_unconfigure(config):
    if _CACHE_DIR:
        shutil.rmtree(_CACHE_DIR, ignore_errors=True)
        if _CACHE_ENV_BEFORE is None:
            os.environ.pop("CONFLICTMAP_CACHE_DIR", None)
        else:
            os.environ["CONFLICTMAP_CACHE_DIR"] = _CACHE_ENV_BEFORE
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex
    socket.getaddrinfo = _real_getaddrinfo


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout; tests that need it skip when it is absent."""
    if not (SHARED / "eval").is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


@pytest.fixture(scope="session")
def gazetteer():
    from conflictmap import get_gazetteer

    return get_gazetteer()


@pytest.fixture(scope="session")
def geocoder(gazetteer):
    from conflictmap import Geocoder

    return Geocoder(gazetteer)


@pytest.fixture(scope="session")
def rules_geocoder(gazetteer):
    """The hand rules alone (no match_confidence model): what the rules decide, which the model reads."""
    from conflictmap import Geocoder

    return Geocoder(gazetteer, confidence=None)
