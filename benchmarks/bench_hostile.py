"""Benchmark: `conflictmap serve` under hostile clients, on loopback only, bounded in count and time.

Three figures (issue 24):

1. **Slow loris.** ``--slow`` connections (default 300) that never finish their headers, each
   trickling a byte a second and reopened at once when the server closes it. Meanwhile one
   client sends ``/status`` and ``/search`` requests back to back for ``--seconds``; printed: the
   share answered 200, the 503s and errors, latency p50 / p95 / max. Same run, same application,
   twice: on the server as ``conflictmap serve`` runs it now (header deadline, idle connections
   make room) and on uvicorn's stock protocol with the previous settings (``limit_concurrency``
   256, no header deadline).
2. **Look-ups while tables run.** Two ``POST /geocode`` tables of ``--table-rows`` invented names
   (default 25,000 each) run while one client sends ``/search`` and ``/reverse``; printed: their
   statuses and latency p50 / p95 / max, against the same look-ups on the idle server
   (goal: every one 200, max under 1 s).
3. **SIGTERM with a table in flight.** ``conflictmap serve`` as a child process gets a table and,
   two seconds later, SIGTERM; printed: seconds until it has exited (goal: under 5 s).

Usage::

    python benchmarks/bench_hostile.py [--slow 300] [--seconds 10] [--table-rows 25000] [--quick]

A script, not a timed test; every request has a timeout and every phase a fixed duration.
"""

from __future__ import annotations

import argparse
import http.client
import json
import select
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _measure import machine  # noqa: E402

HOST = "127.0.0.1"
PARTIAL = b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


