"""The service under hostile or careless clients (issue 24): bounded loopback tests that stop by
themselves. Connections that never finish their headers, tables that run for a long time, a stop
with a table in flight (in-process and SIGTERM to ``conflictmap serve``), JSON nested 100,000
deep, ragged and repeated-column CSV bodies, an empty host.

The figures for 300 slow connections and for look-up latency while tables run are printed by
``benchmarks/bench_hostile.py``.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from conflictmap.errors import InputError  # noqa: E402
from conflictmap.service import BackgroundServer, Limits, LookupService  # noqa: E402

TIMEOUT = 20  # seconds, for every HTTP call


@pytest.fixture(scope="module")
def service(geocoder):
    return LookupService(geocoder)


def request(host: str, port: int, method: str, target: str, body: bytes | None = None,
            headers: dict | None = None, timeout: float = TIMEOUT) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def random_names(n: int, seed: int = 0) -> list[str]:
    """Invented names (no gazetteer name): each a full fuzzy look-up, about a millisecond or more."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abdefhiklmnrstuyz"))
    return ["".join(rng.choice(letters, 7)).title() + " " + "".join(rng.choice(letters, 5)) for _ in range(n)]


def slow_client(host: str, port: int) -> socket.socket:
    """A connection that starts a request and never finishes its headers."""
    sock = socket.create_connection((host, port), timeout=TIMEOUT)
    sock.sendall(b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def closed_by_server(sock: socket.socket, within: float) -> bytes | None:
    """What the server sent before closing ``sock`` (None if still open after ``within`` s)."""
    sock.settimeout(within)
    data = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return data
            data += chunk
    except (socket.timeout, TimeoutError):
        return None
    except ConnectionResetError:
        return data


# ------------------------------------------------------------------------------- slow clients
def test_slow_connections_do_not_starve_others_and_are_closed(service):
    limits = Limits(header_seconds=1.5, max_connections=20)
    with BackgroundServer(service, limits=limits) as server:
        slow = [slow_client(server.host, server.port) for _ in range(50)]  # more than max_connections
        try:
            time.sleep(0.2)
            for _ in range(10):  # others are answered while 50 connections hang in their headers
                status, _, body = request(server.host, server.port, "GET", "/status", timeout=5)
                assert (status, body) == (200, b"OK")
            newest = slow[-1]
            answer = closed_by_server(newest, within=limits.header_seconds + 5)
            assert answer is not None and answer.startswith(b"HTTP/1.1 408"), answer
            # a client trickling a byte at a time is closed too: the deadline is for the whole header
            trickle = slow_client(server.host, server.port)
            start = time.monotonic()
            closed = None
            while time.monotonic() - start < limits.header_seconds + 5:
                try:
                    trickle.sendall(b"x")
                except OSError:
                    closed = time.monotonic() - start
                    break
                if closed_by_server(trickle, within=0.25) is not None:
                    closed = time.monotonic() - start
                    break
            assert closed is not None and closed < limits.header_seconds + 3
            trickle.close()
        finally:
            for sock in slow:
                sock.close()


def test_keep_alive_requests_still_work_and_headers_in_time_pass(service):
    with BackgroundServer(service, limits=Limits(header_seconds=1.0)) as server:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=TIMEOUT)
        try:
            for _ in range(3):  # one connection, three requests, spaced under the keep-alive time
                conn.request("GET", "/search?q=Saraqib&format=json")
                resp = conn.getresponse()
                assert resp.status == 200 and json.loads(resp.read())[0]["display_name"]
                time.sleep(0.5)
        finally:
            conn.close()


# ----------------------------------------------------------------------------- the table lane
def _post_table(server, names: list[str], out: dict) -> None:
    try:
        out["answer"] = request(server.host, server.port, "POST", "/geocode", json.dumps(names).encode(),
                                {"Content-Type": "application/json"}, timeout=120)
    except (OSError, http.client.HTTPException) as exc:
        out["answer"] = exc


def test_lookups_answer_while_a_table_runs_and_a_full_lane_says_retry(service):
    # one look-up thread only: with a shared pool the table would hold it and /search would time out
    limits = Limits(workers=1, table_workers=1, table_queue=0, request_seconds=3)
    with BackgroundServer(service, limits=limits) as server:
        lane = server.app.state.lanes["table"]
        out: dict = {}
        runner = threading.Thread(target=_post_table, args=(server, random_names(30_000), out), daemon=True)
        runner.start()
        deadline = time.monotonic() + 30
        while lane.admitted == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert lane.admitted == 1
        status, headers, body = request(server.host, server.port, "POST", "/geocode", b'["Saraqib"]',
                                        {"Content-Type": "application/json"})
        assert status == 503 and headers["retry-after"] and b"table lane is full" in body
        for target in ("/search?q=Kafr+Nabl&format=json", "/reverse?lat=35.61&lon=36.56&format=json",
                       "/search?q=Saraqib&format=jsonv2", "/search?q=%D8%AD%D9%84%D8%A8&format=json"):
            status, _, body = request(server.host, server.port, "GET", target, timeout=limits.request_seconds + 5)
            assert status == 200, body[:200]
            assert json.loads(body)
        assert runner.is_alive() and "answer" not in out  # the table was still running all along
        start = time.monotonic()
        server.stop()
        stopped = time.monotonic() - start
    runner.join(30)
    assert stopped < 5, stopped  # the table was cancelled, not waited for
    answer = out["answer"]
    assert isinstance(answer, Exception) or answer[0] == 503, answer


