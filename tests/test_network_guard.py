"""The suite itself must not reach the network: the guard in conftest.py refuses it."""

import socket

import pytest

from conftest import NetworkBlocked


def test_outbound_connection_is_blocked():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkBlocked):
            s.connect(("93.184.216.34", 80))
    finally:
        s.close()


def test_dns_lookup_is_blocked():
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("example.org", 443)


def test_loopback_is_allowed():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket()
    try:
        client.connect(server.getsockname())
    finally:
        client.close()
        server.close()