# ------------------------------------------------------------------------------------ clients
def call(port: int, method: str, target: str, body: bytes | None = None, headers: dict | None = None,
         timeout: float = 5.0) -> tuple[int | str, float]:
    """(status or error name, seconds) of one request on a new connection."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        resp.read()
        return resp.status, time.perf_counter() - start
    except (OSError, http.client.HTTPException) as exc:
        return type(exc).__name__, time.perf_counter() - start
    finally:
        conn.close()


class SlowLoris(threading.Thread):
    """Keeps ``n`` connections open in the middle of their headers, a byte a second each."""

    def __init__(self, port: int, n: int):
        super().__init__(daemon=True)
        self.port, self.n = port, n
        self.stop = threading.Event()
        self.reopened = 0
        self.failed_opens = 0
        self.socks: list[socket.socket] = []

    def open(self) -> socket.socket | None:
        try:
            sock = socket.create_connection((HOST, self.port), timeout=2)
            sock.sendall(PARTIAL)
            sock.setblocking(False)
            return sock
        except OSError:
            self.failed_opens += 1
            return None

    def run(self) -> None:
        self.socks = [s for s in (self.open() for _ in range(self.n)) if s is not None]
        while not self.stop.is_set():
            readable, _, _ = select.select(self.socks, [], [], 0) if self.socks else ([], [], [])
            dead = set(readable)  # the server answered (408 / 503) or closed: reopen
            for sock in self.socks:
                if sock in dead:
                    continue
                try:
                    sock.send(b"a")
                except OSError:
                    dead.add(sock)
            for sock in dead:
                sock.close()
            self.socks = [s for s in self.socks if s not in dead]
            for _ in range(self.n - len(self.socks)):
                sock = self.open()
                if sock is not None:
                    self.socks.append(sock)
                    self.reopened += 1
            self.stop.wait(1.0)
        for sock in self.socks:
            sock.close()


def summary(results: list[tuple[int | str, float]]) -> str:
    if not results:
        return "no requests"
    ok = [t for s, t in results if s == 200]
    busy = sum(1 for s, _ in results if s == 503)
    other = len(results) - len(ok) - busy
    times = sorted(t for _, t in results)
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    return (f"{len(ok)}/{len(results)} answered 200 ({100 * len(ok) / len(results):.0f}%), {busy} x 503, "
            f"{other} errors/timeouts; latency p50 {statistics.median(times) * 1000:.1f} ms, "
            f"p95 {p95 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms")


def legit_traffic(port: int, seconds: float) -> list[tuple[int | str, float]]:
    results = []
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        target = "/status" if i % 2 else "/search?q=Kafr+Nabl&format=json"
        results.append(call(port, "GET", target))
        i += 1
        time.sleep(0.02)
    return results


# ------------------------------------------------------------------------------------ servers
def stock_server(app):
    """The application on uvicorn's own protocol with the settings the service used before."""
    import uvicorn

    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    config = uvicorn.Config(app, host=HOST, port=sock.getsockname()[1], log_level="critical", access_log=False,
                            limit_concurrency=256, timeout_keep_alive=5, lifespan="off", http="auto",
                            loop="asyncio", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    return server, thread, sock.getsockname()[1]


def slow_loris_phase(service, n_slow: int, seconds: float) -> None:
    import logging

    from conflictmap.service import BackgroundServer
    from conflictmap.service.app import create_app
    from conflictmap.service.server import LOOPBACK_NAMES

    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
    print(f"\n1. {n_slow} slow-loris connections, {seconds:g} s of requests from one client")
    with BackgroundServer(service) as server:
        attack = SlowLoris(server.port, n_slow)
        attack.start()
        time.sleep(1.0)
        now = legit_traffic(server.port, seconds)
        attack.stop.set()
        attack.join(10)
        print(f"   conflictmap serve now       : {summary(now)}; slow connections reopened {attack.reopened} times")
    app = create_app(service, allowed_hosts=LOOPBACK_NAMES)
    server, thread, port = stock_server(app)
    try:
        attack = SlowLoris(port, n_slow)
        attack.start()
        time.sleep(1.0)
        before = legit_traffic(port, seconds)
        attack.stop.set()
        attack.join(10)
    finally:
        server.should_exit = True
        thread.join(10)
    print(f"   stock uvicorn, before       : {summary(before)}; slow connections reopened {attack.reopened} times")
    ok_now = sum(s == 200 for s, _ in now) / max(len(now), 1)
    ok_before = sum(s == 200 for s, _ in before) / max(len(before), 1)
    print(f"   answered share, now / before: {100 * ok_now:.0f}% / {100 * ok_before:.0f}%")


def random_names(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    letters = np.array(list("abdefhiklmnrstuyz"))
    return ["".join(rng.choice(letters, 7)).title() + " " + "".join(rng.choice(letters, 5)) for _ in range(n)]


LOOKUPS = ["/search?q=Kafr+Nabl&format=json", "/reverse?lat=35.61&lon=36.56&format=json",
           "/search?q=Saraqib&admin1=Idlib&format=jsonv2", "/search?q=%D8%AD%D9%84%D8%A8&format=json",
           "/search?q=Maarat+al+Numan&format=json&limit=5"]


def lookups(port: int, n: int) -> list[tuple[int | str, float]]:
    out = []
    for i in range(n):
        out.append(call(port, "GET", LOOKUPS[i % len(LOOKUPS)], timeout=15))
        time.sleep(0.05)
    return out


def tables_phase(service, rows: int, n_lookups: int) -> None:
    from conflictmap.service import BackgroundServer

    print(f"\n2. look-ups while two POST /geocode tables of {rows:,} invented names run")
    with BackgroundServer(service) as server:
        quiet = lookups(server.port, n_lookups)
        results: list = []
        bodies = [json.dumps(random_names(rows, seed)).encode() for seed in (1, 2)]

        def post(body: bytes) -> None:
            results.append(call(server.port, "POST", "/geocode", body, {"Content-Type": "application/json"},
                                timeout=900))

        runners = [threading.Thread(target=post, args=(b,), daemon=True) for b in bodies]
        for r in runners:
            r.start()
        time.sleep(1.0)
        busy = []
        while any(r.is_alive() for r in runners) and len(busy) < n_lookups:
            busy.append(call(server.port, "GET", LOOKUPS[len(busy) % len(LOOKUPS)], timeout=15))
            time.sleep(0.05)
        still_running = any(r.is_alive() for r in runners)
        for r in runners:
            r.join(900)
    print(f"   idle server        : {summary(quiet)}")
    print(f"   while tables run   : {summary(busy)} (tables still running at the end: {still_running})")
    print(f"   tables             : " + ", ".join(f"{s} in {t:.1f} s" for s, t in results))
    if quiet and busy:
        ratio = max(t for _, t in busy) / max(statistics.median([t for _, t in quiet]), 1e-6)
        print(f"   max latency while tables run / idle median: {ratio:.1f}x; goal: max under 1 s: "
              f"{'met' if max(t for _, t in busy) < 1.0 and all(s == 200 for s, _ in busy) else 'NOT met'}")


def sigterm_phase(rows: int) -> None:
    print(f"\n3. SIGTERM to conflictmap serve with a table of {rows:,} names in flight")
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "conflictmap", "serve", "--port", str(port), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        start = time.monotonic()
        while call(port, "GET", "/status", timeout=2)[0] != 200:
            if proc.poll() is not None or time.monotonic() - start > 300:
                print("   the server did not start")
                return
            time.sleep(0.2)
        body = json.dumps(random_names(rows, 3)).encode()
        answer: list = []
        runner = threading.Thread(target=lambda: answer.append(
            call(port, "POST", "/geocode", body, {"Content-Type": "application/json"}, timeout=900)), daemon=True)
        runner.start()
        time.sleep(2.0)
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=300)
        stopped = time.monotonic() - start
        runner.join(60)
    finally:
        if proc.poll() is None:
            proc.kill()
    print(f"   stopped {stopped:.2f} s after SIGTERM (goal: under 5 s; exit status {proc.returncode}); "
          f"the table's client got: {answer[0][0] if answer else 'nothing yet'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=300, help="slow-loris connections (default 300)")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of client requests per server")
    parser.add_argument("--table-rows", type=int, default=25_000, help="names per table (default 25,000)")
    parser.add_argument("--lookups", type=int, default=100, help="look-ups during the tables (default 100)")
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    args = parser.parse_args(argv)
    if args.quick:
        args.slow, args.seconds, args.table_rows, args.lookups = 30, 2.0, 3000, 20
    from conflictmap.service import LookupService

    print(f"bench_hostile: {machine()}")
    start = time.perf_counter()
    service = LookupService.create()
    print(f"service loaded in {time.perf_counter() - start:.1f} s")
    slow_loris_phase(service, args.slow, args.seconds)
    tables_phase(service, args.table_rows, args.lookups)
    sigterm_phase(args.table_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