def test_a_table_past_its_time_limit_is_cancelled_and_the_lane_freed(service):
    limits = Limits(table_seconds=1.0, table_queue=0)
    with BackgroundServer(service, limits=limits) as server:
        lane = server.app.state.lanes["table"]
        big = json.dumps(random_names(20_000, seed=2)).encode()
        status, _, body = request(server.host, server.port, "POST", "/geocode", big, {"Content-Type": "application/json"})
        assert status == 503 and b"longer than 1 s" in body
        assert lane.admitted == 0
        status, _, body = request(server.host, server.port, "POST", "/geocode", b'["Saraqib"]',
                                  {"Content-Type": "application/json"})
        assert status == 200 and json.loads(body)[0]["match_status"]


# ---------------------------------------------------------------------- SIGTERM to the command
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigterm_stops_serve_within_5_s_with_a_table_in_flight():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "conflictmap", "serve", "--port", str(port), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if request("127.0.0.1", port, "GET", "/status", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()[-2000:]
            time.sleep(0.2)

        class Server:
            host = "127.0.0.1"

        Server.port = port
        out: dict = {}
        runner = threading.Thread(target=_post_table, args=(Server, random_names(30_000, seed=3), out), daemon=True)
        runner.start()
        time.sleep(2.0)  # the body is in and the table is being geocoded
        assert runner.is_alive() and "answer" not in out
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        stopped = time.monotonic() - start
        runner.join(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert stopped < 5, stopped
    assert "Traceback" not in proc.stderr.read()


# -------------------------------------------------------------------------------- bad bodies
@pytest.fixture(scope="module")
def server(service):
    with BackgroundServer(service) as srv:
        yield srv


@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000,
                                  '[{"name": ' + "[" * 100_000 + "]" * 100_000 + "}]",
                                  "{" + '"a":{' * 100_000 + "}" * 100_001])
def test_json_nested_100000_deep_is_a_client_error(server, body):
    status, headers, answer = request(server.host, server.port, "POST", "/geocode", body.encode(),
                                      {"Content-Type": "application/json"})
    assert status == 400, answer[:300]
    assert json.loads(answer)["error"]["parameter"] == "body"


@pytest.mark.parametrize("body, needle", [
    ("location,admin1\nKafr Nabl,Idlib,extra,extra2\nSaraqib\n", "line 2 has 4 fields"),
    ("location,admin1\nSaraqib,Idlib\nKafr Nabl,Idlib,extra\n", "line 3 has 3 fields"),
    ("location,admin1,location\nKafr Nabl,Idlib,Saraqib\n", "twice"),
    ('[{"name": "Kafr Nabl", "admin1": "Idlib", "name": "Saraqib"}]', "twice"),
])
def test_bodies_with_ragged_rows_or_repeated_columns_are_refused(server, body, needle):
    kind = "application/json" if body.startswith("[") else "text/csv"
    status, _, answer = request(server.host, server.port, "POST", "/geocode", body.encode(), {"Content-Type": kind})
    assert status == 400 and needle in json.loads(answer)["error"]["message"], answer


def test_a_good_csv_body_keeps_every_row(server):
    body = "location,admin1\nKafr Nabl,Idlib\nSaraqib\n\"Binnish, Idlib\",\n"
    status, _, answer = request(server.host, server.port, "POST", "/geocode?format=json", body.encode(),
                                {"Content-Type": "text/csv"})
    assert status == 200
    assert [r["location"] for r in json.loads(answer)] == ["Kafr Nabl", "Saraqib", "Binnish, Idlib"]


def test_an_empty_host_is_refused(service):
    with pytest.raises(InputError, match="host is empty"):
        BackgroundServer(service, host="")
    from conflictmap.service.server import serve

    with pytest.raises(InputError, match="host is empty"):
        serve(service, host=" ")


def test_chunked_table_geocoding_equals_one_call(service):
    import pandas as pd

    from conflictmap.geocoding.batch import geocode
    from conflictmap.service import table

    rng = np.random.default_rng(5)
    names = ["Kafr Nabl", "Saraqib", "Ruwayhah", "", "Xyzzy Qq", "Binnish", "Kansafra, Jabal al-Zawiya", "حلب"]
    frame = pd.DataFrame({"location": rng.choice(names, 400), "admin1": rng.choice(["", "Idlib", "Aleppo"], 400),
                          "place_id": "kept"})
    columns = table.pick_columns(frame, {})
    whole = table._plain(geocode(frame, name="location", admin1="admin1", geocoder=service.geocoder, progress=False))
    chunked = table.geocode_table(service.geocoder, frame, columns, chunk=3)
    assert table.to_json_bytes(chunked) == table.to_json_bytes(whole)
    assert table.to_csv_bytes(chunked) == table.to_csv_bytes(whole)


def test_a_body_trickled_past_its_time_limit_gets_408(service):
    with BackgroundServer(service, limits=Limits(body_seconds=1.0)) as server:
        sock = socket.create_connection((server.host, server.port), timeout=TIMEOUT)
        try:
            sock.sendall(b"POST /geocode HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n[\"Sara")
            start = time.monotonic()
            answer = closed_by_server(sock, within=10)  # answered, then closed
            assert answer is not None and answer.startswith(b"HTTP/1.1 408"), answer
            assert time.monotonic() - start < 8
        finally:
            sock.close()


def test_a_silent_connection_is_closed_without_an_answer(service):
    with BackgroundServer(service, limits=Limits(header_seconds=1.0)) as server:
        sock = socket.create_connection((server.host, server.port), timeout=TIMEOUT)
        try:
            assert closed_by_server(sock, within=6) == b""  # closed, and no 408 a client could misread
        finally:
            sock.close()
